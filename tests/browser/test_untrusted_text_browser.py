"""Names made of Markdown and HTML, in real Chromium: a contact's page, a poll's charts and the
Contacts search show them as text. No picture, link or bold comes of them, and the browser asks the
host they name for nothing (tests/pages/test_untrusted_text.py checks every page's Markdown)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.conftest import ServedApp, served_world
from tests.browser.pages import heading, new_context, sign_in, signed_in_at_home, wait_for_app, wait_until_drawn
from tests.pages.hostile_world import ADMIN, HOSTILE, HostileWorld, build_hostile_world

pytestmark = pytest.mark.browser
ATTACKER = "attacker"
# What the page holds that came from HOSTILE's markup: elements fetching from or linking to the
# attacker's host (Markdown images and links, the HTML image; a Plotly link is an SVG <a>), an
# image whose source is "x", a <strong> or <b> holding just "Z". (A heading's own anchor, "#…",
# and the app's links name the app's host, whatever words they carry.)
MARKUP = """attacker => [...document.querySelectorAll('*')].filter(element =>
    [...element.attributes].some(a => (a.name === 'src' || a.name.endsWith('href'))
                                      && (new URL(a.value, location.href).host.includes(attacker) || a.value === 'x'))
    || (['STRONG', 'B'].includes(element.tagName) && element.textContent.trim() === 'Z')
  ).map(element => element.outerHTML.slice(0, 200))"""
# A chart has drawn: some trace holds a shape with a real outline (bars, areas and slices are paths).
PAINTED = """element => [...element.querySelectorAll('g.trace path, g.slice path')]
    .some(path => (path.getAttribute('d') || '').length > 10)"""


def _draw_charts(page) -> None:
    """Until the page has charts and each, scrolled into view, has drawn its traces and labels."""
    page.wait_for_function("() => document.querySelectorAll('[data-testid=stPlotlyChart] .js-plotly-plot').length")
    charts = page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot")
    for index in range(charts.count()):
        charts.nth(index).scroll_into_view_if_needed()
        page.wait_for_function(PAINTED, arg=charts.nth(index).element_handle())


@pytest.fixture(scope="module")
def hostile_app(database_server, tmp_path_factory) -> Iterator[tuple[ServedApp, HostileWorld]]:
    with served_world(database_server, tmp_path_factory, "tracpro_hostile", build_hostile_world) as served:
        yield served


def test_names_made_of_markup_stay_text_and_fetch_nothing(hostile_app, browser):
    served, world = hostile_app
    context = new_context(browser)
    asked: list[str] = []
    try:
        page = context.new_page()
        # Any request to the attacker's host (the app's own addresses may carry the name, as the search does).
        page.on("request", lambda request: asked.append(request.url)
                if ATTACKER in (urlsplit(request.url).hostname or "") else None)
        page.goto(served.url)
        sign_in(page, ADMIN, f.PASSWORD)
        signed_in_at_home(page, context)
        for address, title, charts in (
            (f"contact?contact={world.contact_id}", HOSTILE, False),
            # Legends, labels, hover texts; a fixed range around the pollrun of 2 Nov 2026, as one counted back
            # from today would lose it once the calendar moves on.
            (f"poll?poll={world.poll_id}&date_range=custom&start=2026-10-01&end=2026-11-30", HOSTILE, True),
            (f"pollrun?pollrun={world.pollrun_id}", f"{HOSTILE} (Nov 02, 2026)", True),  # a pie, bars, a map
            (f"contacts?search={quote(HOSTILE + ' nobody')}", "Contacts", False),
        ):
            page.goto(f"{served.url}/{address}")
            heading(page, title)  # a name: letter for letter
            wait_for_app(page)
            if charts:
                _draw_charts(page)
            wait_until_drawn(page)
            assert page.get_by_test_id("stException").count() == 0, address
            assert page.evaluate(MARKUP, ATTACKER) == [], address
        expect(page.get_by_text(f"No contact matches “{HOSTILE} nobody”.")).to_be_visible()
    finally:
        context.close()
    assert asked == []
