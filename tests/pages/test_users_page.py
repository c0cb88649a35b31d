"""The Users page: an org admin lists, adds, edits and deactivates the org's users."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories as f
from tests.pages.app import errors, signed_in, texts
from tracpro.auth.users import find_by_login
from tracpro.db.models import Role


@pytest.fixture
def org(db):
    org = f.OrgFactory(name="Ministry of Health")
    kandahar, khost, kunar = (f.RegionFactory(org=org, name=name) for name in ("Kandahar", "Khost", "Kunar"))
    f.MembershipFactory(org=org, role=Role.ADMIN, user__login="richard@example.org", user__name="Richard")
    f.MembershipFactory(
        org=org,
        role=Role.SUPERVISOR,
        regions=[kandahar],
        user__login="sam@example.org",
        user__name="Sam Sims",
    )
    f.MembershipFactory(
        org=org, role=Role.SUPERVISOR, regions=[khost, kunar], user__login="sue@example.org", user__name="Sue"
    )
    f.MembershipFactory(role=Role.SUPERVISOR, user__login="stranger@example.org")  # another org's
    db.flush()
    return org


def _users_page():
    app = signed_in("richard@example.org")
    app.switch_page("pages/users.py").run()
    assert not app.exception, app.exception
    return app


def _submit(app, form: str, **fields):
    for name, value in fields.items():
        widget = app.get_by_key(f"{form}.{name}")
        if hasattr(widget, "input") and name not in ("role", "regions", "is_active"):
            widget.input(value)
        else:
            widget.set_value(value)
    app.button(key=f"{form}.submit").click().run()
    assert not app.exception, app.exception
    return app


def test_the_list_shows_the_orgs_users_with_role_regions_and_status(org):
    table = _users_page().dataframe[0].value
    assert table["Name"].tolist() == ["Richard", "Sam Sims", "Sue"]
    assert table["Role"].tolist() == ["Administrator", "Supervisor", "Supervisor"]
    assert table["Regions"].tolist() == ["All regions", "Kandahar", "Khost, Kunar"]
    assert table["Status"].tolist() == ["Active", "Active", "Active"]


def test_an_admin_editing_a_supervisor_chooses_among_the_orgs_regions(org):
    app = _users_page()
    edited = app.selectbox[0].value
    for form in ("add_user", f"edit_user_{edited}"):
        assert app.get_by_key(f"{form}.regions").options == ["Kandahar", "Khost", "Kunar"]


def test_adding_a_supervisor_reports_problems_in_tracpros_words(org):
    app = _users_page()
    _submit(app, "add_user", name="Mo", email="SAM@example.org", password="123", confirm_password="123")
    assert errors(app) == [
        "**Email**: Email address already taken.",
        "**Regions**: This field is required.",
        "**Password**: Ensure this value has at least 8 characters (it has 3).",
    ]


def test_adding_a_supervisor_with_regions(db, org):
    app = _users_page()
    khost = next(option for option in app.get_by_key("add_user.regions").options if option == "Khost")
    _submit(
        app,
        "add_user",
        name="Mo Salah",
        email="Mo@Example.org",
        regions=[khost],
        password="first password",
        confirm_password="first password",
    )
    assert errors(app) == []
    assert texts(app.success) == ["New supervisor created: mo@example.org."]
    user = find_by_login(db, "mo@example.org")
    assert user.must_change_password and [r.name for r in user.memberships[0].regions] == ["Khost"]
    assert "Mo Salah" in app.dataframe[0].value["Name"].tolist()


def test_deactivating_a_supervisor(db, org):
    app = _users_page()
    sam = find_by_login(db, "sam@example.org")
    app.selectbox[0].set_value(sam.id).run()
    _submit(app, f"edit_user_{sam.id}", is_active=False)
    assert app.success[0].value == "Sam Sims updated."
    db.refresh(sam)
    assert not sam.is_active
    assert app.dataframe[0].value.set_index("Name").loc["Sam Sims", "Status"] == "Deactivated"


def test_unlocking_a_locked_out_supervisor(db, org):
    sam = find_by_login(db, "sam@example.org")
    sam.failed_login_count, sam.locked_until = 5, f.NOW + timedelta(minutes=15)
    db.flush()
    app = _users_page()
    app.selectbox[0].set_value(sam.id).run()
    assert "Sam Sims is locked out until" in texts(app.warning)[0]
    app.button(key=f"unlock_{sam.id}").click().run()
    assert not app.exception, app.exception
    assert texts(app.success) == ["Sam Sims can sign in again."]
    db.refresh(sam)
    assert (sam.failed_login_count, sam.locked_until) == (0, None)
