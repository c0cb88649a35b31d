"""The sidebar's org switcher and region selector, and the scope they give the Home page."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from streamlit.testing.v1 import AppTest

from tests import factories as f
from tests.pages.app import APP, click_row, signed_in, submit_login, texts
from tracpro.db.models import Org, Role
from tracpro.ui.sidebar import SUBREGIONS_WIDGET, region_widget_key

INDENT = "\u00a0" * 4


@dataclass
class Orgs:
    moh_id: int
    moe_id: int
    regions: dict[str, int]


@pytest.fixture
def orgs(db) -> Orgs:
    """Ministry of Health: Country{North{Gicumbi}, South}, West (2, 1, 1, 3 and 4 contacts);
    Ministry of Education: East (5 contacts)."""
    moh = f.OrgFactory(name="Ministry of Health")
    country = f.RegionFactory(org=moh, name="Country")
    north = f.RegionFactory(org=moh, name="North", parent=country)
    gicumbi = f.RegionFactory(org=moh, name="Gicumbi", parent=north)
    south = f.RegionFactory(org=moh, name="South", parent=country)
    west = f.RegionFactory(org=moh, name="West")
    retired = f.RegionFactory(org=moh, name="Retired", is_active=False)
    for region, count in ((north, 2), (gicumbi, 1), (south, 3), (west, 4)):
        for _ in range(count):
            f.ContactFactory(org=moh, region=region)
    moe = f.OrgFactory(name="Ministry of Education")
    east = f.RegionFactory(org=moe, name="East")
    for _ in range(5):
        f.ContactFactory(org=moe, region=east)
    f.MembershipFactory(org=moh, role=Role.ADMIN, user__login="admin@example.org")
    sup = f.MembershipFactory(
        org=moh, role=Role.SUPERVISOR, regions=[north], user__login="north@example.org"
    ).user
    f.MembershipFactory(org=moe, user=sup, role=Role.ADMIN)
    f.MembershipFactory(org=moh, role=Role.SUPERVISOR, regions=[retired], user__login="none@example.org")
    db.flush()
    regions = {r.name: r.id for r in (country, north, gicumbi, south, west, east)}
    return Orgs(moh.id, moe.id, regions)


def _metric(app, label: str) -> str:
    return next(metric.value for metric in app.metric if metric.label == label)


def test_an_admin_chooses_all_regions_or_any_region_of_the_tree(orgs):
    app = signed_in("admin@example.org")
    selector = app.sidebar.selectbox(key=region_widget_key(orgs.moh_id))
    assert selector.options == [
        "All regions",
        "Country",
        f"{INDENT}North",
        f"{INDENT * 2}Gicumbi",
        f"{INDENT}South",
        "West",
    ]
    assert selector.value == 0  # All regions
    assert "Showing data from **all regions**." in [md.value for md in app.markdown]
    assert _metric(app, "Contacts") == "10"
    selector.set_value(orgs.regions["North"]).run()
    assert _metric(app, "Contacts") == "3"  # North and Gicumbi
    app.sidebar.toggle(key=SUBREGIONS_WIDGET).set_value(False).run()
    assert _metric(app, "Contacts") == "2"  # North alone
    assert "Showing data from **North**." in [md.value for md in app.markdown]


def test_a_supervisor_of_a_parent_region_chooses_among_it_and_its_descendants_only(orgs):
    app = signed_in("north@example.org")
    app.sidebar.selectbox(key="tracpro_org").set_value(orgs.moh_id).run()
    selector = app.sidebar.selectbox(key=region_widget_key(orgs.moh_id))
    assert selector.options == ["North", f"{INDENT}Gicumbi"]
    assert selector.value == orgs.regions["North"]
    assert "Showing data from **North and its sub-regions**." in [md.value for md in app.markdown]
    assert _metric(app, "Contacts") == "3"
    selector.set_value(orgs.regions["Gicumbi"]).run()
    assert _metric(app, "Contacts") == "1"


def test_a_supervisor_without_regions_gets_a_clear_message_and_no_data(orgs):
    app = signed_in("none@example.org")
    assert texts(app.warning) == [
        "You don't have access to any regions. Contact your administrator."
    ]
    assert not app.metric
    assert "**Ministry of Health**" in [md.value for md in app.sidebar.markdown]  # the org is still shown
    assert "No regions are assigned to you" in " ".join(caption.value for caption in app.sidebar.caption)


def test_switching_org_switches_role_regions_and_data(orgs):
    app = signed_in("north@example.org")
    switcher = app.sidebar.selectbox(key="tracpro_org")
    assert switcher.options == ["Ministry of Education", "Ministry of Health"]
    assert switcher.value == orgs.moe_id  # the first by name
    switcher.set_value(orgs.moh_id).run()
    assert app.sidebar.selectbox(key=region_widget_key(orgs.moh_id)).options == ["North", f"{INDENT}Gicumbi"]
    assert app.caption[0].value.startswith("Ministry of Health")
    assert _metric(app, "Contacts") == "3"
    app.sidebar.selectbox(key="tracpro_org").set_value(orgs.moe_id).run()
    # In the other org they are an admin: all regions, that org's data, and the Users page.
    assert app.sidebar.selectbox(key=region_widget_key(orgs.moe_id)).options == ["All regions", "East"]
    assert _metric(app, "Contacts") == "5"
    assert app.caption[0].value.startswith("Ministry of Education")


def test_the_region_chosen_in_each_org_is_kept_across_switches(orgs):
    app = signed_in("north@example.org")
    app.sidebar.selectbox(key="tracpro_org").set_value(orgs.moh_id).run()
    app.sidebar.selectbox(key=region_widget_key(orgs.moh_id)).set_value(orgs.regions["Gicumbi"]).run()
    app.sidebar.selectbox(key="tracpro_org").set_value(orgs.moe_id).run()
    app.sidebar.selectbox(key="tracpro_org").set_value(orgs.moh_id).run()
    assert app.sidebar.selectbox(key=region_widget_key(orgs.moh_id)).value == orgs.regions["Gicumbi"]


def _open_at(address: dict[str, str], login: str) -> AppTest:
    """A new session at an address with these query parameters (a link opened in a new tab)."""
    app = AppTest.from_file(APP, default_timeout=30)
    app.query_params.update(address)
    app.run()
    return submit_login(app, login)


def test_the_region_chosen_is_kept_in_the_address_and_a_new_session_opens_there(orgs):
    app = signed_in("admin@example.org")
    assert "region" not in app.query_params
    app.sidebar.selectbox(key=region_widget_key(orgs.moh_id)).set_value(orgs.regions["North"]).run()
    assert app.query_params["region"] == str(orgs.regions["North"]) and "subregions" not in app.query_params
    app.sidebar.toggle(key=SUBREGIONS_WIDGET).set_value(False).run()
    assert app.query_params["subregions"] == "0"

    fresh = _open_at(dict(app.query_params), "admin@example.org")
    assert fresh.sidebar.selectbox(key=region_widget_key(orgs.moh_id)).value == orgs.regions["North"]
    assert fresh.sidebar.toggle(key=SUBREGIONS_WIDGET).value is False
    assert _metric(fresh, "Contacts") == "2"  # North alone, as in the session the address came from
    fresh.run()  # and it stays there on the next rerun
    assert fresh.query_params["region"] == str(orgs.regions["North"])

    app.sidebar.selectbox(key=region_widget_key(orgs.moh_id)).set_value(0).run()  # All regions
    assert "region" not in app.query_params and "subregions" not in app.query_params
    assert _metric(app, "Contacts") == "10"


@pytest.mark.parametrize("region", ["South", "East", "999999", "north", "²"])
def test_an_address_with_a_region_the_user_may_not_see_opens_where_they_would_anyway(orgs, region):
    address = {"region": str(orgs.regions.get(region, region))}
    app = _open_at(address, "north@example.org")  # their first org is the Ministry of Education
    app.sidebar.selectbox(key="tracpro_org").set_value(orgs.moh_id).run()
    assert app.sidebar.selectbox(key=region_widget_key(orgs.moh_id)).value == orgs.regions["North"]
    assert _metric(app, "Contacts") == "3"  # North and Gicumbi: nothing of South's 3 or East's 5
    assert app.query_params.get("region") != address["region"]


def test_a_table_row_opens_its_page_in_the_sidebar_s_region(orgs, db):
    poll = f.PollFactory(org=db.get(Org, orgs.moh_id), rapidpro_name="Water")
    pollrun = f.PollRunFactory(poll=poll)
    db.flush()
    app = signed_in("admin@example.org")
    app.sidebar.selectbox(key=region_widget_key(orgs.moh_id)).set_value(orgs.regions["North"]).run()
    app.sidebar.toggle(key=SUBREGIONS_WIDGET).set_value(False).run()
    # A row of Home's table opens its date at a permalink holding the sidebar's choice, both parts.
    opened = click_row(app, "home-dates", 0)
    assert opened.query_params == {"pollrun": str(pollrun.id), "region": str(orgs.regions["North"]),
                                   "subregions": "0"}
