"""Contacts from RapidPro: what a contact takes from its groups, changes and deletions, and the
one-region rule (the deepest tracked region, then the first by name)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.sync.fake_rapidpro import T0, contact, group, iso
from tracpro.db.models import Contact, SyncState
from tracpro.sync.contacts import sync_contacts
from tracpro.sync.engine import DEFAULT_OVERLAP

KANDAHAR, KHOST, KUNAR = group("Kandahar", "G-001"), group("Khost", "G-002"), group("Kunar", "G-003")
FARMERS, TEACHERS, DOCTORS = group("Farmers", "G-005"), group("Teachers", "G-006"), group("Doctors", "G-007")


@pytest.fixture
def tracked(db, org):
    regions = {g["uuid"]: f.RegionFactory(org=org, uuid=g["uuid"], name=g["name"]) for g in (KANDAHAR, KHOST, KUNAR)}
    cohorts = {
        g["uuid"]: f.ReporterGroupFactory(org=org, uuid=g["uuid"], name=g["name"])
        for g in (FARMERS, TEACHERS, DOCTORS, KANDAHAR)  # Kandahar is a region and a reporter group
    }
    return regions, cohorts


def _contact(db, uuid: str) -> Contact:
    db.expire_all()
    return db.scalars(select(Contact).where(Contact.uuid == uuid)).one()


def test_a_contact_takes_its_region_groups_urn_language_and_fields(db, org, tracked, rapidpro, make_context):
    remote = contact("Ann", [DOCTORS, KANDAHAR], urns=["tel:123"], fields={"gender": "M"})
    rapidpro.data["contacts"] = [remote]
    sync_contacts(make_context())
    ann = _contact(db, remote["uuid"])
    assert ann.region.name == "Kandahar"
    assert sorted(group.uuid for group in ann.reporter_groups) == ["G-001", "G-007"]
    assert (ann.urn, ann.language, ann.fields, ann.is_active) == ("tel:123", "eng", {"gender": "M"}, True)


def test_the_deepest_tracked_region_wins_then_the_first_by_name(db, org, tracked, rapidpro, make_context):
    regions, _ = tracked
    district = f.RegionFactory(org=org, name="Arghandab", parent=regions["G-001"])
    in_both = contact("Bob", [KANDAHAR, {"uuid": district.uuid, "name": "Arghandab"}])
    two_provinces = contact("Cat", [KUNAR, KHOST])
    rapidpro.data["contacts"] = [in_both, two_provinces]
    sync_contacts(make_context())
    assert _contact(db, in_both["uuid"]).region.name == "Arghandab"
    assert _contact(db, two_provinces["uuid"]).region.name == "Khost"


def test_contact_changes_from_rapidpro(db, org, tracked, rapidpro, make_context):
    ann = contact("Ann", [KANDAHAR, FARMERS], modified_on=T0)
    bob = contact("Bob", [KHOST], modified_on=T0)
    cat = contact("Cat", [KUNAR], modified_on=T0)
    nobody = contact("Nemo", [KUNAR], urns=[], modified_on=T0)
    rapidpro.data["contacts"] = [ann, bob, cat, nobody]
    first = sync_contacts(make_context(T0 + timedelta(hours=1)))
    assert (first.created, first.updated) == (4, 0)
    assert _contact(db, nobody["uuid"]).is_active is False  # no URN: kept, but cannot be polled

    # Nothing changed: nothing created or updated, and RapidPro is asked only from the overlap
    # before the largest modified_on seen (the watermark); what is read again is unchanged.
    second = sync_contacts(make_context(T0 + timedelta(hours=2)))
    assert (second.created, second.updated, second.deleted, second.unchanged) == (0, 0, 0, 4)
    assert rapidpro.calls[-2][1]["after"] == T0 - DEFAULT_OVERLAP

    later = T0 + timedelta(hours=3)
    ann.update(name="Ann Smith", modified_on=iso(later))
    bob.update(status="blocked", modified_on=iso(later))
    cat.update(groups=[{"uuid": "G-999", "name": "Untracked"}], modified_on=iso(later))
    rapidpro.deleted_contacts = [{**contact("", [], uuid=nobody["uuid"], urns=[], modified_on=later), "status": None}]
    third = sync_contacts(make_context(T0 + timedelta(hours=4)))
    assert (third.updated, third.deleted) == (3, 1)
    assert _contact(db, ann["uuid"]).name == "Ann Smith"
    assert _contact(db, bob["uuid"]).is_active is False and _contact(db, bob["uuid"]).rapidpro_status == "blocked"
    left = _contact(db, cat["uuid"])
    assert (left.is_active, left.region_id) == (False, None)  # left every tracked region
    assert _contact(db, nobody["uuid"]).rapidpro_status == "deleted"

    # A contact deleted locally comes back on a full resync (watermark reset).
    db.delete(_contact(db, ann["uuid"]))
    db.flush()
    for state in db.scalars(select(SyncState).where(SyncState.resource == "contacts")):
        state.watermark = None
    db.flush()
    fourth = sync_contacts(make_context(T0 + timedelta(hours=5)))
    assert fourth.created == 1
    assert _contact(db, ann["uuid"]).name == "Ann Smith"


def test_the_overlap_read_again_leaves_a_contact_with_a_tracpro_edit_on_its_way_alone(
    db, org, tracked, rapidpro, make_context
):
    remote = contact("Ann", [KANDAHAR], modified_on=T0)
    rapidpro.data["contacts"] = [remote]
    sync_contacts(make_context(T0 + timedelta(minutes=1)))
    ann = _contact(db, remote["uuid"])
    ann.name = "Ann Marie"  # edited in TracPro, the push to RapidPro still to come
    f.OutboxActionFactory(org=org, kind="update_contact", payload={"contact_id": ann.id})
    db.flush()
    counts = sync_contacts(make_context(T0 + timedelta(minutes=10)))  # Ann is in the overlap: read again
    assert (counts.updated, counts.unchanged) == (0, 1)
    assert _contact(db, remote["uuid"]).name == "Ann Marie"
