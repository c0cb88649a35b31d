"""The Audit page in real Chromium: an org's trail holding one event of every kind, each made by
the function that makes the change (tests/audit/test_events.py's actions, the org itself created
by a superuser), read by its administrator: the page lists them, filters them by kind and
downloads them as CSV (their details in words, and as recorded in JSON). A failed sign-in and a
sign-in made in the browser are in it too."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from tests import actors
from tests import factories as f
from tests.audit.test_events import ACTIONS, AT, build_world
from tests.browser.conftest import ServedApp, served_world
from tests.browser.pages import (
    DESKTOP,
    click_until,
    full_page_screenshot,
    heading,
    new_context,
    sign_in,
    signed_in_at_home,
    wait_for_app,
    wait_until_drawn,
)
from tests.conftest import ROOT
from tracpro.audit.trail import Acting, acting
from tracpro.db.models import AuditKind
from tracpro.orgs.superuser import NewOrg, create_org
from tracpro.queries.audit_words import KIND_WORDS

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts" / "audit"
ADMIN = "ada@example.org"
FROM = (AT - timedelta(days=1)).date().isoformat()  # the trail's first day on the page


def _every_kind_of_event(session: Session) -> None:
    """Rwanda, created by a superuser, and an event of every kind in it, Ada acting (the browser
    downloads the trail itself)."""
    root = f.UserFactory(login="root@example.org", is_superuser=True)
    session.flush()
    acting(session, Acting(root.id, root.login, AT))
    world = build_world(session, create_org(session, actors.superuser(root.id), NewOrg("Rwanda", "rwanda")))
    for kind, action in ACTIONS.items():
        if kind not in (AuditKind.ORG_CREATED, AuditKind.EXPORT_DOWNLOADED):
            action(world)


@pytest.fixture(scope="module")
def audited_app(database_server, tmp_path_factory) -> Iterator[ServedApp]:
    with served_world(database_server, tmp_path_factory, "tracpro_audit", _every_kind_of_event) as (app, _world):
        yield app


def _caption_count(page) -> int:
    """The number of events the page's caption says it lists."""
    caption = page.get_by_text(" newest first.").or_(page.get_by_text("The download holds them all."))
    return int(caption.first.inner_text().split()[0].replace(",", ""))


def _from_the_trails_first_day(page) -> None:
    """On the Audit page: the trail from FROM on, shown."""
    heading(page, "Audit")
    wait_for_app(page)
    # The date field's segments, year first (the format is YYYY-MM-DD); each moves on when typed,
    # and the date is sent once the field loses the focus.
    page.get_by_role("spinbutton", name="year, From").click()
    page.keyboard.type(FROM.replace("-", ""))
    page.get_by_role("heading", name="Audit").click()
    expect(page.get_by_text(re.compile(r"^\d\d+ events, newest first\.$"))).to_be_visible()
    wait_for_app(page)


def _download(page) -> list[dict[str, str]]:
    """The rows of the CSV the page downloads."""
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").click()
    return list(csv.DictReader(io.StringIO(download_info.value.path().read_text(encoding="utf-8-sig"))))


def test_an_administrator_reads_every_kind_of_event_on_the_audit_page(audited_app, browser):
    context = new_context(browser, viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(audited_app.url)
        sign_in(page, "nobody@example.org", "a guess")  # no such account: in the trail under that email
        expect(page.get_by_text("Incorrect email or password.")).to_be_visible()
        sign_in(page, ADMIN, f.PASSWORD)
        signed_in_at_home(page, context)

        page.goto(f"{audited_app.url}/audit")
        _from_the_trails_first_day(page)
        # Every kind planted, the browser's own sign-in, and Sam's failures and lock (nothing of the
        # failure with no account: it belongs to no org, so only superusers see it).
        assert _caption_count(page) >= len(AuditKind)
        wait_until_drawn(page)
        full_page_screenshot(page, DESKTOP, ARTIFACTS / "audit.png")

        _download(page)  # recorded: the next download holds it
        page.reload()
        _from_the_trails_first_day(page)
        rows = _download(page)
        assert {row["What"] for row in rows} == {KIND_WORDS[kind] for kind in AuditKind}
        # Each event's details in words, and as recorded in the download's own JSON column.
        assert all(row["Details (JSON)"].startswith("{") and not row["Details"].startswith("{") for row in rows)
        assert any(row["Details"].endswith("Role: Supervisor → Administrator") for row in rows
                   if row["What"] == KIND_WORDS[AuditKind.ROLE_CHANGED])
        assert not any(row["Who"] == "nobody@example.org" for row in rows)
        signed_in_here = [row for row in rows if row["What"] == "Signed in" and row["Who"] == ADMIN]
        assert signed_in_here, "the sign-in made in the browser is not in the trail"

        # Filtered by one kind, the page lists that kind alone.
        words = KIND_WORDS[AuditKind.USER_UNLOCKED]
        expected = sum(row["What"] == words for row in rows)
        what = page.get_by_test_id("stMultiSelect").get_by_role("combobox")
        click_until(page, what, page.get_by_role("listbox"), "the list of kinds")
        what.fill(words)  # the list shows a few kinds at a time (from the top, once open): typed, it shows this one
        choice = page.get_by_role("option", name=words, exact=True)
        expect(choice).to_be_visible()
        choice.click()
        expect(page.get_by_text(f"{expected} event{'s' if expected > 1 else ''}, newest first.")).to_be_visible()
        page.keyboard.press("Escape")
        wait_for_app(page)
        wait_until_drawn(page)
        full_page_screenshot(page, DESKTOP, ARTIFACTS / "audit-unlocked.png")
    finally:
        context.close()
