"""Signing in, staying in across a reload, logging out, and a copied cookie that no longer works,
in a real Chromium against `streamlit run app.py`."""

from __future__ import annotations

import re
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import ADMIN, SUPERVISOR
from tests.browser.pages import (
    DESKTOP,
    PHONE,
    SIGN_IN_TITLE,
    heading,
    new_context,
    sign_in,
    signed_in_at_home,
    wait_for_app,
    wait_until_drawn,
)
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


def _screenshot(page, path, full_page: bool = True) -> None:
    wait_until_drawn(page)
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")


def test_a_page_address_on_a_fresh_server_leads_to_sign_in(served_app, browser):
    """The first request of a fresh server for /users must not run that page on its own."""
    context = new_context(browser, viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{served_app.url}/users")
    heading(page, SIGN_IN_TITLE)
    wait_for_app(page)
    assert page.get_by_text("Supervisors and administrators of").count() == 0
    context.close()


def test_a_link_opened_signed_out_reaches_its_page_after_sign_in(served_app, browser):
    """A bookmark or a link in a message, opened signed out: the form shows at that address (no
    "page not found"), and signing in opens the page with its query (here, a tab)."""
    context = new_context(browser, viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{served_app.url}/messages?tab=my%20recent%20actions")
    heading(page, SIGN_IN_TITLE)
    wait_for_app(page)
    assert page.get_by_text(re.compile("not found", re.IGNORECASE)).count() == 0
    assert urlsplit(page.url).path.endswith("/messages")
    sign_in(page, *SUPERVISOR)
    heading(page, "Messages")
    expect(page.get_by_role("tab", name="My recent actions")).to_have_attribute("aria-selected", "true")
    wait_for_app(page)
    assert page.get_by_text(re.compile("not found", re.IGNORECASE)).count() == 0
    context.close()


# Deep links and the heading of the page each opens.
DEEP_LINKS = [("messages?tab=my%20recent%20actions", "Messages"), ("activity", "Activity"), ("contacts", "Contacts"),
              ("inbox", "Inbox"), ("indicators", "Recent indicators")]


def test_fifty_deep_links_and_reloads_under_load_stay_on_their_page(served_app, browser):
    """Each opening of an address (and each reload) is a new session signed in from the cookie,
    whose cookie components report while its first runs may still be under way: with the CPU
    kept busy beside it, every one shows its own page, and still does once the app is idle."""
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    context = new_context(browser, viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(served_app.url)
        sign_in(page, *SUPERVISOR)
        signed_in_at_home(page, context)
        for attempt in range(50):  # each address opened, then reloaded
            address, title = DEEP_LINKS[attempt // 2 % len(DEEP_LINKS)]
            if attempt % 2:
                page.reload()
            else:
                page.goto(f"{served_app.url}/{address}")
            heading(page, title)
            wait_for_app(page)
            assert page.get_by_role("heading", name=title, exact=True).count() == 1, f"attempt {attempt}: left {title}"
            assert urlsplit(page.url).path.endswith("/" + address.split("?")[0]), f"attempt {attempt}: {page.url}"
    finally:
        context.close()
        hog.kill()
        hog.wait()


def test_sign_in_reload_log_out_and_the_copied_cookie_is_refused(served_app, browser, screenshots):
    context = new_context(browser, viewport=DESKTOP)
    page = context.new_page()
    page.goto(served_app.url)
    heading(page, SIGN_IN_TITLE)
    _screenshot(page, screenshots / "login-desktop.png")

    sign_in(page, *ADMIN)
    cookie = signed_in_at_home(page, context)
    row = server_session(served_app, cookie["value"])
    assert row is not None and row.revoked_at is None  # the cookie held is the one whose hash is stored
    _screenshot(page, screenshots / "home-admin-desktop.png")

    page.reload()
    heading(page, "Home")  # still signed in, from the cookie
    wait_for_app(page)
    assert page.get_by_role("heading", name=SIGN_IN_TITLE).count() == 0
    copied = context.cookies()

    page.get_by_role("button", name="Log out").click()
    heading(page, SIGN_IN_TITLE)
    # Until the run is over, the run before's copy of the notice may still be drawn beside it.
    expect(page.get_by_text("You are signed out.").first).to_be_visible()
    wait_for_app(page)
    expect(page.get_by_text("You are signed out.")).to_have_count(1)
    assert server_session(served_app, cookie["value"]).revoked_at is not None

    stolen = new_context(browser, viewport=DESKTOP)
    stolen.add_cookies(copied)
    thief = stolen.new_page()
    thief.goto(served_app.url)
    heading(thief, SIGN_IN_TITLE)
    wait_for_app(thief)
    assert thief.get_by_role("heading", name="Home").count() == 0
    _screenshot(thief, screenshots / "copied-cookie-refused.png")
    stolen.close()
    context.close()


def test_a_supervisor_on_a_phone(served_app, browser, screenshots):
    context = new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.goto(served_app.url)
    heading(page, SIGN_IN_TITLE)
    _screenshot(page, screenshots / "login-phone.png")
    sign_in(page, *SUPERVISOR)
    signed_in_at_home(page, context)
    expect(page.get_by_text("Showing data from")).to_be_visible()
    _screenshot(page, screenshots / "home-supervisor-phone.png")
    page.get_by_test_id("stExpandSidebarButton").click()
    expect(page.get_by_role("button", name="Log out")).to_be_in_viewport()
    page.get_by_test_id("stSidebar").element_handle().wait_for_element_state("stable")  # slid in
    _screenshot(page, screenshots / "sidebar-supervisor-phone.png", full_page=False)
    context.close()


def test_an_admin_manages_users(served_app, browser, screenshots):
    context = new_context(browser, viewport=DESKTOP)
    page = context.new_page()
    page.goto(served_app.url)
    sign_in(page, *ADMIN)
    signed_in_at_home(page, context)
    page.get_by_role("link", name="Users").click()
    heading(page, "Users")
    wait_for_app(page)
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    _screenshot(page, screenshots / "users-admin-desktop.png")  # once the grid has painted its canvas
    page.get_by_role("tab", name="Add a user").click()
    expect(page.get_by_role("tab", name="Add a user")).to_have_attribute("aria-selected", "true")
    _screenshot(page, screenshots / "users-add-desktop.png")
    context.close()


def test_wrong_passwords_in_the_browser_say_so(served_app, browser, screenshots):
    context = new_context(browser, viewport=DESKTOP)
    page = context.new_page()
    page.goto(served_app.url)
    sign_in(page, SUPERVISOR[0], "not my password")
    expect(page.get_by_text("Incorrect email or password.")).to_be_visible()
    _screenshot(page, screenshots / "login-wrong-password.png")
    context.close()
