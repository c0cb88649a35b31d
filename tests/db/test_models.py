"""The constraints pages and sync rely on hold in the database itself."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import configure_mappers

from tests import factories as f
from tracpro.db import models
from tracpro.db.base import Base


def _refused(db, make) -> None:
    """`make()` writes a row (factories flush on create); the database must refuse it."""
    with pytest.raises(IntegrityError), db.begin_nested():
        make()


def test_every_model_has_a_factory_that_writes_a_row(db):
    configure_mappers()
    mapped = {mapper.class_ for mapper in Base.registry.mappers}
    assert mapped == set(f.FACTORIES), f"models without a factory: {mapped - set(f.FACTORIES)}"
    for model, factory_class in f.FACTORIES.items():
        row = factory_class()
        db.flush()
        primary_key = tuple(getattr(row, column.key) for column in model.__mapper__.primary_key)
        db.expunge(row)
        assert db.get(model, primary_key if len(primary_key) > 1 else primary_key[0]) is not None


def test_rapidpro_uuids_are_unique_per_org_not_across_orgs(db):
    first, second = f.OrgFactory(), f.OrgFactory()
    contact = f.ContactFactory(org=first)
    f.ContactFactory(org=second, uuid=contact.uuid)  # another org may hold the same uuid
    db.flush()
    _refused(db, lambda: f.ContactFactory(org=first, uuid=contact.uuid))


@pytest.mark.parametrize("factory_class", [f.RegionFactory, f.ReporterGroupFactory, f.ContactGroupFactory])
def test_group_uuids_are_unique_per_org(db, factory_class):
    org = f.OrgFactory()
    group = factory_class(org=org)
    db.flush()
    _refused(db, lambda: factory_class(org=org, uuid=group.uuid))


def test_poll_flow_uuid_and_question_key_are_unique(db):
    poll = f.PollFactory()
    f.QuestionFactory(poll=poll, key="age")
    db.flush()
    _refused(db, lambda: f.QuestionFactory(poll=poll, key="age"))
    poll = f.PollFactory()
    db.flush()
    _refused(db, lambda: f.PollFactory(org_id=poll.org_id, org=None, flow_uuid=poll.flow_uuid))


def test_a_run_is_stored_once_and_answers_once_per_question(db):
    response = f.ResponseFactory()
    db.flush()
    _refused(db, lambda: f.ResponseFactory(pollrun=response.pollrun, run_uuid=response.run_uuid))

    answer = f.AnswerFactory()
    db.flush()
    _refused(db, lambda: f.AnswerFactory(response=answer.response, question=answer.question))


def test_one_universal_pollrun_per_poll_per_day_but_regional_ones_may_share_it(db):
    poll = f.PollFactory()
    day = date(2026, 11, 2)
    f.PollRunFactory(poll=poll, conducted_date=day)
    region = f.RegionFactory(org_id=poll.org_id, org=None)
    f.PollRunFactory(poll=poll, conducted_date=day, pollrun_type=models.PollRunType.REGIONAL, region=region)
    f.PollRunFactory(poll=poll, conducted_date=day + timedelta(days=1))
    db.flush()
    _refused(db, lambda: f.PollRunFactory(poll=poll, conducted_date=day))


def test_region_tree_keeps_children_when_a_parent_row_goes(db):
    org = f.OrgFactory()
    parent = f.RegionFactory(org=org, name="Northern")
    child = f.RegionFactory(org=org, name="Gicumbi", parent_id=None)
    child.parent = parent
    db.flush()
    assert db.scalars(select(models.Region.name).where(models.Region.parent_id == parent.id)).all() == ["Gicumbi"]
    db.delete(parent)
    db.flush()
    db.expire_all()
    assert db.get(models.Region, child.id).parent_id is None


def test_contacts_belong_to_several_reporter_groups_and_groups_to_many_contacts(db):
    org = f.OrgFactory()
    teachers, farmers = (
        f.ReporterGroupFactory(org=org, name="Teachers"),
        f.ReporterGroupFactory(org=org, name="Farmers"),
    )
    ann = f.ContactFactory(org=org, reporter_groups=[teachers, farmers])
    bob = f.ContactFactory(org=org, reporter_groups=[teachers])
    db.flush()
    rows = db.execute(
        select(models.Contact.name, models.ReporterGroup.name)
        .select_from(models.Contact)
        .join(models.Contact.reporter_groups)
        .order_by(models.Contact.name, models.ReporterGroup.name)
    ).all()
    assert rows == [(ann.name, "Farmers"), (ann.name, "Teachers"), (bob.name, "Teachers")]


def test_free_form_rapidpro_data_round_trips_as_jsonb(db):
    geometry = {"type": "MultiPolygon", "coordinates": [[[[30.1, -1.9], [30.2, -1.9], [30.2, -2.0], [30.1, -1.9]]]]}
    boundary = f.BoundaryFactory(geometry=geometry)
    contact = f.ContactFactory(fields={"age": "34", "district": "Rwanda > Kigali City > Nyarugenge", "nickname": None})
    rules = [{"category": "1 - 5", "test": {"type": "has_number_between", "arguments": ["1", "5"]}}]
    question = f.QuestionFactory(rules=rules, categories=["1 - 5", "Other"])
    db.flush()
    db.expire_all()
    assert db.get(models.Boundary, boundary.id).geometry == geometry
    assert db.get(models.Contact, contact.id).fields["nickname"] is None
    assert db.get(models.Question, question.id).rules == rules
    # JSONB, not text: PostgreSQL can reach inside it.
    age = db.execute(text("SELECT fields->>'age' FROM contacts WHERE id = :id"), {"id": contact.id}).scalar_one()
    assert age == "34"


def test_enum_columns_refuse_values_outside_their_enum(db):
    poll = f.PollFactory()
    db.flush()
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(
            text(
                "INSERT INTO pollruns (org_id, poll_id, pollrun_type, conducted_on, conducted_date) "
                "VALUES (:org, :poll, 'weekly', now(), current_date)"
            ),
            {"org": poll.org_id, "poll": poll.id},
        )
    with pytest.raises(StatementError), db.begin_nested():
        f.PollRunFactory(pollrun_type="weekly")


def test_logins_are_unique_whatever_their_case(db):
    f.UserFactory(login="Sam@Example.org")
    db.flush()
    _refused(db, lambda: f.UserFactory(login="sam@example.org"))


def test_poll_and_question_names_follow_rapidpro_unless_customised(db):
    renamed = f.PollFactory(rapidpro_name="Weekly attendance", custom_name="Attendance")
    plain = f.PollFactory(rapidpro_name="Water points")
    db.flush()
    assert (renamed.name, plain.name) == ("Attendance", "Water points")
    names = db.scalars(
        select(models.Poll.name).where(models.Poll.id.in_([renamed.id, plain.id])).order_by(models.Poll.name)
    ).all()
    assert names == ["Attendance", "Water points"]


def test_deleting_an_org_removes_everything_it_owns(db):
    answer = f.AnswerFactory()
    db.flush()
    org_id = answer.org_id
    other = f.ContactFactory()
    db.flush()
    db.expunge_all()
    db.execute(text("DELETE FROM orgs WHERE id = :id"), {"id": org_id})
    for model in (models.Answer, models.Response, models.PollRun, models.Question, models.Poll, models.Contact):
        assert db.scalars(select(model).where(model.org_id == org_id)).all() == []
    assert db.get(models.Contact, other.id) is not None
