"""Signing in, staying in across a reload, logging out, and a copied cookie that no longer works,
in a real Chromium against `streamlit run app.py`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.browser.conftest import ADMIN, SUPERVISOR
from tests.browser.pages import DESKTOP, PHONE, SIGN_IN_TITLE, heading, sign_in, signed_in_at_home, wait_for_app
from tracpro.auth.logins import token_hash
from tracpro.db.connection import make_engine
from tracpro.db.models import LoginRecord

pytestmark = pytest.mark.browser


def server_session(served_app, cookie_value: str) -> LoginRecord | None:
    engine = make_engine(served_app.database_url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                select(LoginRecord).where(LoginRecord.token_hash == token_hash(cookie_value))
            ).one_or_none()
    finally:
        engine.dispose()
    return row


def test_a_page_address_on_a_fresh_server_leads_to_sign_in(served_app, browser):
    """The first request of a fresh server for /users must not run that page on its own."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{served_app.url}/users")
    heading(page, SIGN_IN_TITLE)
    wait_for_app(page)
    assert page.get_by_text("Supervisors and administrators of").count() == 0
    context.close()


def test_sign_in_reload_log_out_and_the_copied_cookie_is_refused(served_app, browser, screenshots):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(served_app.url)
    wait_for_app(page)
    heading(page, SIGN_IN_TITLE)
    page.screenshot(path=str(screenshots / "login-desktop.png"), full_page=True)

    sign_in(page, *ADMIN)
    cookie = signed_in_at_home(page, context)
    row = server_session(served_app, cookie["value"])
    assert row is not None and row.revoked_at is None  # the cookie held is the one whose hash is stored
    page.screenshot(path=str(screenshots / "home-admin-desktop.png"), full_page=True)

    page.reload()
    wait_for_app(page)
    heading(page, "Home")  # still signed in, from the cookie
    assert page.get_by_role("heading", name=SIGN_IN_TITLE).count() == 0
    copied = context.cookies()

    page.get_by_role("button", name="Log out").click()
    heading(page, SIGN_IN_TITLE)
    page.get_by_text("You are signed out.").wait_for()
    wait_for_app(page)
    assert server_session(served_app, cookie["value"]).revoked_at is not None

    stolen = browser.new_context(viewport=DESKTOP)
    stolen.add_cookies(copied)
    thief = stolen.new_page()
    thief.goto(served_app.url)
    wait_for_app(thief)
    heading(thief, SIGN_IN_TITLE)
    assert thief.get_by_role("heading", name="Home").count() == 0
    thief.screenshot(path=str(screenshots / "copied-cookie-refused.png"), full_page=True)
    stolen.close()
    context.close()


def test_a_supervisor_on_a_phone(served_app, browser, screenshots):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.goto(served_app.url)
    wait_for_app(page)
    page.screenshot(path=str(screenshots / "login-phone.png"), full_page=True)
    sign_in(page, *SUPERVISOR)
    heading(page, "Home")
    wait_for_app(page)
    page.get_by_text("Showing data from").wait_for()
    page.screenshot(path=str(screenshots / "home-supervisor-phone.png"), full_page=True)
    page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_role("button", name="Log out").wait_for()
    page.wait_for_timeout(800)  # the sidebar slides in
    page.screenshot(path=str(screenshots / "sidebar-supervisor-phone.png"))
    context.close()


def test_an_admin_manages_users(served_app, browser, screenshots):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(served_app.url)
    wait_for_app(page)
    sign_in(page, *ADMIN)
    signed_in_at_home(page, context)
    page.get_by_role("link", name="Users").click()
    heading(page, "Users")
    wait_for_app(page)
    page.get_by_test_id("stDataFrame").wait_for()
    page.wait_for_timeout(500)  # the grid draws on a canvas a moment later
    page.screenshot(path=str(screenshots / "users-admin-desktop.png"), full_page=True)
    page.get_by_role("tab", name="Add a user").click()
    page.screenshot(path=str(screenshots / "users-add-desktop.png"), full_page=True)
    context.close()


def test_wrong_passwords_in_the_browser_say_so(served_app, browser, screenshots):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(served_app.url)
    wait_for_app(page)
    sign_in(page, SUPERVISOR[0], "not my password")
    page.get_by_text("Incorrect email or password.").wait_for()
    page.screenshot(path=str(screenshots / "login-wrong-password.png"), full_page=True)
    context.close()
