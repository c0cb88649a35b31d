"""Map data by region: numeric averages and their categories, most common categories, regions
without boundaries, non-numeric answers, drill-down and scope (tracpro-behaviour §3.7)."""

from __future__ import annotations

import pytest

from tests import factories as f
from tracpro.auth.scope import Scope
from tracpro.db.models import QuestionType
from tracpro.queries.maps import map_data
from tracpro.queries.poll_base import NotFound

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
    result = map_data(db, admin, world["number"].id, world["pollrun"].id)
    regions = _by_name(result)
    assert sorted(regions) == ["North", "South"]  # the country's children that can be drawn
    assert (regions["North"].average, regions["North"].category, regions["North"].answers) == (5.5, ">5", 2)
    assert (regions["South"].average, regions["South"].category) == (2.0, "1-5")  # "abc" is not a number
    assert result.without_boundary == ("East",)
    assert result.categories == ("1-5", ">5", "Other")
    assert {feature["properties"]["name"] for feature in result.features["features"]} == {"North", "South"}
    assert regions["North"].has_children and not regions["South"].has_children


def test_categorical_shows_the_most_common_category_ties_in_natural_order(db, world):
    result = _by_name(map_data(db, Scope(world["org"].id, None), world["choice"].id, world["pollrun"].id))
    assert (result["North"].category, result["North"].answers) == ("yes", 3)
    assert result["South"].category == "no"  # one "no", one "yes": the first in natural order


def test_drilling_down_draws_a_regions_children(db, world):
    north = world["regions"]["North"]
    result = map_data(db, Scope(world["org"].id, None), world["number"].id, world["pollrun"].id, region_id=north.id)
    assert [r.name for r in result.regions] == ["Gicumbi"] and result.regions[0].average == 3.0
    assert result.without_boundary == ("Musanze",)


def test_a_supervisor_sees_their_own_regions_only(db, world):
    regions = world["regions"]
    south = Scope(world["org"].id, frozenset({regions["South"].id}), regions["South"].id)
    result = map_data(db, south, world["number"].id, world["pollrun"].id)
    assert [r.name for r in result.regions] == ["South"]
    with pytest.raises(NotFound):
        map_data(db, south, world["number"].id, world["pollrun"].id, region_id=regions["North"].id)


def test_open_questions_have_no_map_and_regions_without_data_are_kept(db, world):
    admin = Scope(world["org"].id, None)
    assert map_data(db, admin, world["words"].id, world["pollrun"].id) is None
    empty = f.PollRunFactory(poll=world["number"].poll, conducted_on=f.NOW.replace(year=2025),
                             conducted_date=f.NOW.replace(year=2025).date())
    db.flush()
    result = map_data(db, admin, world["number"].id, empty.id)
    assert {(r.name, r.average, r.category, r.answers) for r in result.regions} == {
        ("North", None, None, 0), ("South", None, None, 0)}
