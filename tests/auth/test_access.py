"""Orgs a user works in, their role and regions there, and the region tree they choose from."""

from __future__ import annotations

from tests import factories as f
from tracpro.auth.access import org_access, org_choices
from tracpro.db.models import Role
from tracpro.orgs.region_tree import region_options


def test_members_switch_between_their_active_orgs_and_superusers_between_all(db):
    kenya, uganda, closed = (
        f.OrgFactory(name="Kenya"),
        f.OrgFactory(name="uganda"),
        f.OrgFactory(is_active=False),
    )
    user = f.MembershipFactory(org=uganda, role=Role.ADMIN).user
    f.MembershipFactory(org=kenya, user=user, role=Role.SUPERVISOR)
    f.MembershipFactory(org=closed, user=user)
    superuser = f.UserFactory(is_superuser=True)
    db.flush()
    assert [(o.name, o.role) for o in org_choices(db, user.id, is_superuser=False)] == [
        ("Kenya", Role.SUPERVISOR),
        ("uganda", Role.ADMIN),
    ]
    assert {o.role for o in org_choices(db, superuser.id, is_superuser=True)} == {Role.ADMIN}
    assert len(org_choices(db, superuser.id, is_superuser=True)) == 2


def test_org_access_carries_the_role_and_the_given_regions(db):
    org = f.OrgFactory()
    north, south = f.RegionFactory(org=org), f.RegionFactory(org=org)
    membership = f.MembershipFactory(org=org, regions=[north])
    superuser = f.UserFactory(is_superuser=True)
    stranger = f.UserFactory()
    db.flush()
    access = org_access(db, membership.user, org.id)
    assert (access.role, access.given_region_ids, access.is_admin) == (
        Role.SUPERVISOR,
        frozenset({north.id}),
        False,
    )
    assert org_access(db, superuser, org.id).is_admin
    assert org_access(db, stranger, org.id) is None
    assert south.id not in access.given_region_ids


def test_regions_are_listed_as_a_tree_and_may_be_limited_to_those_visible(db):
    org = f.OrgFactory()
    kenya = f.RegionFactory(org=org, name="Kenya")
    f.RegionFactory(org=org, name="Nairobi", parent=kenya)
    mombasa = f.RegionFactory(org=org, name="Mombasa", parent=kenya)
    f.RegionFactory(org=org, name="Gone", parent=kenya, is_active=False)
    f.RegionFactory(org=org, name="Uganda")
    db.flush()
    assert [(o.name, o.depth) for o in region_options(db, org.id)] == [
        ("Kenya", 0),
        ("Mombasa", 1),
        ("Nairobi", 1),
        ("Uganda", 0),
    ]
    assert [(o.name, o.depth) for o in region_options(db, org.id, {mombasa.id})] == [("Mombasa", 0)]
