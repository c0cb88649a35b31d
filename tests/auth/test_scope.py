"""The region scope (see docs/behaviour.md, Regions and scope)."""

from __future__ import annotations

import pytest

from tests import factories as f
from tracpro.auth.scope import NoRegions, Scope, build_scope, user_region_ids
from tracpro.db.models import Role


@pytest.fixture
def tree(db):
    """Uganda{Kampala{Makerere}, Entebbe}, Kenya{Nairobi{Inactive✗}, Mombasa}."""
    org = f.OrgFactory()
    uganda = f.RegionFactory(org=org, name="Uganda")
    kampala = f.RegionFactory(org=org, name="Kampala", parent=uganda)
    makerere = f.RegionFactory(org=org, name="Makerere", parent=kampala)
    entebbe = f.RegionFactory(org=org, name="Entebbe", parent=uganda)
    kenya = f.RegionFactory(org=org, name="Kenya")
    nairobi = f.RegionFactory(org=org, name="Nairobi", parent=kenya)
    inactive = f.RegionFactory(org=org, name="Inactive", parent=nairobi, is_active=False)
    mombasa = f.RegionFactory(org=org, name="Mombasa", parent=kenya)
    db.flush()
    return org, {r.name: r.id for r in (uganda, kampala, makerere, entebbe, kenya, nairobi, inactive, mombasa)}


def _names(ids, regions) -> set[str]:
    return {name for name, region_id in regions.items() if region_id in ids}


def test_a_user_given_a_region_sees_its_active_descendants(db, tree):
    org, r = tree
    assert _names(user_region_ids(db, org.id, Role.SUPERVISOR, [r["Kenya"]]), r) == {"Kenya", "Nairobi", "Mombasa"}
    assert len(user_region_ids(db, org.id, Role.ADMIN, [])) == 7  # every active region


def test_data_regions_follow_the_selected_region_and_the_subregion_switch(db, tree):
    org, r = tree
    given = [r["Uganda"], r["Kenya"], r["Nairobi"]]
    scope = build_scope(db, org_id=org.id, role=Role.SUPERVISOR, given_region_ids=given,
                        selected_region_id=r["Kenya"], include_subregions=True)
    assert _names(scope.region_ids, r) == {"Kenya", "Nairobi", "Mombasa"}
    only = build_scope(db, org_id=org.id, role=Role.SUPERVISOR, given_region_ids=given,
                       selected_region_id=r["Kenya"], include_subregions=False)
    assert _names(only.region_ids, r) == {"Kenya"}


def test_data_regions_are_the_selection_intersected_with_the_users_regions(db, tree):
    org, r = tree
    scope = build_scope(db, org_id=org.id, role=Role.SUPERVISOR, given_region_ids=[r["Nairobi"]],
                        selected_region_id=r["Nairobi"])
    assert _names(scope.region_ids, r) == {"Nairobi"}  # not Kenya's other children, not the inactive one


def test_an_admin_may_see_all_regions_and_starts_there(db, tree):
    org, r = tree
    scope = build_scope(db, org_id=org.id, role=Role.ADMIN, given_region_ids=[], selected_region_id=None)
    assert scope == Scope(org.id, None, None, True) and scope.all_regions
    assert scope.sees_region(r["Makerere"])


def test_a_supervisor_falls_back_to_their_first_region_whatever_is_asked(db, tree):
    org, r = tree
    for asked in (None, r["Uganda"], 999_999):  # nothing, a region not theirs, a bogus id
        scope = build_scope(db, org_id=org.id, role=Role.SUPERVISOR, given_region_ids=[r["Kenya"]],
                            selected_region_id=asked)
        assert scope.selected_region_id == r["Kenya"]
        assert not scope.all_regions


def test_a_supervisor_without_regions_sees_nothing(db, tree):
    org, r = tree
    with pytest.raises(NoRegions, match="don't have access to any regions"):
        build_scope(db, org_id=org.id, role=Role.SUPERVISOR, given_region_ids=[r["Inactive"]],
                    selected_region_id=None)


def test_scopes_are_hashable_values_fit_for_cache_keys(db, tree):
    org, r = tree
    one = build_scope(db, org_id=org.id, role=Role.SUPERVISOR, given_region_ids=[r["Kenya"]], selected_region_id=None)
    two = build_scope(db, org_id=org.id, role=Role.SUPERVISOR, given_region_ids=[r["Kenya"]], selected_region_id=None)
    assert one == two and hash(one) == hash(two) and len({one, two}) == 1
