"""RapidPro groups: one left out of groups.json (RapidPro re-initializing a smart group, or the
group gone), and the members of tracked groups checked against RapidPro's counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.sync.fake_rapidpro import T0, contact, group
from tracpro.db.models import Contact, ContactGroup, Region, ReporterGroup
from tracpro.orgs.tracking import RegionChoice, track_regions, track_reporter_groups
from tracpro.sync.contacts import sync_contacts
from tracpro.sync.counts import Counts
from tracpro.sync.groups import Absence, sync_groups

PROVINCE, DISTRICT = group("Kandahar", "G-001", count=2), group("Arghandab", "G-002", count=1)
FARMERS, OPT_OUTS = group("Farmers", "G-005", count=2), group("Opt-Outs", "G-009")
LISTED = [PROVINCE, DISTRICT, FARMERS, OPT_OUTS]


@pytest.fixture
def tracked(db, org, rapidpro, make_context):
    """Kandahar (a province) with Arghandab under it, and Farmers; two contacts in them."""
    rapidpro.data["groups"] = list(LISTED)
    sync_groups(make_context(T0))
    track_regions(db, org.id, [RegionChoice("G-001"), RegionChoice("G-002", "G-001")])
    track_reporter_groups(db, org.id, ["G-005"])
    ann = contact("Ann", [PROVINCE, DISTRICT, FARMERS], modified_on=T0)
    bob = contact("Bob", [PROVINCE, FARMERS], modified_on=T0)
    rapidpro.data["contacts"] = [ann, bob]
    sync_contacts(make_context(T0 + timedelta(minutes=1)))
    return ann, bob


def _state(db, org) -> dict[str, tuple]:
    """Per tracked uuid: (tracked, parent uuid) for regions, (tracked,) for reporter groups."""
    db.expire_all()
    regions = {r.id: r for r in db.scalars(select(Region).where(Region.org_id == org.id))}
    state: dict[str, tuple] = {r.uuid: (r.is_active, regions[r.parent_id].uuid if r.parent_id else None)
                               for r in regions.values()}
    reporter_groups = db.scalars(select(ReporterGroup).where(ReporterGroup.org_id == org.id))
    state.update({g.uuid: (g.is_active,) for g in reporter_groups})
    return state


def _group(db, uuid: str) -> ContactGroup:
    db.expire_all()
    return db.scalars(select(ContactGroup).where(ContactGroup.uuid == uuid)).one()


def _regions_of_contacts(db, org) -> dict[str, str | None]:
    db.expire_all()
    rows = db.execute(select(Contact.name, Region.name).outerjoin(Region, Region.id == Contact.region_id)
                      .where(Contact.org_id == org.id))
    return {contact_name: region_name for contact_name, region_name in rows}


def test_a_group_left_out_is_untracked_only_after_three_passes_over_an_hour(db, org, tracked, rapidpro, make_context):
    tracking = _state(db, org)
    assert tracking == {"G-001": (True, None), "G-002": (True, "G-001"), "G-005": (True,)}
    regions = _regions_of_contacts(db, org)
    assert regions == {"Ann": "Arghandab", "Bob": "Kandahar"}

    # RapidPro re-initializes Kandahar and Farmers (smart groups whose queries were saved): three
    # passes in half an hour leave everything as it was.
    rapidpro.data["groups"] = [DISTRICT, OPT_OUTS]
    for minutes in (10, 20, 30):
        counts = sync_groups(make_context(T0 + timedelta(minutes=minutes)))
        assert counts.deleted == 0
    assert _state(db, org) == tracking and _regions_of_contacts(db, org) == regions
    assert (_group(db, "G-001").missing_passes, _group(db, "G-001").is_active) == (3, True)

    # Listed again: nothing was lost, and the count of passes starts again.
    rapidpro.data["groups"] = list(LISTED)
    sync_groups(make_context(T0 + timedelta(minutes=40)))
    assert _state(db, org) == tracking and _regions_of_contacts(db, org) == regions
    assert (_group(db, "G-001").missing_passes, _group(db, "G-001").missing_since) == (0, None)

    # Gone for good: missing from three passes over an hour, it is untracked; Arghandab moves up.
    rapidpro.data["groups"] = [DISTRICT, OPT_OUTS]
    sync_groups(make_context(T0 + timedelta(minutes=50)))
    sync_groups(make_context(T0 + timedelta(minutes=80)))
    assert _state(db, org) == tracking
    counts = sync_groups(make_context(T0 + timedelta(minutes=110)))
    assert counts.deleted == 2
    assert _state(db, org) == {"G-001": (False, None), "G-002": (True, None), "G-005": (False,)}
    assert _regions_of_contacts(db, org) == {"Ann": "Arghandab", "Bob": None}
    assert _group(db, "G-001").is_active is False


def test_the_absence_rule_can_be_set(db, org, tracked, rapidpro, make_context, monkeypatch):
    monkeypatch.setenv("TRACPRO_GROUP_GONE_PASSES", "1")
    monkeypatch.setenv("TRACPRO_GROUP_GONE_SECONDS", "60")
    assert Absence.from_settings() == Absence(1, timedelta(minutes=1))
    rapidpro.data["groups"] = [DISTRICT, FARMERS, OPT_OUTS]
    sync_groups(make_context(T0 + timedelta(seconds=30)), Absence(passes=5, after=timedelta(0)))
    assert _state(db, org)["G-001"] == (True, None)
    sync_groups(make_context(T0 + timedelta(minutes=2)))
    assert _state(db, org)["G-001"] == (False, None)


def _members(db, org, uuid: str) -> list[str]:
    db.expire_all()
    group_ = db.scalars(select(ReporterGroup).where(ReporterGroup.org_id == org.id, ReporterGroup.uuid == uuid)).one()
    return sorted(c.name for c in db.scalars(select(Contact).where(Contact.reporter_groups.contains(group_))))


def _pass(context) -> Counts:
    """The stages a pass runs for groups and their members; returns the group members' counts."""
    from tracpro.sync.group_members import sync_group_members

    sync_groups(context)
    sync_contacts(context)
    return sync_group_members(context)


