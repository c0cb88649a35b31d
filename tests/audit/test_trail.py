"""The trail's own rules: who and when come from the session's declaration, an event is written
with its change or not at all (and logged only once committed), no secret gets in, and old events go."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import actors
from tests import factories as f
from tracpro.audit.trail import Acting, acting, forget_older_than, record
from tracpro.auth.users import UserDraft, create_user, update_user
from tracpro.db import session_scope
from tracpro.db.models import AuditEvent, AuditKind, Role
from tracpro.forms import FormErrors


def _events(db) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_who_and_when_are_those_declared_on_the_session(db):
    org, admin = f.OrgFactory(), f.UserFactory(login="ada@example.org")
    acting(db, Acting(admin.id, admin.login, f.NOW))
    record(db, AuditKind.SYNC_REQUESTED, org.id, {"request": 1})
    record(db, AuditKind.SIGNED_IN, None, by=Acting(None, "someone@example.org", f.NOW - timedelta(hours=1)))
    db.flush()
    requested, signed_in = _events(db)
    assert (requested.user_id, requested.email, requested.at) == (admin.id, admin.login, f.NOW)
    assert requested.org_id == org.id
    assert requested.details == {"request": 1}
    assert (signed_in.user_id, signed_in.email) == (None, "someone@example.org")
    assert signed_in.at == f.NOW - timedelta(hours=1)


def test_an_event_no_one_was_declared_for_has_no_person_and_the_databases_time(db):
    record(db, AuditKind.SYNC_REQUESTED, f.OrgFactory().id)
    db.flush()
    [event] = _events(db)
    assert (event.user_id, event.email) == (None, None)
    assert event.at == db.scalar(select(func.now()))  # the transaction's time, as PostgreSQL keeps it


@pytest.mark.parametrize("name", ["token", "rapidpro_token", "new_password", "password_hash", "Secret"])
def test_a_detail_named_like_a_secret_is_refused(db, name):
    with pytest.raises(ValueError, match="never holds a secret"):
        record(db, AuditKind.TOKEN_CHANGED, f.OrgFactory().id, {name: "hunter2"})
    assert _events(db) == []


def test_details_are_stored_as_plain_json(db):
    record(db, AuditKind.ROLE_CHANGED, f.OrgFactory().id,
           {"role": [None, Role.ADMIN], "day": f.NOW.date(), "at": f.NOW, "ids": {3, 1, 2}, "pair": (1, "a")})
    db.flush()
    [event] = _events(db)
    assert event.details == {"role": [None, "admin"], "day": "2026-11-02", "at": "2026-11-02T09:30:00+00:00",
                             "ids": [1, 2, 3], "pair": [1, "a"]}


def test_a_change_that_fails_leaves_no_event_and_no_log_line(db, caplog):
    org = f.OrgFactory()
    db.flush()
    draft = UserDraft("Bea", "bea@example.org", Role.ADMIN, (), "a good password", "a good password")
    caplog.set_level(logging.INFO, logger="tracpro.audit")
    with pytest.raises(RuntimeError), session_scope() as session:
        acting(session, Acting(None, None, f.NOW))
        create_user(session, actors.admin(org.id), draft, f.NOW)
        raise RuntimeError("something after the change fails: the whole change is rolled back")
    assert _events(db) == [] and caplog.records == []

    # A change refused before it is made records nothing either.
    with pytest.raises(FormErrors), session_scope() as session:
        acting(session, Acting(None, None, f.NOW))
        create_user(session, actors.admin(org.id), UserDraft("", "not an email"), f.NOW)
    assert _events(db) == [] and caplog.records == []


def test_a_committed_change_has_its_event_and_one_log_line(db, caplog):
    org, admin = f.OrgFactory(), f.UserFactory(login="ada@example.org")
    f.MembershipFactory(org=org, user=admin, role=Role.ADMIN)
    db.flush()
    draft = UserDraft("Bea", "bea@example.org", Role.ADMIN, (), "a good password", "a good password")
    caplog.set_level(logging.INFO, logger="tracpro.audit")
    with session_scope() as session:
        acting(session, Acting(admin.id, admin.login, f.NOW))
        bea = create_user(session, actors.admin(org.id, admin.id), draft, f.NOW)
        assert caplog.records == []  # not before the commit
    [event] = _events(db)
    assert (event.kind, event.email, event.details["email"]) == (AuditKind.USER_CREATED, admin.login, "bea@example.org")
    [line] = caplog.records
    assert line.getMessage() == "audit user_created"
    assert line.fields["org_id"] == org.id and line.fields["email"] == admin.login
    assert line.fields["details"]["user"] == bea.id

    # The next change through a session, refused, leaves the first event alone.
    with pytest.raises(FormErrors), session_scope() as session:
        acting(session, Acting(admin.id, admin.login, f.NOW))
        update_user(session, actors.admin(org.id, admin.id), bea.id, UserDraft("", "bea@example.org"), f.NOW)
    assert [event.kind for event in _events(db)] == [AuditKind.USER_CREATED]


def test_events_older_than_the_retention_are_forgotten(db):
    org = f.OrgFactory()
    for days in (401, 400, 399, 0):
        f.AuditEventFactory(org=org, at=f.NOW - timedelta(days=days), details={"days": days})
    assert forget_older_than(db, f.NOW, days=400) == 1
    assert [event.details["days"] for event in _events(db)] == [400, 399, 0]
