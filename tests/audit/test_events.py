"""Every kind of audit event is written by the action it names, as the person declared on the
session (the app declares the signed-in viewer), in the org and region the action concerns."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import actors
from tests import factories as f
from tracpro.actions.contact_validation import ContactInput
from tracpro.actions.contacts import create_contact, delete_contact, update_contact
from tracpro.actions.messages import reply, send_message
from tracpro.actions.polls import restart_non_respondents, start_poll
from tracpro.audit.trail import Acting, acting
from tracpro.auth import lockout, logins
from tracpro.auth.actor import Actor
from tracpro.auth.directory import give_role, set_user_active
from tracpro.auth.logins import SignedInUser
from tracpro.auth.scope import Scope
from tracpro.auth.users import (
    UserDraft,
    change_own_password,
    create_user,
    set_own_language,
    unlock_member,
    update_user,
)
from tracpro.db.models import Audience, AuditEvent, AuditKind, Org, ResponseStatus, Role
from tracpro.indicators.editing import IndicatorInput, delete_indicator, save_indicator
from tracpro.orgs.settings import OrgSettings, save_settings
from tracpro.orgs.superuser import NewOrg, create_org, set_org_active
from tracpro.orgs.tracking import track_reporter_groups
from tracpro.outbox.repeats import RepeatedSend
from tracpro.sync.requests import request_sync
from tracpro.ui.acting import record_download

TOKEN = "0123456789abcdef-the-secret-rapidpro-token"
AT = f.NOW + timedelta(minutes=5)


@dataclass
class World:
    db: Session
    org_id: int
    north_id: int
    south_id: int
    admin_id: int
    supervisor_id: int
    contact_id: int
    poll_id: int
    pollrun_id: int
    group_id: int
    admin_scope: Scope

    @property
    def admin(self) -> Actor:
        return actors.admin(self.org_id, self.admin_id)

    @property
    def superuser(self) -> Actor:
        # Orgs are created and (de)activated by superusers; the admin acts as one here.
        return actors.superuser(self.admin_id)

    def events(self) -> list[AuditEvent]:
        self.db.flush()
        self.db.expire_all()
        return list(self.db.scalars(select(AuditEvent).order_by(AuditEvent.id)))


@pytest.fixture
def world(db) -> World:
    return build_world(db, f.OrgFactory(name="Rwanda"))


def build_world(db: Session, org: Org) -> World:
    """Two regions of `org`, its administrator Ada and supervisor Sam (North), a contact, a poll
    started in North; Ada is declared as the one acting, at AT."""
    north, south = f.RegionFactory(org=org, name="North"), f.RegionFactory(org=org, name="South")
    admin = f.UserFactory(login="ada@example.org", name="Ada")
    f.MembershipFactory(org=org, user=admin, role=Role.ADMIN)
    supervisor = f.UserFactory(login="sam@example.org", name="Sam")
    f.MembershipFactory(org=org, user=supervisor, regions=[north])
    poll = f.PollFactory(org=org, rapidpro_name="Attendance")
    teachers = f.ReporterGroupFactory(org=org, name="Teachers")
    contact = f.ContactFactory(org=org, region=north, name="Nina", urn="tel:+250788000001")
    pollrun = f.PollRunFactory(poll=poll, region=north)
    f.ResponseFactory(pollrun=pollrun, contact=contact, status=ResponseStatus.EMPTY)
    db.flush()
    world = World(db, org.id, north.id, south.id, admin.id, supervisor.id, contact.id, poll.id, pollrun.id,
                  teachers.id, Scope(org.id, None))
    acting(db, Acting(admin.id, admin.login, AT))  # as the app does for the signed-in admin
    return world


def _draft(**changes) -> UserDraft:
    values = dict(name="Sam", email="sam@example.org", role=Role.SUPERVISOR)
    return UserDraft(**{**values, **changes})


def _settings(**changes) -> OrgSettings:
    values = dict(name="Rwanda", timezone="Africa/Kigali", language="en", available_languages=("en", "fr"),
                  rapidpro_host="http://127.0.0.1:9", rapidpro_token=None, sameday_mode="use_last")
    return OrgSettings(**{**values, **changes})


def _indicator(w: World) -> IndicatorInput:
    baseline, follow_up = (f.QuestionFactory(poll=f.PollFactory(org_id=w.org_id)) for _ in range(2))
    return IndicatorInput("Attendance up", date(2026, 9, 1), date(2026, 11, 30), baseline.id, follow_up.id)


def _contact(w: World, **changes) -> ContactInput:
    values = dict(name="Noor", urn_scheme="tel", urn_path="+250 788 123 456", region_id=w.north_id, language="eng",
                  reporter_group_ids=(w.group_id,))
    return ContactInput(**{**values, **changes})


def _sign_in(w: World) -> None:
    logins.start(w.db, w.supervisor_id, "a-cookie", AT)


def _lock(w: World) -> None:
    for _ in range(lockout.MAX_FAILURES):
        lockout.record_failure(w.db, w.supervisor_id, AT)


def _sign_out(w: World) -> None:
    login = logins.start(w.db, w.supervisor_id, "another-cookie", AT)
    logins.sign_out(w.db, login.id, AT)


def _reactivate(w: World) -> None:
    set_user_active(w.db, w.superuser, w.supervisor_id, False, AT)
    set_user_active(w.db, w.superuser, w.supervisor_id, True, AT)


def _update(w: World, **changes) -> None:
    update_user(w.db, w.admin, w.supervisor_id, _draft(**{"region_ids": (w.north_id,), **changes}), AT)


def _change_indicator(w: World) -> None:
    indicator = save_indicator(w.db, w.admin, _indicator(w))
    delete_indicator(w.db, w.admin, indicator.id)


def _download(w: World) -> None:
    ada = SignedInUser(w.admin_id, "ada@example.org", "Ada", False, False)
    with time_machine.travel(AT, tick=False):  # the app's clock: a download is recorded when the file is made
        record_download(ada, w.admin_scope, {"export": "responses", "pollrun": w.pollrun_id})



def _restart(w):
    """Restart the non-respondents; after a start of the same poll a moment ago (every event in
    one world), confirmed as the page asks the person to."""
    try:
        return restart_non_respondents(w.db, w.admin, w.pollrun_id, AT)
    except RepeatedSend as repeated:
        return restart_non_respondents(w.db, w.admin, w.pollrun_id, AT, repeated.earlier.request)


# Each kind, and an action that records it (with whatever it records on the way).
ACTIONS: dict[AuditKind, Callable[[World], object]] = {
    AuditKind.SIGNED_IN: _sign_in,
    AuditKind.SIGN_IN_FAILED: lambda w: lockout.record_failure(w.db, w.supervisor_id, AT),
    AuditKind.LOCKED_OUT: _lock,
    AuditKind.SIGNED_OUT: _sign_out,
    AuditKind.USER_CREATED: lambda w: create_user(w.db, w.admin, _draft(
        email="bea@example.org", region_ids=(w.south_id,), password="a good password",
        confirm_password="a good password"), AT),
    AuditKind.USER_CHANGED: lambda w: _update(w, name="Samuel"),
    AuditKind.ROLE_CHANGED: lambda w: _update(w, role=Role.ADMIN),
    AuditKind.REGIONS_CHANGED: lambda w: _update(w, region_ids=(w.south_id,)),
    AuditKind.USER_DEACTIVATED: lambda w: _update(w, is_active=False),
    AuditKind.USER_REACTIVATED: _reactivate,
    AuditKind.USER_UNLOCKED: lambda w: (_lock(w), unlock_member(w.db, w.admin, w.supervisor_id)),
    AuditKind.ORG_CREATED: lambda w: create_org(w.db, actors.superuser(w.admin_id), NewOrg("Kenya", "kenya")),
    AuditKind.ORG_SETTINGS_CHANGED: lambda w: save_settings(w.db, w.admin, _settings(name="Rwanda MoE")),
    AuditKind.TOKEN_CHANGED: lambda w: save_settings(w.db, w.admin, _settings(rapidpro_token=TOKEN)),
    AuditKind.ORG_DEACTIVATED: lambda w: set_org_active(w.db, w.superuser, w.org_id, False),
    AuditKind.ORG_REACTIVATED: lambda w: (set_org_active(w.db, w.superuser, w.org_id, False),
                                          set_org_active(w.db, w.superuser, w.org_id, True)),
    AuditKind.INDICATOR_CHANGED: _change_indicator,
    AuditKind.EXPORT_DOWNLOADED: _download,
    AuditKind.MESSAGE_SENT: lambda w: send_message(w.db, w.admin, w.pollrun_id, Audience.ALL,
                                                   "Please answer", AT),
    AuditKind.POLL_STARTED: lambda w: start_poll(w.db, w.admin, w.poll_id, w.north_id, False, AT),
    AuditKind.POLL_RESTARTED: _restart,
    AuditKind.CONTACT_CREATED: lambda w: create_contact(w.db, w.admin, _contact(w), AT),
    AuditKind.CONTACT_EDITED: lambda w: update_contact(w.db, w.admin, w.contact_id,
                                                       _contact(w, name="Nina N.", urn_path="+250788000001")),
    AuditKind.CONTACT_DELETED: lambda w: delete_contact(w.db, w.admin, w.contact_id),
    AuditKind.SYNC_REQUESTED: lambda w: request_sync(w.db, w.admin, 30),
}


def test_every_kind_has_an_action_here():
    assert set(ACTIONS) == set(AuditKind)


@pytest.mark.parametrize("kind", list(AuditKind))
def test_the_action_records_its_event_as_the_one_acting(world, kind):
    ACTIONS[kind](world)
    events = [event for event in world.events() if event.kind == kind]
    assert events, f"no {kind} event among {[event.kind for event in world.events()]}"
    for event in events:
        assert event.at == AT
        if kind in (AuditKind.SIGNED_IN, AuditKind.SIGN_IN_FAILED, AuditKind.LOCKED_OUT, AuditKind.SIGNED_OUT):
            # Signing in and out is the person's own doing, wherever they work.
            assert (event.user_id, event.email, event.org_id) == (world.supervisor_id, "sam@example.org", None)
        else:
            assert (event.user_id, event.email) == (world.admin_id, "ada@example.org")
        assert TOKEN not in json.dumps(event.details)


def test_signing_in_and_out_and_a_lock(world):
    _lock(world)
    kinds = [event.kind for event in world.events()]
    assert kinds == [AuditKind.SIGN_IN_FAILED] * 4 + [AuditKind.SIGN_IN_FAILED, AuditKind.LOCKED_OUT]
    assert world.events()[-1].details == {"until": (AT + lockout.LOCK_DURATION).isoformat()}
    login = logins.start(world.db, world.admin_id, "a-cookie", AT)
    logins.sign_out(world.db, login.id, AT)
    logins.sign_out(world.db, login.id, AT)  # an ended login ends once
    assert [event.kind for event in world.events()][-2:] == [AuditKind.SIGNED_IN, AuditKind.SIGNED_OUT]
    assert world.events()[-1].email == "ada@example.org"


def test_an_edit_records_each_thing_it_changed_and_nothing_when_nothing_changed(world):
    _update(world)
    assert world.events() == []
    _update(world, name="Samuel", email="samuel@example.org", password="a new password",
            confirm_password="a new password", role=Role.ADMIN, is_active=False)
    by_kind = {event.kind: event.details for event in world.events()}
    about_sam = {"user": world.supervisor_id, "name": "Sam", "email": "sam@example.org"}
    assert by_kind == {
        AuditKind.USER_CHANGED: {**about_sam, "changed": {"name": ["Sam", "Samuel"],
                                                          "email": ["sam@example.org", "samuel@example.org"],
                                                          "password": "set"}},
        AuditKind.ROLE_CHANGED: {**about_sam, "role": ["supervisor", "admin"]},
        AuditKind.REGIONS_CHANGED: {**about_sam, "regions": [["North"], []]},
        AuditKind.USER_DEACTIVATED: about_sam,
    }
    assert all(event.org_id == world.org_id for event in world.events())


def test_own_password_and_a_role_given_by_a_superuser(world):
    sam = actors.supervisor(world.org_id, [world.north_id], world.supervisor_id)
    change_own_password(world.db, sam, f.PASSWORD, "a new password", "a new password", AT,
                        keep_login=None)
    assert give_role(world.db, world.superuser, world.admin_id, world.org_id, Role.SUPERVISOR,
                     (world.south_id,)) is False
    changed, role, regions = world.events()
    assert (changed.kind, changed.org_id, changed.details["changed"]) == (
        AuditKind.USER_CHANGED, None, {"password": "changed by themselves"})
    assert (role.kind, role.details["role"]) == (AuditKind.ROLE_CHANGED, ["admin", "supervisor"])
    assert (regions.kind, regions.details["regions"]) == (AuditKind.REGIONS_CHANGED, [[], ["South"]])


def test_org_settings_say_what_changed_and_the_token_only_that_it_changed(world):
    save_settings(world.db, world.admin, _settings(name="Rwanda MoE", timezone="UTC", rapidpro_token=TOKEN))
    settings, token = world.events()
    assert settings.details == {"setting": "organization", "changed": {"name": ["Rwanda", "Rwanda MoE"],
                                                                       "timezone": ["Africa/Kigali", "UTC"]}}
    assert token.details == {"rapidpro_host": "http://127.0.0.1:9", "cleared": False}
    save_settings(world.db, world.admin, _settings(name="Rwanda MoE", timezone="UTC"))
    assert len(world.events()) == 2  # saved again unchanged, no token typed: nothing happened
    save_settings(world.db, world.admin, _settings(name="Rwanda MoE", timezone="UTC", rapidpro_host=""))
    host, dropped = world.events()[-2:]
    assert host.details["changed"] == {"rapidpro_host": ["http://127.0.0.1:9", ""]}
    assert (dropped.kind, dropped.details) == (AuditKind.TOKEN_CHANGED, {"rapidpro_host": "", "cleared": True})
    track_reporter_groups(world.db, world.admin, [f.ContactGroupFactory(org_id=world.org_id, name="Teachers").uuid])
    assert world.events()[-1].details == {"setting": "reporter_groups", "reporter_groups": ["Teachers"]}


def test_what_is_done_to_contacts_and_with_polls_is_in_the_region_it_concerns(world):
    supervisor = actors.supervisor(world.org_id, [world.north_id], world.supervisor_id)
    update_contact(world.db, supervisor, world.contact_id,
                   _contact(world, name="Nina N.", urn_path="+250788000001"))
    send_message(world.db, supervisor, world.pollrun_id, Audience.ALL, "Please answer", AT)
    reply(world.db, supervisor, world.contact_id, "Thank you", AT)
    edited, sent, replied = world.events()
    assert (edited.region_id, edited.details) == (world.north_id, {
        "contact": world.contact_id, "name": "Nina N.", "urn": "tel:+250788000001", "changed": ["groups", "name"]})
    assert sent.region_id == world.north_id
    assert {key: sent.details[key] for key in ("audience", "recipients", "text")} == {
        "audience": "all", "recipients": 1, "text": "Please answer"}
    assert (replied.details["audience"], replied.details["text"]) == ("contact", "Thank you")


def test_a_failed_sign_in_with_an_email_no_account_has_is_recorded_under_that_email(world):
    lockout.record_failure_of_no_account(world.db, "nobody@example.org", AT)
    lockout.record_failure_of_no_account(world.db, "x" * 300, AT)
    first, second = world.events()
    assert (first.kind, first.user_id, first.email, first.org_id, first.details) == (
        AuditKind.SIGN_IN_FAILED, None, "nobody@example.org", None, {"account": "none"})
    assert second.email == "x" * 254


def test_unlock_now_is_recorded_only_when_there_was_a_lock(world):
    unlock_member(world.db, world.admin, world.supervisor_id)
    assert world.events() == []
    _lock(world)
    unlock_member(world.db, world.admin, world.supervisor_id)
    unlocked = world.events()[-1]
    assert (unlocked.kind, unlocked.org_id, unlocked.details) == (
        AuditKind.USER_UNLOCKED, world.org_id,
        {"user": world.supervisor_id, "name": "Sam", "email": "sam@example.org", "failures": lockout.MAX_FAILURES})


def test_choosing_ones_own_language_is_recorded_as_a_change_of_the_user(world):
    sam = actors.supervisor(world.org_id, [world.north_id], world.supervisor_id)
    set_own_language(world.db, sam, "fr")
    set_own_language(world.db, sam, "fr")  # no change: nothing recorded
    set_own_language(world.db, sam, None)
    first, second = world.events()
    assert (first.kind, first.org_id, first.details["changed"]) == (
        AuditKind.USER_CHANGED, None, {"language": [None, "fr"]})
    assert second.details["changed"] == {"language": ["fr", None]}
