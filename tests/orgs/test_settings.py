"""Admin settings: the region tree, deactivating regions, org settings and the days of older runs,
and poll edits."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests import factories as f
from tracpro.db.models import Answer, QuestionType, Region, SameDayMode
from tracpro.db.token_cipher import decrypt_token
from tracpro.forms import FormErrors
from tracpro.orgs.polls import QuestionEdit, edit_poll
from tracpro.orgs.regions import deactivate_region
from tracpro.orgs.settings import OrgSettings, parse_days, save_settings
from tracpro.orgs.tracking import RegionChoice, track_regions, update_region_tree


@pytest.fixture
def uganda(db):
    """Uganda{Kampala{Makerere}, Entebbe} (the original TracPro's test tree), in an org named Test."""
    org = f.OrgFactory(name="Test")
    groups = {name: f.ContactGroupFactory(org=org, name=name, uuid=str(n))
              for n, name in enumerate(["Uganda", "Kampala", "Makerere", "Entebbe"], start=1)}
    track_regions(
        db, org.id, [RegionChoice("1"), RegionChoice("2", "1"), RegionChoice("3", "2"), RegionChoice("4", "1")]
    )
    regions = {r.name: r for r in db.scalars(select(Region).where(Region.org_id == org.id))}
    return org, groups, regions


def _parents(db, org) -> dict[str, str | None]:
    db.expire_all()
    regions = db.scalars(select(Region).where(Region.org_id == org.id, Region.is_active)).all()
    names = {r.id: r.name for r in regions}
    return {r.name: names.get(r.parent_id) for r in regions}


def test_deactivating_a_region_moves_its_children_up(db, uganda):
    org, _, regions = uganda
    deactivate_region(db, regions["Kampala"])
    assert (regions["Kampala"].is_active, regions["Kampala"].parent_id) == (False, None)
    assert _parents(db, org) == {"Uganda": None, "Makerere": "Uganda", "Entebbe": "Uganda"}
    deactivate_region(db, db.get(Region, regions["Uganda"].id))
    assert _parents(db, org) == {"Makerere": None, "Entebbe": None}


def test_choosing_regions_again_drops_the_others_and_brings_back_the_chosen_at_the_top(db, uganda):
    org, _, _ = uganda
    track_regions(db, org.id, [RegionChoice("1"), RegionChoice("2", "1"), RegionChoice("3", "2")])
    assert "Entebbe" not in _parents(db, org)
    track_regions(db, org.id, [RegionChoice("1"), RegionChoice("2", "1"), RegionChoice("3", "2"), RegionChoice("4")])
    assert _parents(db, org)["Entebbe"] is None


def _tree(regions, **changes):
    data = {str(r.id): [r.parent_id, r.boundary_id] for r in regions.values() if r.is_active}
    data.update(changes)
    return data


def test_valid_data_rebuilds_the_region_tree(db, uganda):
    org, _, regions = uganda
    boundary = f.BoundaryFactory(org=org)
    data = _tree(regions, **{str(regions["Entebbe"].id): [regions["Kampala"].id, boundary.id]})
    assert update_region_tree(db, org.id, json.dumps(data)) == "Test regions have been updated."
    assert _parents(db, org)["Entebbe"] == "Kampala"
    assert db.get(Region, regions["Entebbe"].id).boundary_id == boundary.id


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda o, r: None, "No data was provided."),
        (lambda o, r: "invalid", "Data must be valid JSON."),
        (lambda o, r: json.dumps("a string"), "Data must map each region id to (parent id, boundary id)."),
        (
            lambda o, r: _tree(r, **{str(r["Entebbe"].id): [None]}),
            "All data values must be of the format (parent id, boundary id).",
        ),
        (
            lambda o, r: {k: v for k, v in _tree(r).items() if k != str(r["Entebbe"].id)},
            "Data must map every active region of this org to its parent.",
        ),
        (
            lambda o, r: _tree(r, **{"999999": [None, None]}),
            "Data must map every active region of this org to its parent.",
        ),
        (
            lambda o, r: _tree(r, **{str(r["Entebbe"].id): [f.RegionFactory().id, None]}),
            "A region's parent must be a region of the same org, or none.",
        ),
        (
            lambda o, r: _tree(r, **{str(r["Entebbe"].id): [None, f.BoundaryFactory().id]}),
            "A region's boundary must be a boundary of the same org, or none.",
        ),
        (
            lambda o, r: _tree(r, **{str(r["Uganda"].id): [r["Makerere"].id, None]}),
            "A region cannot be inside one of its own sub-regions.",
        ),
    ],
)
def test_bad_region_tree_data_is_refused_with_a_reason_and_changes_nothing(db, uganda, make, message):
    org, _, regions = uganda
    before = _parents(db, org)
    with pytest.raises(ValueError) as raised:
        update_region_tree(db, org.id, make(org, regions))
    assert str(raised.value) == message
    assert _parents(db, org) == before


