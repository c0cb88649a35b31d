"""Map data by region: numeric averages and their categories, most common categories, regions
without boundaries, non-numeric answers, drill-down and scope."""

from __future__ import annotations

import random
from collections import Counter
from fractions import Fraction

import pytest
from sqlalchemy import select

from tests import factories as f
from tracpro.auth.scope import NotFound, Scope, subtree_ids
from tracpro.db.models import Answer, QuestionType
from tracpro.polls.rules import categorize, natural_sort_key
from tracpro.queries.maps import RegionResult, map_data

TODAY = f.NOW.date()  # the org's day the filters would count back from; these maps are of one date
RULES = [{"category": "1-5", "test": {"type": "has_number_between", "arguments": ["1", "5"]}},
         {"category": ">5", "test": {"type": "has_number_gt", "arguments": ["5"]}}]


@pytest.fixture
def world(db):
    org = f.OrgFactory()
    country = f.RegionFactory(org=org, name="Country", boundary=f.BoundaryFactory(org=org, level=0))
    north = f.RegionFactory(org=org, name="North", parent=country, boundary=f.BoundaryFactory(org=org))
    gicumbi = f.RegionFactory(org=org, name="Gicumbi", parent=north, boundary=f.BoundaryFactory(org=org, level=2))
    musanze = f.RegionFactory(org=org, name="Musanze", parent=north)  # no boundary
    south = f.RegionFactory(org=org, name="South", parent=country, boundary=f.BoundaryFactory(org=org))
    east = f.RegionFactory(org=org, name="East", parent=country)  # no boundary
    poll = f.PollFactory(org=org)
    number = f.QuestionFactory(poll=poll, question_type=QuestionType.NUMERIC, rules=RULES,
                               categories=["1-5", ">5", "Other"])
    choice = f.QuestionFactory(poll=poll, question_type=QuestionType.CATEGORICAL, categories=["yes", "no", "Other"])
    words = f.QuestionFactory(poll=poll, question_type=QuestionType.OPEN)
    pollrun = f.PollRunFactory(poll=poll)
    for region, value, category in ((gicumbi, "3", "yes"), (musanze, "8", "yes"), (north, "x", "no"),
                                    (south, "2", "no"), (south, "abc", "yes"), (east, "9", "yes")):
        response = f.ResponseFactory(pollrun=pollrun, contact=f.ContactFactory(org=org, region=region))
        number_value = float(value) if value.isdigit() else None
        f.AnswerFactory(response=response, question=number, value=value, value_number=number_value)
        f.AnswerFactory(response=response, question=choice, value=category, category=category, value_number=None)
    db.flush()
    return {"org": org, "regions": {r.name: r for r in (country, north, gicumbi, musanze, south, east)},
            "number": number, "choice": choice, "words": words, "pollrun": pollrun}


def _by_name(result):
    return {region.name: region for region in result.regions}


def test_numeric_averages_over_each_subtree_and_their_categories(db, world):
    admin = Scope(world["org"].id, None)
    result = map_data(db, admin, world["number"].id, world["pollrun"].id, today=TODAY)
    regions = _by_name(result)
    assert sorted(regions) == ["North", "South"]  # the country's children that can be drawn
    assert (regions["North"].average, regions["North"].category, regions["North"].answers) == (5.5, ">5", 2)
    assert (regions["South"].average, regions["South"].category) == (2.0, "1-5")  # "abc" is not a number
    assert result.without_boundary == ("East",)
    assert result.categories == ("1-5", ">5", "Other")
    assert {feature["properties"]["name"] for feature in result.features["features"]} == {"North", "South"}
    assert regions["North"].has_children and not regions["South"].has_children


def test_categorical_shows_the_most_common_category_ties_in_natural_order(db, world):
    result = _by_name(map_data(db, Scope(world["org"].id, None), world["choice"].id, world["pollrun"].id, today=TODAY))
    assert (result["North"].category, result["North"].answers) == ("yes", 3)
    assert result["South"].category == "no"  # one "no", one "yes": the first in natural order


