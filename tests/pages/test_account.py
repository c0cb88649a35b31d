"""My account, and the forced password change after an administrator set the password."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.pages.app import ACTIONS, DASHBOARD, INDICATORS, SETTINGS, errors, page_titles, signed_in
from tracpro.auth.passwords import check_password
from tracpro.db.models import Role
from tracpro.i18n import use_language
from tracpro.ui.signin import LOGIN_ID


def _fill(app, current: str, new: str, again: str):
    app.text_input(key="account.current_password").input(current)
    app.text_input(key="account.password").input(new)
    app.text_input(key="account.confirm_password").input(again)
    app.button(key="account.submit").click().run()
    assert not app.exception, app.exception
    return app


@pytest.fixture
def forced(db):
    org = f.OrgFactory()
    user = f.MembershipFactory(
        org=org, role=Role.ADMIN, user__login="mo@example.org", user__must_change_password=True
    ).user
    db.flush()
    return user


def test_after_an_admin_set_the_password_only_the_change_form_is_shown(forced):
    app = signed_in("mo@example.org")
    assert page_titles(app) == ["Change your password"]
    assert app.title[0].value == "Change your password"
    assert "Your administrator set your password" in app.info[0].value
    assert not app.sidebar.selectbox  # no org or region choices yet: only who is signed in, and Logout
    with pytest.raises(ValueError):
        app.switch_page("pages/home.py")


def test_the_forced_change_validates_then_opens_the_app(db, forced):
    app = signed_in("mo@example.org")
    assert errors(_fill(app, f.PASSWORD, "short", "short")) == [
        "**New password**: Ensure this value has at least 8 characters (it has 5)."
    ]
    assert errors(_fill(app, f.PASSWORD, "brand new password", "brand new passw0rd")) == [
        "**Confirm new password**: Passwords don't match."
    ]
    assert errors(_fill(app, f.PASSWORD, f.PASSWORD, f.PASSWORD)) == [
        "**New password**: Choose a password different from your current one."
    ]
    _fill(app, f.PASSWORD, "brand new password", "brand new password")
    assert app.title[0].value == "My account"  # the same page, now with every page of the role beside it
    assert page_titles(app) == ["Home", "My account", *DASHBOARD, *INDICATORS, *ACTIONS, "Users", *SETTINGS]
    assert app.success[0].value.startswith("Your password has been changed.")
    db.refresh(forced)
    assert not forced.must_change_password and check_password("brand new password", forced.password_hash)


def test_my_account_changes_the_password_after_checking_the_current_one(db):
    user = f.MembershipFactory(
        role=Role.SUPERVISOR, user__login="sam@example.org", regions=[f.RegionFactory()]
    ).user
    db.flush()
    app = signed_in("sam@example.org")
    app.switch_page("pages/account.py").run()
    assert app.title[0].value == "My account"
    assert errors(_fill(app, "wrong", "another password", "another password")) == [
        "**Current password**: Your current password was entered incorrectly."
    ]
    _fill(app, f.PASSWORD, "another password", "another password")
    db.refresh(user)
    assert check_password("another password", user.password_hash)
    assert LOGIN_ID in app.session_state  # still signed in here


def test_choosing_a_language_redraws_my_account_in_it(db):
    org = f.OrgFactory(language="en", available_languages=["en", "fr"])
    user = f.MembershipFactory(
        org=org, role=Role.SUPERVISOR, user__login="lea@example.org", regions=[f.RegionFactory(org=org)]
    ).user
    db.flush()
    app = signed_in("lea@example.org")
    app.switch_page("pages/account.py").run()
    language = app.selectbox(key="account.language")
    # The org's default first, then what the org offers, each language named in itself.
    assert language.options == ["Organisation default (English)", "English", "Français"]
    assert language.value == ""
    language.set_value("fr")
    app.button(key="account.save_language").click().run()
    assert not app.exception, app.exception
    db.refresh(user)
    assert user.language == "fr"
    assert app.title[0].value == "Mon compte"
    assert app.success[0].value == "Votre langue a été enregistrée."
    assert "Mon compte" in page_titles(app)
    assert app.selectbox(key="account.language").value == "fr"

    # AppTest words the chosen option with the page's format_func outside the session, in the
    # test's own language: it must be the page's for the option to be found among the French ones.
    use_language("fr")
    try:
        app.selectbox(key="account.language").set_value("")  # back to the org's default
        app.button(key="account.save_language").click().run()
    finally:
        use_language("en")
    assert not app.exception, app.exception
    db.refresh(user)
    assert user.language is None
    assert app.title[0].value == "My account"
