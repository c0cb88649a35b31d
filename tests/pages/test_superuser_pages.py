"""The superuser pages (Organizations, All users), and every settings page checking the role itself."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from tests import factories as f
from tests.conftest import ROOT
from tests.pages.app import errors, signed_in
from tracpro.auth.logins import SignedInUser
from tracpro.db.models import LoginRecord, Membership, Org, Role, User
from tracpro.ui.context import CONTEXT, Context

ROOT_LOGIN, ADMIN = "root@example.org", "richard@example.org"
ORGS, USERS = "pages/organizations.py", "pages/all_users.py"
SETTINGS_PAGES = ["pages/organization.py", "pages/poll_settings.py", "pages/regions.py", "pages/sync.py"]


@pytest.fixture
def world(db):
    health = f.OrgFactory(name="Ministry of Health", slug="health")
    water = f.OrgFactory(name="Ministry of Water", slug="water")
    north = f.RegionFactory(org=water, name="North")
    f.MembershipFactory(org=health, role=Role.ADMIN, user__login=ADMIN, user__name="Richard")
    f.MembershipFactory(org=health, role=Role.SUPERVISOR, user__login="sam@example.org", user__name="Sam")
    f.UserFactory(login=ROOT_LOGIN, name="Root", is_superuser=True)
    db.flush()
    return health, water, north


def _open(page: str, login: str = ROOT_LOGIN):
    app = signed_in(login)
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def test_an_admin_cannot_open_the_superuser_pages(world):
    app = signed_in(ADMIN)
    for page in (ORGS, USERS):
        with pytest.raises(ValueError):
            app.switch_page(page)


def _page_run_with(page: str, context: Context | None) -> AppTest:
    app = AppTest.from_file(str(ROOT / page), default_timeout=30)
    if context is not None:
        app.session_state[CONTEXT] = context
    return app.run()


@pytest.mark.parametrize("page", [*SETTINGS_PAGES, ORGS, USERS])
def test_every_page_checks_the_role_itself(db, page):
    assert errors(_page_run_with(page, None)) == ["Please sign in to see this page."]
    supervisor = Context(SignedInUser(1, "sam@example.org", "Sam", False, False))
    expected = ("Only superusers can use this page." if page in (ORGS, USERS)
                else "Only administrators of this organisation can use this page.")
    assert errors(_page_run_with(page, supervisor)) == [expected]


# Organizations


def test_the_organizations_are_listed_with_their_counts(world):
    table = _open(ORGS).dataframe[0].value
    assert table[["Name", "Status", "Members"]].values.tolist() == [
        ["Ministry of Health", "Active", 2], ["Ministry of Water", "Active", 0]]
    assert "org_id" not in table.columns


def test_creating_an_org(db, world):
    app = _open(ORGS)
    app.text_input(key="new_org.name").input("UNICEF Rwanda")
    app.text_input(key="new_org.slug").input("unicef-rwanda")
    app.selectbox(key="new_org.timezone").set_value("Africa/Kigali")
    app.text_input(key="new_org.rapidpro_host").input("https://app.rapidpro.io")
    app.button(key="new_org.submit").click().run()
    assert errors(app) == [] and app.success[0].value.startswith("Created UNICEF Rwanda.")
    org = db.scalars(select(Org).where(Org.slug == "unicef-rwanda")).one()
    assert (org.name, org.timezone, org.is_active) == ("UNICEF Rwanda", "Africa/Kigali", True)
    assert "UNICEF Rwanda" in app.dataframe[0].value["Name"].tolist()


def test_a_bad_new_org_is_refused_with_every_problem(db, world):
    app = _open(ORGS)
    app.text_input(key="new_org.slug").input("Health")
    app.button(key="new_org.submit").click().run()
    assert errors(app) == [
        "**Name**: This field is required.",
        "**Short name**: Use lowercase letters, digits and hyphens (at most 64), such as “unicef-rwanda”.",
    ]
    assert db.scalars(select(Org.slug).order_by(Org.slug)).all() == ["health", "water"]


def test_deactivating_and_reactivating_an_org(db, world):
    _, water, _ = world
    app = _open(ORGS)
    app.selectbox(key="org_status.org").set_value(water.id).run()
    app.button(key="org_status.submit").click().run()
    assert app.success[0].value == "Ministry of Water is deactivated."
    db.expire_all()
    assert not db.get(Org, water.id).is_active
    assert app.dataframe[0].value.set_index("Name").loc["Ministry of Water", "Status"] == "Deactivated"
    app.selectbox(key="org_status.org").set_value(water.id).run()
    app.button(key="org_status.submit").click().run()
    assert app.success[0].value == "Ministry of Water is active again."
    db.expire_all()
    assert db.get(Org, water.id).is_active


# All users


def test_all_users_are_listed_with_their_orgs_and_roles(world):
    table = _open(USERS).dataframe[0].value.set_index("Name")
    assert table.loc["Richard", "Organizations and roles"] == "Ministry of Health (Administrator)"
    assert table.loc["Sam", "Organizations and roles"] == "Ministry of Health (Supervisor)"
    assert table.loc["Root", "Organizations and roles"] == "All, as superuser"


def test_giving_a_user_a_supervisor_role_in_another_org(db, world):
    health, water, north = world
    richard = db.scalars(select(User).where(User.login == ADMIN)).one()
    app = _open(USERS)
    app.selectbox(key="give_role.user").set_value(richard.id)
    app.selectbox(key="give_role.org").set_value(water.id).run()
    app.radio(key=f"give_role_{water.id}.role").set_value(Role.SUPERVISOR)
    app.button(key=f"give_role_{water.id}.submit").click().run()
    assert errors(app) == ["**Regions**: This field is required."]
    assert db.scalars(select(Membership).where(Membership.org_id == water.id)).all() == []
    app.multiselect(key=f"give_role_{water.id}.regions").set_value([north.id])
    app.button(key=f"give_role_{water.id}.submit").click().run()
    assert app.success[0].value == "Richard is now supervisor in Ministry of Water."
    assert (_open(USERS).dataframe[0].value.set_index("Name").loc["Richard", "Organizations and roles"]
            == "Ministry of Health (Administrator); Ministry of Water (Supervisor: North)")


def test_deactivating_a_user_signs_them_out(db, world):
    sam = db.scalars(select(User).where(User.login == "sam@example.org")).one()
    live = f.LoginRecordFactory(user=sam)
    db.flush()
    app = _open(USERS)
    app.selectbox(key="user_status.user").set_value(sam.id).run()
    app.button(key="user_status.submit").click().run()
    assert app.success[0].value == "Sam is deactivated."
    db.expire_all()
    assert not db.get(User, sam.id).is_active and db.get(LoginRecord, live.id).revoked_at is not None


def test_a_superuser_cannot_deactivate_themselves(db, world):
    root = db.scalars(select(User).where(User.login == ROOT_LOGIN)).one()
    app = _open(USERS)
    app.selectbox(key="user_status.user").set_value(root.id).run()
    app.button(key="user_status.submit").click().run()
    assert errors(app) == ["**User**: You can't deactivate your own account."]
    db.expire_all()
    assert db.get(User, root.id).is_active