def test_sums_response_rates_and_each_categorys_share(db, world):
    # One more response in South that skipped the numeric question and answered "no".
    south = world["regions"]["South"]
    response = f.ResponseFactory(pollrun=world["pollrun"], contact=f.ContactFactory(org=world["org"], region=south))
    f.AnswerFactory(response=response, question=world["choice"], value="no", category="no", value_number=None)
    db.flush()
    admin = Scope(world["org"].id, None)
    numeric = _by_name(map_data(db, admin, world["number"].id, world["pollrun"].id, today=TODAY))
    assert (numeric["North"].total, numeric["North"].responses, numeric["North"].replied) == (11.0, 3, 3)
    # South: 2 and "abc" answered (one number), the third response did not answer: 2 of 3.
    assert (numeric["South"].total, numeric["South"].answers, numeric["South"].responses) == (2.0, 1, 3)
    assert numeric["South"].response_rate == 66.7 and numeric["North"].response_rate == 100.0
    result = map_data(db, admin, world["choice"].id, world["pollrun"].id, today=TODAY)
    choice = _by_name(result)
    assert choice["North"].counts == (("yes", 2), ("no", 1)) and choice["South"].counts == (("no", 2), ("yes", 1))
    assert (choice["North"].share("yes"), choice["South"].share("yes"), choice["South"].share("maybe")) == (
        66.7, 33.3, 0.0)
    assert result.most_common == "yes"  # 3 "yes" and 3 "no" over both regions: the first in the legend
    empty = RegionResult(9, "Empty", False, 0)
    assert empty.share("yes") is None and empty.response_rate is None  # no answers is not 0 %


def test_drilling_down_draws_a_regions_children(db, world):
    north = world["regions"]["North"]
    result = map_data(db, Scope(world["org"].id, None), world["number"].id, world["pollrun"].id, region_id=north.id,
                      today=TODAY)
    assert [r.name for r in result.regions] == ["Gicumbi"] and result.regions[0].average == 3.0
    assert result.without_boundary == ("Musanze",)


def test_a_supervisor_sees_their_own_regions_only(db, world):
    regions = world["regions"]
    south = Scope(world["org"].id, frozenset({regions["South"].id}), regions["South"].id)
    result = map_data(db, south, world["number"].id, world["pollrun"].id, today=TODAY)
    assert [r.name for r in result.regions] == ["South"]
    with pytest.raises(NotFound):
        map_data(db, south, world["number"].id, world["pollrun"].id, region_id=regions["North"].id, today=TODAY)


def test_open_questions_have_no_map_and_regions_without_data_are_kept(db, world):
    admin = Scope(world["org"].id, None)
    assert map_data(db, admin, world["words"].id, world["pollrun"].id, today=TODAY) is None
    empty = f.PollRunFactory(poll=world["number"].poll, conducted_on=f.NOW.replace(year=2025),
                             conducted_date=f.NOW.replace(year=2025).date())
    db.flush()
    result = map_data(db, admin, world["number"].id, empty.id, today=TODAY)
    assert {(r.name, r.average, r.category, r.answers) for r in result.regions} == {
        ("North", None, None, 0), ("South", None, None, 0)}


