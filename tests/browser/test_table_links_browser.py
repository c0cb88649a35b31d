"""Table rows in real Chromium: Home → a poll → one of its dates → a contact, each opened by a click
on a table, stays in the one browser tab, lands on the right page at its permalink, and the address
never gets a "#" fragment; Back returns along the way. The inbox opens a conversation the same way.
(tests/pages/test_table_links.py checks what every table's rows and cells open.)"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.conftest import ServedApp, served_world
from tests.browser.pages import (
    CLICK_SHOWS_MS,
    DESKTOP,
    TIMEOUT_MS,
    heading,
    new_context,
    sign_in,
    signed_in_at_home,
    wait_for_app,
    wait_until_drawn,
)
from tests.pages.dashboard_world import SUPERVISOR, Dashboard, build_dashboard
from tracpro.db.models import Contact

pytestmark = pytest.mark.browser
# Every address the page's history took, the app's own changes included (Streamlit writes the page and
# its query parameters with the history API, which loads nothing); and how many runs have started.
ADDRESSES = """(() => {
  if (window.top !== window) return;
  window.tracproAddresses = [location.href];
  // Runs started (app.py sets the page's title first thing in every run): the Back button's run has begun.
  window.tracproRuns = 0;
  addEventListener('message', event => {
    if (event.source === window && event.data && event.data.type === 'SET_PAGE_TITLE') window.tracproRuns += 1;
  });
  for (const name of ['pushState', 'replaceState']) {
    const original = history[name];
    history[name] = function (...args) {
      const result = original.apply(this, args);
      window.tracproAddresses.push(location.href);
      return result;
    };
  }
})();"""
# The x-ranges (CSS pixels from the canvas' left) of a table's columns, the rows' boxes first, read from
# the painted grid along the top of its first row: white cells between the grey borders.
COLUMNS = """canvas => {
  const ratio = canvas.width / canvas.getBoundingClientRect().width;
  const pixels = canvas.getContext('2d').getImageData(0, Math.round(%d * ratio), canvas.width, 1).data;
  const runs = [];
  let start = null;
  for (let x = 0; x <= canvas.width; x++) {
    const white = x < canvas.width && pixels[4 * x] > 250 && pixels[4 * x + 1] > 250 && pixels[4 * x + 2] > 250;
    if (white && start === null) start = x;
    if (!white && start !== null) { runs.push([start / ratio, x / ratio]); start = null; }
  }
  return runs.filter(([left, right]) => right - left > 8);
}"""
ROW = 35  # Streamlit's table: the heading and each row are 35 pixels high


def _build(db) -> Dashboard:
    world = build_dashboard(db)
    for name, text in (("Nina North", "School closed?"), ("Gilbert Gicumbi", "Where is the form")):
        f.InboxMessageFactory(contact=db.get(Contact, world.contacts[name]), text=text, created_on=f.NOW)
    db.flush()
    return world


@pytest.fixture(scope="module")
def table_app(database_server, tmp_path_factory) -> Iterator[tuple[ServedApp, Dashboard]]:
    with served_world(database_server, tmp_path_factory, "tracpro_table_links", _build) as served:
        yield served


def _table(key: str) -> str:
    """The table `key` (whatever its selection_key now), as a CSS selector."""
    return f"[class*='st-key-{key}-']"


def _canvas(page, key: str):
    return page.locator(f"{_table(key)} canvas[data-testid='data-grid-canvas']")


def _row_of(page, key: str, text: str) -> int:
    """The row (from 0) of table `key` holding a cell `text`, from the grid's accessible cells."""
    cell = page.locator(f"{_table(key)} td[role='gridcell']", has_text=text).first
    expect(cell).to_be_attached()
    return int(cell.get_attribute("id").rsplit("-", 1)[1])


def _click_cell(page, key: str, row: int, column: int, title: str) -> None:
    """Click the cell of table `key` at `row` in its `column`-th data column (from 0), until the page
    titled `title` shows. A click made while a rerun replaces the table is lost: it is made again."""
    canvas = _canvas(page, key)
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        wait_for_app(page)
        expect(canvas).to_be_visible()
        canvas.scroll_into_view_if_needed()
        marker, *columns = page.evaluate(COLUMNS % (ROW + 3), canvas.element_handle())
        assert marker[1] - marker[0] < 50, marker  # the narrow column of the rows' boxes comes first
        left, right = columns[column]
        box = canvas.bounding_box()
        page.mouse.click(box["x"] + (left + right) / 2, box["y"] + ROW * (row + 1) + ROW / 2)
        try:
            expect(page.get_by_role("heading", name=title, exact=True).first).to_be_visible(timeout=CLICK_SHOWS_MS)
            break
        except AssertionError:
            assert time.monotonic() < deadline, f"{title!r} never showed"
    heading(page, title)
    wait_for_app(page)


