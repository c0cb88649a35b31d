"""An org administrator in real Chromium: opens the Organization page, saves a change, asks for a
sync on the Sync page; every settings page is screenshotted at a laptop's size (1280×800) and a
phone's (390×844) into test-artifacts/settings/<size>/, and none may scroll sideways on the phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories as f
from tests.browser.conftest import ADMIN
from tests.browser.pages import (
    DESKTOP,
    PHONE,
    click_until,
    full_page_screenshot,
    heading,
    new_context,
    scrolls_sideways,
    sign_in,
    signed_in_at_home,
    wait_for_app,
    wait_until_drawn,
)
from tests.conftest import ROOT
from tracpro.db.connection import make_engine
from tracpro.db.models import Org, QuestionType, Region, SyncRequest

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts" / "settings"
# (address, heading, tab to click or None, screenshot name)
PAGES = [("poll_settings", "Poll settings", None, "poll_settings"),
         ("poll_settings", "Poll settings", "Edit a poll", "poll_edit"),
         ("regions", "Regions and groups", None, "regions"),
         ("regions", "Regions and groups", "Reporter groups", "reporter_groups"),
         ("users", "Users", None, "users"),
         ("users", "Users", "Add a user", "user_add"),
         ("users", "Users", "Edit a user", "user_edit")]


def _screenshot(page, viewport: dict, name: str, size: str) -> None:
    wait_until_drawn(page)
    if size == "phone":
        assert not scrolls_sideways(page), f"{name} scrolls sideways on a phone"
    full_page_screenshot(page, viewport, ARTIFACTS / size / f"{name}.png")


def _open(page, url: str, address: str, title: str) -> None:
    page.goto(f"{url}/{address}")
    heading(page, title)
    wait_for_app(page)
    assert page.get_by_test_id("stException").count() == 0, page.get_by_test_id("stException").first.inner_text()


@pytest.fixture(scope="module")
def synced(served_app):
    """What a sync would have stored for the settings pages to offer: flows, groups, boundaries."""
    engine = make_engine(served_app.database_url)
    with Session(engine) as session:
        f.use_session(session)
        try:
            org = session.scalars(select(Org)).one()
            for region in session.scalars(select(Region)):
                f.ContactGroupFactory(org=org, name=region.name, uuid=region.uuid, contact_count=3)
            f.ContactGroupFactory(org=org, name="Teachers", contact_count=12)
            f.BoundaryFactory(org=org, name="Northern Province", level=1)
            poll = f.PollFactory(org=org, rapidpro_name="Water & Sanitation", is_active=True)
            f.QuestionFactory(poll=poll, rapidpro_name="How many taps work?", order=1)
            f.QuestionFactory(poll=poll, rapidpro_name="What should change?", order=2, question_type=QuestionType.OPEN)
            f.PollFactory(org=org, rapidpro_name="Registration", is_active=False)
            session.commit()
        finally:
            f.use_session(None)
    engine.dispose()
    return served_app


def _stored(served_app, query):
    engine = make_engine(served_app.database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(query).all()
    finally:
        engine.dispose()


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_an_admin_saves_the_organization_and_asks_for_a_sync(synced, browser, size, viewport):
    served_app = synced
    phone = {"is_mobile": True, "has_touch": True} if size == "phone" else {}
    context = new_context(browser, viewport=viewport, **phone)
    page = context.new_page()
    try:
        page.goto(served_app.url)
        sign_in(page, *ADMIN)
        signed_in_at_home(page, context)  # addresses opened below start new sessions, signed in from this cookie

        _open(page, served_app.url, "organization", "Organization")
        assert page.get_by_text("Current token: ••••••••").count() == 1
        new_name = f"Ministry of Health ({size})"
        name = page.get_by_role("textbox", name="Name", exact=True)
        name.fill(new_name)
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text(f"Saved the settings of {new_name}.")).to_be_visible()
        wait_for_app(page)
        assert _stored(served_app, select(Org.name)) == [(new_name,)]
        _screenshot(page, viewport, "organization", size)

        _open(page, served_app.url, "sync", "Sync")
        # Asking twice is harmless (a pending request is reused), so a click a rerun swallowed is made again.
        click_until(page, page.get_by_role("button", name="Sync now"),
                    page.get_by_text("A sync has been requested."), "the sync request's confirmation")
        wait_for_app(page)
        assert ("pending",) in [(status.value,) for (status,) in _stored(served_app, select(SyncRequest.status))]
        _screenshot(page, viewport, "sync", size)

        for address, title, tab, name in PAGES:
            _open(page, served_app.url, address, title)
            if tab is not None:
                page.get_by_role("tab", name=tab).click()
                expect(page.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true")
            _screenshot(page, viewport, name, size)
    finally:
        context.close()


def test_renaming_a_poll_keeps_the_edit_tab_open(synced, browser):
    context = new_context(browser, viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(synced.url)
        sign_in(page, *ADMIN)
        signed_in_at_home(page, context)
        _open(page, synced.url, "poll_settings", "Poll settings")
        edit = page.get_by_role("tab", name="Edit a poll")
        edit.click()
        expect(edit).to_have_attribute("aria-selected", "true")
        wait_for_app(page)
        page.get_by_role("textbox", name="Poll name").fill("Water and sanitation")
        page.get_by_role("button", name="Save poll").click()
        expect(page.get_by_text("Saved “Water and sanitation”.")).to_be_visible()
        wait_for_app(page)
        expect(page.get_by_role("tab", name="Edit a poll")).to_have_attribute("aria-selected", "true")
        assert "tab=edit+a+poll" in page.url or "tab=edit%20a%20poll" in page.url
    finally:
        context.close()