def _random_map_org(db, seed: int):
    """A three-level tree with boundaries, some regions closed, contacts here and there, and
    answers with decimals, negatives, non-numbers and categories outside the rules."""
    rng = random.Random(seed)
    org = f.OrgFactory()
    country = f.RegionFactory(org=org, name="Country", boundary=f.BoundaryFactory(org=org, level=0))
    tops = [f.RegionFactory(org=org, name=name, parent=country, boundary=f.BoundaryFactory(org=org))
            for name in ("North", "South", "West")]
    districts = [f.RegionFactory(org=org, name=f"{top.name} {n}", parent=top, is_active=n != 3,
                                 boundary=f.BoundaryFactory(org=org, level=2))
                 for top in tops for n in range(1, 4)]
    contacts = [f.ContactFactory(org=org, region=rng.choice([country, *tops, *districts]),
                                 is_active=rng.random() < 0.9) for _ in range(120)]
    poll = f.PollFactory(org=org)
    number = f.QuestionFactory(poll=poll, question_type=QuestionType.NUMERIC, rules=RULES,
                               categories=["1-5", ">5", "Other"])
    choice = f.QuestionFactory(poll=poll, question_type=QuestionType.CATEGORICAL,
                               categories=["yes", "no", "Other"])
    pollrun = f.PollRunFactory(poll=poll)
    for contact in contacts:
        if rng.random() < 0.2:
            continue
        response = f.ResponseFactory(pollrun=pollrun, contact=contact, is_active=rng.random() < 0.9)
        value = rng.choice([f"{rng.randint(-20, 400) / 100}", str(rng.randint(0, 12)), "many", ""])
        try:
            parsed = float(value)
        except ValueError:
            parsed = None
        f.AnswerFactory(response=response, question=number, value=value, value_number=parsed,
                        category=categorize(parsed, RULES) if parsed is not None else "Other")
        word = rng.choice(["yes", "no", "no", "maybe", "Later", None])
        f.AnswerFactory(response=response, question=choice, value=word or "", category=word, value_number=None)
    db.flush()
    return org, country, tops, number, choice, pollrun


def _map_reference(db, scope: Scope, question, pollrun, drawn):
    """Answer by answer: each drawn region's answers from the counted responses in its subtree."""

    def top_of(region):
        while region is not None and region.id not in drawn:
            region = region.parent
        return region

    numbers, words = {}, {}
    for answer in db.scalars(select(Answer).where(Answer.question_id == question.id)):
        response, contact = answer.response, answer.response.contact
        region = contact.region
        if not (response.pollrun_id == pollrun.id and response.is_active and contact.is_active
                and region is not None and region.is_active and scope.sees_region(region.id)):
            continue
        top = top_of(region)
        if top is None or not top.is_active:
            continue
        if answer.value_to_use_number is not None:
            numbers.setdefault(top.id, []).append(Fraction(repr(answer.value_to_use_number)))
        if answer.category:
            words.setdefault(top.id, Counter())[answer.category] += 1
    return numbers, words


@pytest.mark.parametrize("seed", [11, 2026])
def test_each_region_holds_what_its_subtree_answered_on_random_data(db, seed):
    org, country, tops, number, choice, pollrun = _random_map_org(db, seed)
    north = tops[0]
    scopes = [Scope(org.id, None), Scope(org.id, frozenset(subtree_ids(db, org.id, [north.id])), north.id)]
    views_with_numbers, legends = 0, set()
    for scope in scopes:
        for drill in (None, north.id):
            numeric = map_data(db, scope, number.id, pollrun.id, region_id=drill, today=TODAY)
            categorical = map_data(db, scope, choice.id, pollrun.id, region_id=drill, today=TODAY)
            drawn = {region.region_id for region in numeric.regions}
            numbers, _ = _map_reference(db, scope, number, pollrun, drawn)
            for region in numeric.regions:
                values = numbers.get(region.region_id, [])
                expected = round(float(sum(values) / len(values)), 2) if values else None
                assert (region.answers, region.average) == (len(values), expected), region.name
                assert region.total == (float(sum(values)) if values else None), region.name
                assert region.category == (categorize(expected, RULES) if values else None)
            views_with_numbers += any(numbers.get(region.region_id) for region in numeric.regions)
            _, words = _map_reference(db, scope, choice, pollrun, drawn)
            for region in categorical.regions:
                counts = words.get(region.region_id, Counter())
                best = (
                    min(counts.items(), key=lambda item: (-item[1], natural_sort_key(item[0])))[0] if counts else None
                )
                assert (region.answers, region.category) == (sum(counts.values()), best), region.name
            extra = sorted({word for counts in words.values() for word in counts} - {"yes", "no"}, key=natural_sort_key)
            assert categorical.categories == ("yes", "no", *extra, "Other")  # the legend: rules, then the rest
            legends.add(categorical.categories)
    assert views_with_numbers == 4  # the comparison saw numbers at both levels, for both scopes
    assert ("yes", "no", "Later", "maybe", "Other") in legends
