"""No write changes what its actor may not change.

Every registered write (tracpro.auth.writes) is called several times, each in a savepoint rolled
back afterwards:

- by an actor its rule allows, on their own objects: it must change something, so that the
  refusals below prove something;
- by an actor its rule refuses (North's supervisor for an administrators' write, an
  administrator for a superusers' write): NotAllowed, and nothing changed anywhere;
- for what members may do, by North's supervisor on South's objects: refused (NotAllowed, or the
  form's FormErrors for a choice it never offers) and nothing changed anywhere;
- by org B's administrator, with org A's objects: nothing of org A changes.

A write the test does not know how to call makes it fail until CALLS is taught it. Reading the
source, the last tests fail on a function that changes data without being registered, and on a
page or UI helper that changes data other than through a registered write.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import tracpro
from tests import factories as f
from tests.auth.data_changes import calls_in, data_changing_functions
from tests.auth.write_world import PASSWORD, Targets, WriteWorld, build_write_world
from tests.conftest import ROOT
from tracpro.actions.contact_validation import ContactInput
from tracpro.auth.actor import Actor, NotAllowed
from tracpro.auth.users import UserDraft
from tracpro.auth.writes import REGISTRY, Allowed, Write, write
from tracpro.db.base import Base
from tracpro.db.models import Audience, Contact, Membership, Org, Role
from tracpro.forms import FormErrors
from tracpro.indicators.editing import IndicatorInput
from tracpro.indicators.spoof import SpoofInput
from tracpro.orgs.settings import OrgSettings
from tracpro.orgs.superuser import NewOrg
from tracpro.orgs.tracking import RegionChoice

# Importing every module of TracPro fills the registry: a new write joins by existing.
for module in pkgutil.walk_packages(tracpro.__path__, prefix="tracpro."):
    if not module.name.endswith("__main__"):
        importlib.import_module(module.name)

NOW = f.NOW

# How to call each write, on the given objects: its arguments after the session and the actor.
CALLS: dict[str, Callable[[Targets], dict[str, Any]]] = {
    "tracpro.orgs.settings.save_settings": lambda t: {"data": OrgSettings(
        "Renamed", "UTC", "en", ("en",), "https://rapidpro.example.org", "new-token", "sum")},
    "tracpro.orgs.polls.edit_poll": lambda t: {"poll_id": t.poll_id, "name": "Renamed", "questions": []},
    "tracpro.orgs.tracking.track_regions": lambda t: {"choices": [RegionChoice(t.region_group_uuid)]},
    "tracpro.orgs.tracking.track_reporter_groups": lambda t: {"uuids": [t.untracked_group_uuid]},
    "tracpro.orgs.tracking.set_active_polls": lambda t: {"flow_uuids": []},
    "tracpro.orgs.tracking.update_region_tree": lambda t: {
        "data": {region_id: [None, None] for region_id in t.active_region_ids}},
    "tracpro.orgs.tracking.choose_regions": lambda t: {"uuids": [t.region_group_uuid]},
    "tracpro.orgs.tracking.stop_tracking_region": lambda t: {"region_id": t.region_id},
    "tracpro.orgs.superuser.create_org": lambda t: {"draft": NewOrg("New org", "new-org")},
    "tracpro.orgs.superuser.set_org_active": lambda t: {"org_id": t.org_id, "active": False},
    "tracpro.auth.directory.give_role": lambda t: {
        "user_id": t.member_id, "org_id": t.org_id, "role": Role.ADMIN, "region_ids": ()},
    "tracpro.auth.directory.set_user_active": lambda t: {"user_id": t.member_id, "active": False, "now": NOW},
    "tracpro.auth.users.create_user": lambda t: {"draft": UserDraft(
        "New person", "new.person@example.org", Role.SUPERVISOR, (t.region_id,), "a new password", "a new password"),
        "now": NOW},
    "tracpro.auth.users.update_user": lambda t: {
        "user_id": t.member_id, "draft": UserDraft("Renamed", t.member_email, Role.SUPERVISOR, (t.region_id,)),
        "now": NOW},
    "tracpro.auth.users.unlock_member": lambda t: {"user_id": t.member_id},
    "tracpro.auth.users.change_own_password": lambda t: {
        "current": PASSWORD, "password": "a new password", "confirmation": "a new password", "now": NOW,
        "keep_login": None},
    "tracpro.auth.users.set_own_language": lambda t: {"code": "fr"},
    "tracpro.indicators.editing.save_indicator": lambda t: {
        "data": IndicatorInput("Renamed", t.start, t.end, *t.question_ids), "indicator_id": t.indicator_id},
    "tracpro.indicators.editing.delete_indicator": lambda t: {"indicator_id": t.indicator_id},
    "tracpro.indicators.spoof.spoof": lambda t: {
        "data": SpoofInput((t.contact_id,), t.start, t.end, *t.question_ids, 1, 5, 1, 5), "now": NOW},
    "tracpro.indicators.spoof.clear_spoof": lambda t: {},
    "tracpro.sync.requests.request_sync": lambda t: {"days": 30},
    "tracpro.actions.contacts.create_contact": lambda t: {"data": ContactInput(
        "New contact", "tel", "+250 788 123 456", t.region_id, (t.reporter_group_id,), "eng"), "now": NOW},
    "tracpro.actions.contacts.update_contact": lambda t: {"contact_id": t.contact_id, "data": ContactInput(
        "Renamed", "tel", "+250 788 123 457", t.region_id, (t.reporter_group_id,), "eng")},
    "tracpro.actions.contacts.delete_contact": lambda t: {"contact_id": t.contact_id},
    "tracpro.actions.messages.send_message": lambda t: {
        "pollrun_id": t.pollrun_id, "audience": Audience.ALL, "text": "Hello", "now": NOW},
    "tracpro.actions.messages.reply": lambda t: {"contact_id": t.contact_id, "text": "Hello", "now": NOW},
    "tracpro.actions.polls.start_poll": lambda t: {
        "poll_id": t.poll_id, "region_id": t.region_id, "propagate": False, "now": NOW},
    "tracpro.actions.polls.restart_non_respondents": lambda t: {"pollrun_id": t.pollrun_id, "now": NOW},
}


class Expect(Enum):
    CHANGES = "changes something"
    NOT_ALLOWED = "is refused with NotAllowed, changing nothing"
    REFUSED = "is refused, changing nothing"
    ORG_UNTOUCHED = "changes nothing of org A"


@dataclass(frozen=True)
class Case:
    who: str
    actor: Actor
    region: str  # whose objects the write is asked to change
    expect: Expect


def cases(allowed: Allowed, world: WriteWorld) -> list[Case]:
    allowed_actor = {
        Allowed.SUPERUSERS: world.superuser, Allowed.ADMINS: world.admin,
        Allowed.MEMBERS: world.supervisor, Allowed.OWN_ACCOUNT: world.supervisor,
    }[allowed]
    found = [Case(f"{allowed.value} (allowed)", allowed_actor, "North", Expect.CHANGES)]
    if allowed is Allowed.SUPERUSERS:
        found.append(Case("an administrator", world.admin, "North", Expect.NOT_ALLOWED))
    if allowed in (Allowed.SUPERUSERS, Allowed.ADMINS):
        found.append(Case("North's supervisor", world.supervisor, "North", Expect.NOT_ALLOWED))
    if allowed is Allowed.MEMBERS:
        found.append(Case("North's supervisor on South's objects", world.supervisor, "South", Expect.REFUSED))
    if allowed is not Allowed.SUPERUSERS:
        found.append(Case("org B's administrator on org A's objects", world.other_admin, "North",
                          Expect.ORG_UNTOUCHED))
    return found


def rows(db: Session, org_id: int | None = None) -> dict[str, list[str]]:
    """Every row of the database, or only those of one org (its members' accounts included)."""
    db.flush()
    members = select(Membership.user_id).where(Membership.org_id == org_id)
    found = {}
    for table in Base.metadata.sorted_tables:
        query = select(table)
        if org_id is not None:
            if "org_id" in table.c:
                query = query.where(table.c.org_id == org_id)
            elif table.name == "orgs":
                query = query.where(table.c.id == org_id)
            elif table.name == "users":
                query = query.where(table.c.id.in_(members))
            elif "user_id" in table.c:
                query = query.where(table.c.user_id.in_(members))
            else:  # a link table: the rows of the org's side of the link
                link = next(key for key in table.foreign_keys if "org_id" in key.column.table.c)
                owner = link.column.table
                query = query.where(table.c[link.parent.name].in_(select(owner.c.id).where(owner.c.org_id == org_id)))
        found[table.name] = sorted(repr(tuple(row)) for row in db.execute(query))
    return found


def arguments(write_: Write, targets: Targets) -> dict[str, Any]:
    if write_.name not in CALLS:
        pytest.fail(f"{write_.name} is a write: teach CALLS how to call it")
    return CALLS[write_.name](targets)


def problems(db: Session, write_: Write, world: WriteWorld) -> list[str]:
    """What is wrong with who `write_` lets change what; empty when it keeps to its rule."""
    found = []
    for case in cases(write_.allowed, world):
        own_org = world.org.org_id if case.expect is Expect.ORG_UNTOUCHED else None
        nested = db.begin_nested()
        before, refusal = rows(db, own_org), None
        try:
            write_.function(db, case.actor, **arguments(write_, world.targets(case.region)))
        except ValueError as error:  # FormErrors, NotAllowed, and the actions' and region tree's refusals
            refusal = error
        after = rows(db, own_org)
        nested.rollback()
        db.expire_all()
        changed = before != after
        if case.expect is Expect.CHANGES and (refusal is not None or not changed):
            found.append(f"{case.who}: refused ({refusal!r})" if refusal else f"{case.who}: changed nothing")
        elif case.expect is Expect.NOT_ALLOWED and not isinstance(refusal, NotAllowed):
            found.append(f"{case.who}: not refused with NotAllowed ({refusal!r})")
        elif case.expect is Expect.REFUSED and not isinstance(refusal, FormErrors):
            found.append(f"{case.who}: not refused ({refusal!r})")
        if case.expect is not Expect.CHANGES and changed:
            found.append(f"{case.who}: changed {', '.join(name for name in before if before[name] != after[name])}")
    return found


@pytest.fixture
def world(db) -> WriteWorld:
    return build_write_world(db)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_no_write_changes_what_its_actor_may_not(db, world, name):
    assert problems(db, REGISTRY[name], world) == []


def test_the_check_catches_a_write_that_trusts_the_page(db, world):
    def rename_org(session: Session, actor: Actor, name: str) -> None:
        session.get_one(Org, actor.org_id).name = name

    CALLS["trusting"] = CALLS["checked"] = lambda targets: {"name": "Renamed"}
    try:
        assert problems(db, Write("trusting", rename_org, Allowed.ADMINS), world) == [
            "North's supervisor: not refused with NotAllowed (None)",
            "North's supervisor: changed orgs",
        ]
        assert problems(db, Write("checked", write(Allowed.ADMINS)(rename_org), Allowed.ADMINS), world) == []
    finally:
        del CALLS["trusting"], CALLS["checked"]
        REGISTRY.pop(f"{__name__}.{rename_org.__qualname__}", None)


def test_the_check_catches_a_members_write_that_ignores_the_scope(db, world):
    def rename_contact(session: Session, actor: Actor, contact_id: int) -> None:
        contact = session.get_one(Contact, contact_id)
        if contact.org_id != actor.org_id:
            raise NotAllowed("This contact does not exist, or you may not see it.")
        contact.name = "Renamed"

    CALLS["org only"] = lambda targets: {"contact_id": targets.contact_id}
    try:
        assert problems(db, Write("org only", write(Allowed.MEMBERS)(rename_contact), Allowed.MEMBERS), world) == [
            "North's supervisor on South's objects: not refused (None)",
            "North's supervisor on South's objects: changed contacts",
        ]
    finally:
        del CALLS["org only"]
        REGISTRY.pop(f"{__name__}.{rename_contact.__qualname__}", None)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_a_write_for_one_org_takes_its_org_from_the_actor(name):
    write_ = REGISTRY[name]
    parameters = list(inspect.signature(write_.function).parameters)
    assert parameters[:2] == ["session", "actor"]
    if write_.allowed is not Allowed.SUPERUSERS:
        assert "org_id" not in parameters


# Functions that change data without an actor: nobody signed in acts through them.
NOT_AN_ACTORS_WRITE = {
    "tracpro.auth.logins.": "sign-in: the login records behind the cookies, as people sign in and out",
    "tracpro.auth.lockout.": "sign-in: failed attempts and locks",
    "tracpro.auth.single_sign_on.": "sign-in: the provider's identities, each spent as it opens a login",
    "tracpro.auth.demo.": "the demo's accounts, made by the job that sets the demo up",
    "tracpro.auth.users.create_superuser": "the first account of a deployment, made on the command line",
    "tracpro.auth.members.add_member": "adding a person on the command line, as the deployment (Actor.setup)",
    "tracpro.orgs.regions.": "the rule putting contacts in regions, applied by the writes and by the sync",
    "tracpro.orgs.connection.reencrypt_tokens": "a new token key put to use on the command line, for every org",
    "tracpro.answers.": "the answers' value rule, applied by the writes and by the sync",
    "tracpro.db.": "the upsert the sync writes with",
    **dict.fromkeys(
        ("tracpro.audit.", "tracpro.auth.user_events.", "tracpro.orgs.settings_events."),
        "the audit trail: the event a write (or a sign-in, or a download) records in its own transaction",
    ),
    "tracpro.outbox.created_contacts.": "the outbox pushing a contact's creation, for whoever queued it",
    **dict.fromkeys(
        ("tracpro.sync.contacts.", "tracpro.sync.group_members.", "tracpro.sync.runs.", "tracpro.sync.state.",
         "tracpro.sync.summaries.", "tracpro.sync.malformed.", "tracpro.sync.started_runs."),
        "the sync job: RapidPro's data as it is, written for no one in particular",
    ),
}


def test_every_function_that_changes_data_is_a_registered_write():
    changing = data_changing_functions(ROOT / "tracpro")
    assert {name for name in changing - set(REGISTRY) if not name.startswith(tuple(NOT_AN_ACTORS_WRITE))} == set()


# Signing in writes login records and counts failed attempts before anyone acts.
SIGNING_IN = {"tracpro/ui/login.py", "tracpro/ui/signin.py", "tracpro/ui/single_sign_on.py"}


def test_pages_change_data_only_through_registered_writes():
    not_writes = data_changing_functions(ROOT / "tracpro") - set(REGISTRY)
    pages = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "tracpro" / "ui").glob("*.py")]
    found = {
        f"{path.relative_to(ROOT)} calls {name}"
        for path in pages
        if str(path.relative_to(ROOT)) not in SIGNING_IN
        for name in calls_in(path) & not_writes
        if not name.startswith("tracpro.audit.")  # a download recorded in the trail changes no org data
    }
    assert found == set()


def test_the_scan_finds_the_writes_it_is_about():
    changing = data_changing_functions(ROOT / "tracpro")
    assert {"tracpro.orgs.settings.save_settings", "tracpro.auth.logins.revoke_all",
            "tracpro.answers.recompute_values_to_use", "tracpro.actions.polls.start_poll"} <= changing
    assert "tracpro.orgs.choices.current_settings" not in changing
