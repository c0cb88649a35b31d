"""Users across orgs (tracpro.auth.directory): the superuser's list, giving a role in an org,
and deactivating an account."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.actors import superuser
from tracpro.auth.directory import all_users, give_role, set_user_active
from tracpro.db.models import LoginRecord, Membership, Role, User
from tracpro.forms import FormErrors


@pytest.fixture
def world(db):
    health, water = f.OrgFactory(name="Health"), f.OrgFactory(name="water")
    north, old = f.RegionFactory(org=water, name="North"), f.RegionFactory(org=water, name="Old", is_active=False)
    user = f.MembershipFactory(org=health, role=Role.ADMIN, user__name="Ann").user
    db.flush()
    return health, water, north, old, user


def test_every_user_is_listed_with_each_org_role_and_active_region(db, world):
    health, water, north, old, ann = world
    f.MembershipFactory(org=water, user=ann, regions=[north, old])
    f.UserFactory(name="bob", is_superuser=True, is_active=False)
    entries = all_users(db)
    assert [(e.name, e.is_superuser, e.is_active) for e in entries] == [("Ann", False, True), ("bob", True, False)]
    assert [str(place) for place in entries[0].places] == ["Health (Administrator)", "water (Supervisor: North)"]


def test_giving_a_role_adds_a_membership_or_changes_the_role(db, world):
    health, water, north, _, ann = world
    assert give_role(db, superuser(), ann.id, water.id, Role.SUPERVISOR, (north.id,)) is True
    membership = db.query(Membership).filter_by(user_id=ann.id, org_id=water.id).one()
    assert (membership.role, [r.name for r in membership.regions]) == (Role.SUPERVISOR, ["North"])
    assert give_role(db, superuser(), ann.id, water.id, Role.ADMIN, (north.id,)) is False
    db.refresh(membership)
    assert (membership.role, membership.regions) == (Role.ADMIN, [])


@pytest.mark.parametrize(("regions", "message"), [
    ((), "This field is required."),
    ("old", "Choose regions of this organisation only."),
    ("foreign", "Choose regions of this organisation only."),
])
def test_a_supervisor_needs_active_regions_of_that_org(db, world, regions, message):
    health, water, north, old, ann = world
    region_ids = {"old": (old.id,), "foreign": (f.RegionFactory(org=health).id,)}.get(regions, regions)
    with pytest.raises(FormErrors) as raised:
        give_role(db, superuser(), ann.id, water.id, Role.SUPERVISOR, region_ids)
    assert raised.value.errors == {"regions": [message]}
    assert db.query(Membership).filter_by(user_id=ann.id, org_id=water.id).count() == 0


def test_deactivating_signs_out_everywhere_and_reactivating_lets_back_in(db, world):
    *_, ann = world
    live = f.LoginRecordFactory(user=ann)
    admin = f.UserFactory(is_superuser=True)
    set_user_active(db, superuser(admin.id), ann.id, False, f.NOW)
    db.expire_all()
    assert not db.get(User, ann.id).is_active and db.get(LoginRecord, live.id).revoked_at == f.NOW
    set_user_active(db, superuser(admin.id), ann.id, True, f.NOW)
    assert db.get(User, ann.id).is_active


def test_nobody_deactivates_themselves(db, world):
    *_, ann = world
    with pytest.raises(FormErrors) as raised:
        set_user_active(db, superuser(ann.id), ann.id, False, f.NOW)
    assert raised.value.errors == {"user": ["You can't deactivate your own account."]}
    assert db.get(User, ann.id).is_active
