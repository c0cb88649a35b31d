"""What the settings pages read (tracpro.orgs.choices), choosing regions while keeping the tree,
deactivating one region (its sub-regions move up to its parent), and the logo's content check."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.actors import admin
from tracpro.db.models import Contact, Region
from tracpro.forms import FormErrors
from tracpro.orgs.choices import (
    current_settings,
    flow_choices,
    group_choices,
    mask_token,
    polls_for_edit,
    region_tree,
    tracked_reporter_groups,
)
from tracpro.orgs.settings import OrgSettings, save_settings
from tracpro.orgs.tracking import (
    RegionChoice,
    choose_regions,
    stop_tracking_region,
    track_regions,
    track_reporter_groups,
)


@pytest.fixture
def uganda(db):
    """Uganda{Kampala{Makerere}, Entebbe}, and a contact in the Kampala and Makerere groups."""
    org = f.OrgFactory(name="Test")
    for name in ["Uganda", "Kampala", "Makerere", "Entebbe", "Teachers"]:
        f.ContactGroupFactory(org=org, name=name, uuid=name.lower())
    f.ContactGroupFactory(org=org, name="Open Tickets", uuid="system", is_system=True)
    boundary = f.BoundaryFactory(org=org, osm_id="R7", name="Kampala District")
    track_regions(db, admin(org.id), [RegionChoice("uganda"), RegionChoice("kampala", "uganda", "R7"),
                               RegionChoice("makerere", "kampala"), RegionChoice("entebbe", "uganda")])
    contact = f.ContactFactory(org=org, group_uuids=["kampala", "makerere", "teachers"])
    track_regions(db, admin(org.id), [RegionChoice("uganda"), RegionChoice("kampala", "uganda", "R7"),
                               RegionChoice("makerere", "kampala"), RegionChoice("entebbe", "uganda")])
    return org, boundary, contact


def _parents(db, org) -> dict[str, str | None]:
    db.expire_all()
    regions = db.scalars(select(Region).where(Region.org_id == org.id, Region.is_active)).all()
    names = {r.id: r.name for r in regions}
    return {r.name: names.get(r.parent_id) for r in regions}


@pytest.mark.parametrize(("token", "shown"), [
    ("0123456789abcdef3f2a", "••••••••3f2a"), ("short-token", "••••••••"), ("", ""), (None, ""),
])
def test_a_token_is_shown_masked(token, shown):
    assert mask_token(token) == shown


def test_the_current_settings_never_hold_the_token(db):
    org = f.OrgFactory(rapidpro_token="secret-token-0123456789-wxyz")
    f.DataFieldFactory(org=org, key="age", label="Age", is_visible=True)
    settings = current_settings(db, org.id)
    assert settings.masked_token == "••••••••wxyz"
    assert "secret-token" not in repr(settings)
    assert [(field.key, field.is_visible) for field in settings.fields] == [("age", True)]


def test_the_region_tree_is_depth_first_with_boundaries_and_active_contacts(db, uganda):
    org, _, contact = uganda
    tree = region_tree(db, org.id)
    assert [(row.name, row.depth, row.boundary_name, row.contacts) for row in tree] == [
        ("Uganda", 0, None, 0), ("Entebbe", 1, None, 0), ("Kampala", 1, "Kampala District", 0),
        ("Makerere", 2, None, 1),
    ]


def test_group_choices_leave_out_system_and_removed_groups(db, uganda):
    org, _, _ = uganda
    f.ContactGroupFactory(org=org, name="Gone", is_active=False)
    assert [group.name for group in group_choices(db, org.id)] == [
        "Entebbe",
        "Kampala",
        "Makerere",
        "Teachers",
        "Uganda",
    ]


def test_reporter_groups_count_their_active_contacts(db, uganda):
    org, _, _ = uganda
    track_reporter_groups(db, admin(org.id), ["teachers"])
    assert [(g.name, g.contacts) for g in tracked_reporter_groups(db, org.id)] == [("Teachers", 1)]


def test_flows_are_listed_by_rapidpro_name_and_only_polls_are_edited(db):
    org = f.OrgFactory()
    water = f.PollFactory(org=org, rapidpro_name="water", custom_name="Water access", is_active=True)
    f.QuestionFactory(poll=water)
    f.PollFactory(org=org, rapidpro_name="Registration", is_active=False)
    f.PollFactory(rapidpro_name="Another org's")
    assert [(flow.rapidpro_name, flow.name, flow.questions) for flow in flow_choices(db, org.id)] == [
        ("Registration", "Registration", 0), ("water", "Water access", 1)]
    assert [(poll.name, len(poll.questions)) for poll in polls_for_edit(db, org.id)] == [("Water access", 1)]


def test_choosing_regions_keeps_the_tree_and_moves_children_of_dropped_regions_up(db, uganda):
    org, _, contact = uganda
    dropped = choose_regions(db, admin(org.id), ["uganda", "makerere", "entebbe", "teachers"])
    assert dropped == ["Kampala"]
    assert _parents(db, org) == {"Uganda": None, "Makerere": "Uganda", "Entebbe": "Uganda", "Teachers": None}
    # Kampala chosen again comes back at the top of the tree, with its boundary.
    choose_regions(db, admin(org.id), ["uganda", "makerere", "entebbe", "teachers", "kampala"])
    assert _parents(db, org)["Kampala"] is None
    kampala = db.scalars(select(Region).where(Region.org_id == org.id, Region.uuid == "kampala")).one()
    assert kampala.boundary.name == "Kampala District"
    assert db.get(Contact, contact.id).region.name == "Makerere"


def test_choosing_regions_keeps_boundaries(db, uganda):
    org, boundary, _ = uganda
    choose_regions(db, admin(org.id), ["uganda", "kampala"])
    kampala = db.scalars(select(Region).where(Region.org_id == org.id, Region.uuid == "kampala")).one()
    assert kampala.boundary_id == boundary.id


def test_stopping_a_region_moves_its_children_up_and_reassigns_its_contacts(db, uganda):
    org, _, contact = uganda
    makerere = db.scalars(select(Region).where(Region.org_id == org.id, Region.uuid == "makerere")).one()
    kampala = makerere.parent
    assert stop_tracking_region(db, admin(org.id), makerere.id) == ("Makerere", [], "Kampala")
    db.expire_all()
    assert db.get(Contact, contact.id).region_id == kampala.id  # the deepest region it is still in
    assert stop_tracking_region(db, admin(org.id), kampala.id) == ("Kampala", [], "Uganda")
    uganda_id = db.scalars(select(Region.id).where(Region.org_id == org.id, Region.uuid == "uganda")).one()
    assert stop_tracking_region(db, admin(org.id), uganda_id) == ("Uganda", ["Entebbe"], None)
    assert _parents(db, org) == {"Entebbe": None}
    with pytest.raises(ValueError):
        stop_tracking_region(db, admin(org.id), uganda_id)  # already deactivated


def test_a_region_of_another_org_cannot_be_stopped(db, uganda):
    org, _, _ = uganda
    other = f.RegionFactory()
    with pytest.raises(ValueError):
        stop_tracking_region(db, admin(org.id), other.id)
    assert db.get(Region, other.id).is_active


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"not a png", "image/png"),
        (b"GIF89a", "image/jpeg"),
        (b"RIFF0000AVI ", "image/webp"),
        (b"<html>", "image/svg+xml"),
    ],
)
def test_a_logo_must_be_the_image_it_claims_to_be(db, content, content_type):
    org = f.OrgFactory()
    settings = OrgSettings("Org", "UTC", "en", ("en",), "", None, "use_last", logo=content,
                           logo_content_type=content_type)
    with pytest.raises(FormErrors) as raised:
        save_settings(db, admin(org.id), settings)
    assert raised.value.errors == {"logo": ["This file is not a PNG, JPEG, SVG or WebP image, whatever its name says."]}
    assert db.get(type(org), org.id).logo is None


def test_an_svg_logo_is_accepted(db):
    org = f.OrgFactory()
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'
    save_settings(db, admin(org.id), OrgSettings("Org", "UTC", "en", ("en",), "", None, "use_last", logo=svg,
                                          logo_content_type="image/svg+xml"))
    assert db.get(type(org), org.id).logo == svg
