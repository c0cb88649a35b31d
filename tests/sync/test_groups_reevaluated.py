"""Whole sync passes over HTTP while RapidPro (the simulator) re-evaluates groups: a region's group
left out of groups.json while it initializes, and a smart reporter group whose members change
without their contacts' modified_on moving."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.actors import admin
from tracpro.db.connection import session_scope
from tracpro.db.models import Contact, ContactGroup, Region, ReporterGroup
from tracpro.orgs.tracking import set_active_polls, track_reporter_groups
from tracpro.simulator import Simulator
from tracpro.sync.demo import configure_org
from tracpro.sync.progress import Progress
from tracpro.sync.runner import OrgStatus, sync_org

TOKEN = "groups-token"
ANCHOR = datetime(2026, 3, 2, tzinfo=UTC)


class Clock:
    """RapidPro's time and the sync job's, one instant moved on by the test."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(ANCHOR + timedelta(hours=9))


@pytest.fixture
def simulator(clock):
    with Simulator(tier="demo", seed=13, token=TOKEN, anchor=ANCHOR, clock=clock) as simulator:
        yield simulator


@pytest.fixture
def org_id(db, simulator, clock) -> int:
    """The demo's choices of regions and reporter groups, and no active poll: no runs to read."""
    org_id = configure_org(simulator, clock(), slug="groups")
    with session_scope() as session:
        set_active_polls(session, admin(org_id), [])
    return org_id


def _pass(org_id: int, clock: Clock) -> None:
    outcome = sync_org(org_id, clock=clock, progress=Progress(bars=False))
    assert outcome.status == OrgStatus.SYNCED, outcome.message


def _tree(db, org_id: int) -> dict[str, tuple[bool, str | None]]:
    db.expire_all()
    regions = {r.id: r for r in db.scalars(select(Region).where(Region.org_id == org_id))}
    return {r.uuid: (r.is_active, regions[r.parent_id].uuid if r.parent_id else None) for r in regions.values()}


def _regions_of_contacts(db, org_id: int) -> dict[str, int | None]:
    rows = db.execute(select(Contact.uuid, Contact.region_id).where(Contact.org_id == org_id))
    return {uuid: region_id for uuid, region_id in rows}


def test_a_pass_while_a_regions_group_is_initializing_leaves_the_region_and_its_sub_regions(
    db, simulator, clock, org_id
):
    _pass(org_id, clock)
    tree, regions = _tree(db, org_id), _regions_of_contacts(db, org_id)
    plan = simulator.dataset.region_plan
    province = next(uuid for uuid, _name, _parent, _osm, level in plan
                    if level == 1 and any(parent == uuid for _, _, parent, _, _ in plan))
    assert sum(1 for uuid, (_active, parent) in tree.items() if parent == province) >= 1
    assert sum(1 for region in regions.values() if region is not None) > 1000

    # The province's group stands for a smart group whose query was saved: RapidPro leaves it out
    # of groups.json until mailroom starts re-evaluating it.
    simulator.reevaluate_group(province, initializing=600, evaluating=60)
    clock.advance(minutes=1)
    assert province not in {group["uuid"] for group in simulator.dataset.groups()}
    _pass(org_id, clock)
    assert _tree(db, org_id) == tree
    assert _regions_of_contacts(db, org_id) == regions

    clock.advance(minutes=15)  # evaluated, and ready again
    _pass(org_id, clock)
    assert _tree(db, org_id) == tree and _regions_of_contacts(db, org_id) == regions
    db.expire_all()
    group = db.scalars(select(ContactGroup).where(ContactGroup.uuid == province)).one()
    assert (group.is_active, group.missing_passes, group.members_stale) == (True, 0, False)


def _reporter_group_members(db, org_id: int, uuid: str) -> set[str]:
    db.expire_all()
    group = db.scalars(select(ReporterGroup).where(ReporterGroup.org_id == org_id, ReporterGroup.uuid == uuid)).one()
    return set(db.scalars(select(Contact.uuid).where(Contact.reporter_groups.contains(group))))


def test_a_smart_reporter_group_changed_without_touching_contacts_shows_its_new_members_after_the_next_pass(
    db, simulator, clock, org_id
):
    dataset = simulator.dataset
    smart = dataset.smart_group_uuid
    with session_scope() as session:
        track_reporter_groups(session, admin(org_id), [*dataset.reporter_group_uuids, smart])
    _pass(org_id, clock)
    members = {contact["uuid"] for contact in dataset.iter_contacts(group=smart)}
    assert _reporter_group_members(db, org_id, smart) == members

    # Mailroom re-evaluates the smart group: 150 contacts join and 40 leave, and (unlike RapidPro,
    # which bumps them) none of their modified_on moves.
    contacts = {contact["uuid"]: contact for contact in dataset.iter_contacts()}
    joining = [uuid for uuid, contact in contacts.items() if contact["status"] == "active" and uuid not in members]
    joining, leaving = joining[:150], sorted(members)[:40]
    simulator.reevaluate_group(smart, join=joining, leave=leaving, initializing=30, evaluating=60,
                               touch_contacts=False)
    clock.advance(minutes=5)
    now_members = {contact["uuid"] for contact in dataset.iter_contacts(group=smart)}
    assert now_members == (members - set(leaving)) | set(joining)
    changed = {contact["uuid"]: contact["modified_on"] for contact in dataset.iter_contacts()
               if contact["uuid"] in {*joining, *leaving}}
    assert changed == {uuid: contacts[uuid]["modified_on"] for uuid in changed}

    _pass(org_id, clock)
    assert _reporter_group_members(db, org_id, smart) == now_members