def _walked(rapidpro) -> list[str]:
    return [filters["group"] for resource, filters in rapidpro.calls if resource == "contacts" and filters.get("group")]


def test_a_tracked_group_whose_count_disagrees_is_walked_and_edits_on_their_way_are_left_alone(
    db, org, tracked, rapidpro, make_context
):
    ann, bob = tracked
    later = T0 + timedelta(seconds=90)
    dan = contact("Dan", [], modified_on=later)
    eve = contact("Eve", [FARMERS], modified_on=later)
    gus = contact("Gus", [], modified_on=later)
    rapidpro.data["contacts"] += [dan, eve, gus]
    farmers = dict(FARMERS, count=3)
    rapidpro.data["groups"] = [PROVINCE, DISTRICT, farmers, OPT_OUTS]
    _pass(make_context(T0 + timedelta(minutes=2)))
    assert _walked(rapidpro) == []  # every count agrees with the members held: nothing to read
    assert _members(db, org, "G-005") == ["Ann", "Bob", "Eve"]
    # A later change elsewhere: the contacts pass reads again only a short overlap before it.
    rapidpro.data["contacts"].append(contact("Hal", [], modified_on=T0 + timedelta(minutes=10)))
    _pass(make_context(T0 + timedelta(minutes=11)))

    # Farmers changes and no contact's modified_on moves: Ann and Eve leave, Dan, Gus and Cat (new
    # to us) join; Ann has an edit of hers on its way to RapidPro.
    for person, groups in ((ann, [PROVINCE, DISTRICT]), (eve, []), (dan, [FARMERS]), (gus, [FARMERS])):
        person["groups"] = [{"uuid": g["uuid"], "name": g["name"]} for g in groups]
    rapidpro.data["contacts"].append(contact("Cat", [FARMERS], modified_on=T0 - timedelta(days=1)))
    farmers["count"] = 4
    ann_id = db.scalars(select(Contact.id).where(Contact.uuid == ann["uuid"])).one()
    f.OutboxActionFactory(org=org, kind="update_contact", payload={"contact_id": ann_id})
    db.flush()
    counts = _pass(make_context(T0 + timedelta(minutes=12)))
    assert _walked(rapidpro) == ["G-005"]
    assert counts.created == 1 and _members(db, org, "G-005") == ["Ann", "Bob", "Cat", "Dan", "Gus"]

    # Agreed on: the next pass reads nothing.
    _pass(make_context(T0 + timedelta(minutes=13)))
    assert _walked(rapidpro) == ["G-005"]


def test_a_group_rapidpro_re_evaluated_is_walked_once_it_is_ready(db, org, tracked, rapidpro, make_context):
    for minutes, status in ((2, "ready"), (3, "evaluating"), (4, "ready"), (5, "ready")):
        rapidpro.data["groups"] = [PROVINCE, DISTRICT, dict(FARMERS, status=status), OPT_OUTS]
        _pass(make_context(T0 + timedelta(minutes=minutes)))
        assert _walked(rapidpro) == ([] if minutes < 4 else ["G-005"])
    assert _group(db, "G-005").members_stale is False