def _settings(**changes) -> OrgSettings:
    values = dict(name="UNICEF", timezone="Asia/Kabul", language="en", available_languages=("en", "fr"),
                  rapidpro_host="https://app.rapidpro.io", rapidpro_token=None, sameday_mode="use_last")
    return OrgSettings(**{**values, **changes})


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            {"language": "es"},
            "language",
            "Default language must be one of the languages available for this organization.",
        ),
        ({"timezone": "Mars/Olympus"}, "timezone", "Select a valid timezone."),
        ({"rapidpro_host": "app.rapidpro.io"}, "rapidpro_host", "Enter a valid URL, such as https://app.rapidpro.io."),
        ({"name": ""}, "name", "This field is required."),
        (
            {"logo": b"x" * 10, "logo_content_type": "application/pdf"},
            "logo",
            "The logo must be a PNG, JPEG, SVG or WebP image.",
        ),
    ],
)
def test_org_settings_are_checked(db, changes, field, message):
    org = f.OrgFactory(name="Before")
    with pytest.raises(FormErrors) as raised:
        save_settings(db, org.id, _settings(**changes))
    assert raised.value.errors[field] == [message]
    assert db.get(type(org), org.id).name == "Before"


def test_switching_the_same_day_mode_recomputes_values_to_use(db):
    answer = f.AnswerFactory(question__question_type=QuestionType.NUMERIC, value="1.0", value_number=1.0)
    second = f.AnswerFactory(response__pollrun=answer.response.pollrun, response__contact=answer.response.contact,
                             question=answer.question, value="3.0", value_number=3.0,
                             submitted_on=answer.submitted_on.replace(minute=45))
    db.flush()
    token = f.OrgFactory._meta.model
    save_settings(db, answer.org_id, _settings(sameday_mode="sum", rapidpro_token="new-token"))
    db.expire_all()
    assert {a.value_to_use for a in db.scalars(select(Answer).where(Answer.id.in_([answer.id, second.id])))} == {"4.0"}
    assert decrypt_token(db.get(token, answer.org_id).rapidpro_token_encrypted) == "new-token"
    assert db.get(token, answer.org_id).sameday_mode == SameDayMode.SUM


@pytest.mark.parametrize("text", ["", "0", "zero", "1.1", "-2"])
def test_fetch_older_runs_needs_whole_days(text):
    with pytest.raises(FormErrors, match="whole number of days"):
        parse_days(text)


def test_fetch_older_runs_takes_one_day():
    assert parse_days("1") == 1 and parse_days(30) == 30


def test_poll_edits_keep_custom_names_and_types_and_recompute_answers(db):
    question = f.QuestionFactory(rapidpro_name="Sheep", question_type=QuestionType.CATEGORICAL)
    poll = question.poll
    f.AnswerFactory(response__pollrun__poll=poll, question=question, value="4", value_number=4.0, value_to_use="x")
    db.flush()
    edit_poll(db, poll.org_id, poll.id, "Livestock", [QuestionEdit(question.id, "Sheep", "numeric", False)])
    db.expire_all()
    question = db.get(type(question), question.id)
    assert (db.get(type(poll), poll.id).name, question.custom_name, question.question_type, question.type_is_custom,
            question.is_active) == ("Livestock", None, QuestionType.NUMERIC, True, False)
    # Now numeric, its answers follow the org's same-day rule ("use last": its own value here).
    assert db.scalars(select(Answer.value_to_use).where(Answer.question_id == question.id)).one() == "4"
    with pytest.raises(FormErrors):
        edit_poll(db, poll.org_id, poll.id, "x", [QuestionEdit(f.QuestionFactory().id, "y", "open", True)])