def _at(page, context, path: str, **params: object) -> None:
    """One tab, at `path` with exactly these query parameters, and no fragment anywhere on the way."""
    expect(page).to_have_url(re.compile(rf"/{path}(\?[^#]*)?$"))
    address = urlsplit(page.url)
    assert parse_qs(address.query) == {name: [str(value)] for name, value in params.items()}, page.url
    assert len(context.pages) == 1, [tab.url for tab in context.pages]
    assert not [url for url in page.evaluate("window.tracproAddresses") if "#" in url]


def _back_until(page, title: str, passing: list[str], most: int = 4) -> None:
    """Press Back until the page titled `title` shows, passing only pages titled `passing` (never an
    address a page cannot read), within `most` presses."""
    for _ in range(most):
        runs = page.evaluate("window.tracproRuns")
        page.go_back()
        page.wait_for_function("runs => window.tracproRuns > runs", arg=runs)
        wait_for_app(page)
        titles = page.get_by_role("heading", level=1)
        try:
            expect(titles.first).to_be_visible(timeout=CLICK_SHOWS_MS)
        except AssertionError as error:
            said = page.get_by_test_id("stAlert").all_inner_texts()
            raise AssertionError(f"no page title at {page.url}: {said}") from error
        wait_for_app(page)
        shown = [text.strip() for text in titles.all_inner_texts()]
        assert shown in ([title], *([other] for other in passing)), (shown, page.url)
        if shown == [title]:
            heading(page, title)
            return
    raise AssertionError(f"{title!r} not reached in {most} presses of Back")


def test_home_to_a_poll_to_a_date_to_a_contact_stays_in_one_tab(table_app, browser, screenshots):
    served, world = table_app
    context = new_context(browser, viewport=DESKTOP)
    context.add_init_script(script=ADDRESSES)
    opened: list[str] = []
    context.on("page", lambda tab: opened.append(tab.url))
    try:
        page = context.new_page()
        page.goto(served.url)
        sign_in(page, SUPERVISOR, f.PASSWORD)
        signed_in_at_home(page, context)
        hint = "Click a row to open its poll date, or a poll's name to open the poll."
        expect(page.get_by_text(hint)).to_be_visible()

        _click_cell(page, "home-dates", 0, 1, "Attendance")  # the poll's name, in the second column
        _at(page, context, "poll", poll=world.poll_id)
        page.get_by_role("tab", name="Dates").click()
        expect(_canvas(page, "poll-dates")).to_be_visible()
        wait_until_drawn(page)
        page.screenshot(path=str(screenshots / "table-links-poll-dates.png"), animations="disabled")

        _click_cell(page, "poll-dates", 1, 0, "Attendance (Oct 26, 2026)")  # the week-old date
        week_ago = world.week_ago_id
        _at(page, context, "pollrun", pollrun=week_ago)
        page.get_by_role("tab", name="Responses").click()
        _click_cell(page, "pollrun-responses", _row_of(page, "pollrun-responses", "Nina North"), 2, "Nina North")
        _at(page, context, "contact", contact=world.contacts["Nina North"])

        page.go_back()  # to the table, nothing chosen in it: the contact is not opened again
        heading(page, "Attendance (Oct 26, 2026)")
        _at(page, context, "pollrun", pollrun=week_ago, tab="responses")
        expect(_canvas(page, "pollrun-responses")).to_be_visible()
        wait_for_app(page)
        heading(page, "Attendance (Oct 26, 2026)")
        # Back through the date's tabs (each choice is an entry of the browser's history) to the poll.
        _back_until(page, "Attendance", passing=["Attendance (Oct 26, 2026)"])
        _at(page, context, "poll", poll=world.poll_id, tab="dates")
        page.go_forward()
        heading(page, "Attendance (Oct 26, 2026)")
        _at(page, context, "pollrun", pollrun=week_ago)
        page.reload()  # the address is the date's permalink
        heading(page, "Attendance (Oct 26, 2026)")
        _at(page, context, "pollrun", pollrun=week_ago)
    finally:
        context.close()
    assert len(opened) == 1  # the tab this test opened, and no other


def test_the_inbox_opens_a_conversation_in_the_same_tab(table_app, browser):
    served, world = table_app
    context = new_context(browser, viewport=DESKTOP)
    context.add_init_script(script=ADDRESSES)
    try:
        page = context.new_page()
        page.goto(served.url)
        sign_in(page, SUPERVISOR, f.PASSWORD)
        signed_in_at_home(page, context)
        page.goto(f"{served.url}/inbox")
        heading(page, "Inbox")
        expect(page.get_by_text("Click a row to open the conversation.")).to_be_visible()
        _click_cell(page, "inbox", _row_of(page, "inbox", "Gilbert Gicumbi"), 0, "Conversation with Gilbert Gicumbi")
        _at(page, context, "inbox", contact=world.contacts["Gilbert Gicumbi"])
        expect(page.get_by_role("link", name="All conversations")).to_be_visible()
        page.go_back()
        heading(page, "Inbox")
        _at(page, context, "inbox")
    finally:
        context.close()
