"""An indicator and a map over the demo data, in real Chromium, at a laptop's size (1280×800)
and a phone's (390×844).

The demo org's regions have boundaries (synced from the simulator), so the poll page has a Map
tab: its polygons must be drawn (plotly's SVG paths with an outline), clicking a region must
draw that region's sub-regions, and no request may leave this machine (plotly.js asks for a
world map, served from static/). The map says something: its regions are filled in more than one
colour by their sums, and a categorical question's map shades every region by the share of the
category chosen. Screenshots go to test-artifacts/indicators/<size>-<page>.png.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.actors import admin
from tests.browser.pages import (
    DESKTOP,
    PHONE,
    choose_option,
    full_page_screenshot,
    heading,
    new_context,
    scrolls_sideways,
    sign_in,
    signed_in_at_home,
    signed_in_page,
    wait_for_app,
)
from tests.conftest import ROOT
from tracpro.auth.demo import ADMIN
from tracpro.auth.scope import Scope
from tracpro.charts.maps import NO_DATA_FILL
from tracpro.db.connection import make_engine
from tracpro.db.models import Membership, User
from tracpro.indicators.editing import IndicatorInput, save_indicator
from tracpro.polls.filters import DateRange, PollFilters
from tracpro.queries.choices import question_choices
from tracpro.queries.maps import map_data
from tracpro.queries.poll_base import org_today
from tracpro.sync.demo import demo_anchor
from tracpro.ui.links import page_url

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts" / "indicators"
LOGIN, PASSWORD, _ = ADMIN
INDICATOR_NAME = "Demo term indicator"
FILTERS = {"date_range": "90-days"}  # the demo's dates span its last 90 days
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
DRILLED = re.compile(r"^Sub-regions of ")  # the heading of a drilled-down map (not "Show sub-regions of …")


@pytest.fixture(scope="module")
def addresses(demo_app) -> dict[str, str]:
    """An indicator saved in the demo database (two numeric questions over the last 90 days), and
    the map of a numeric question of the same poll, as the admin finds them."""
    engine = make_engine(demo_app.database_url)
    try:
        with Session(engine) as session:
            user = session.scalars(select(User).where(User.login == LOGIN)).one()
            org_id = session.scalars(select(Membership.org_id).where(Membership.user_id == user.id)).one()
            scope = Scope(org_id, None)
            numeric = [choice for choice in question_choices(session, scope) if choice.kind == "numeric"]
            assert len(numeric) >= 2, "the demo needs two numeric questions for an indicator"
            baseline, follow_up = numeric[0], numeric[1]
            # The demo is dated back from the day the sync job built it, which the app, serving it that day,
            # takes as today too: the test asks the database rather than reading a clock of its own.
            today = org_today(session, scope, demo_anchor(session))
            indicator = save_indicator(session, admin(org_id), IndicatorInput(
                INDICATOR_NAME, today - timedelta(days=90), today, baseline.question_id, follow_up.question_id,
                "Answers"))
            session.commit()
            drawn = map_data(session, scope, follow_up.question_id, filters=PollFilters(DateRange.DAYS_90), today=today)
            assert drawn is not None and any(region.has_children for region in drawn.regions)
            categorical = next(choice for choice in question_choices(session, scope) if choice.kind == "categorical")
            return {
                "indicator": page_url("indicator", indicator=indicator.id),
                # Sums: the demo's regions differ in size, so their sums differ whatever their answers.
                "map": page_url("poll", poll=follow_up.poll_id, tab="map", numeric="sum", **FILTERS),
                "poll": follow_up.poll, "numeric_question": follow_up.name,
                "drillable": str(next(region.region_id for region in drawn.regions if region.has_children)),
                "categorical": page_url("poll", poll=categorical.poll_id, tab="map", **FILTERS),
                "categorical_poll": categorical.poll, "categorical_question": categorical.name,
            }
    finally:
        engine.dispose()


def _screenshot(page, viewport: dict, name: str) -> None:
    full_page_screenshot(page, viewport, ARTIFACTS / f"{name}.png")


def _no_exception(page) -> None:
    exceptions = page.get_by_test_id("stException")
    assert exceptions.count() == 0, exceptions.first.inner_text()


def _painted(page, selector: str) -> int:
    """How many `selector` paths inside plotly charts have a real outline."""
    return page.evaluate(f"""() => [...document.querySelectorAll('[data-testid=stPlotlyChart] {selector}')]
        .filter(path => (path.getAttribute('d') || '').length > 10).length""")


def _open(page, url: str, title: str) -> None:
    page.goto(url)
    heading(page, title)
    wait_for_app(page)
    _no_exception(page)


def _fills(page) -> list[str]:
    """The colour each region of the map is filled with, as the browser paints it."""
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid=stPlotlyChart] path.choroplethlocation')]
        .map(path => getComputedStyle(path).fill)""")


def _shades(page) -> set[str]:
    """The fills of the regions with answers (the grey of "No answers" left out)."""
    red, green, blue = (int(NO_DATA_FILL[i:i + 2], 16) for i in (1, 3, 5))
    return set(_fills(page)) - {f"rgb({red}, {green}, {blue})"}


def _choose_question(page, name: str) -> None:
    """The map's question, chosen unless it is the one the tab opens with."""
    question = page.get_by_test_id("stSelectbox").filter(has_text="Question")
    chosen = question.get_by_role("combobox")  # its input holds the question shown
    if chosen.input_value() != name:
        choose_option(page, question, name, exact=True)
        expect(chosen).to_have_value(name)
        wait_for_app(page)


def _map_polygons(page) -> int:
    page.wait_for_function("""() =>
        [...document.querySelectorAll('[data-testid=stPlotlyChart] path.choroplethlocation')]
        .some(path => (path.getAttribute('d') || '').length > 10)""")
    return _painted(page, "path.choroplethlocation")


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_an_indicator_and_a_map_draw_offline(demo_app, browser, addresses, size, viewport):
    phone = {"is_mobile": True, "has_touch": True} if size == "phone" else {}
    context = new_context(browser, viewport=viewport, **phone)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(demo_app.url)
        sign_in(page, LOGIN, PASSWORD)
        signed_in_at_home(page, context)

        _open(page, f"{demo_app.url}/{addresses['indicator']}", INDICATOR_NAME)
        page.wait_for_function("""() => [...document.querySelectorAll('[data-testid=stPlotlyChart] g.trace path')]
            .some(path => (path.getAttribute('d') || '').length > 10)""")
        table = page.get_by_test_id("stTable")  # the summary, as text that wraps
        assert "Follow up mean (Answers)" in table.inner_text() and "Baseline response rate (%)" in table.inner_text()
        if size == "phone":
            assert not scrolls_sideways(page), "the indicator page scrolls sideways on a phone"
        _screenshot(page, viewport, f"{size}-indicator")

        _open(page, f"{demo_app.url}/{addresses['map']}", addresses["poll"])
        _choose_question(page, addresses["numeric_question"])
        top = _map_polygons(page)
        assert top > 0, "the map draws no polygon"
        assert len(_shades(page)) > 1, f"the map has one colour: {_fills(page)}"
        assert page.get_by_text("Sum", exact=True).count() > 0  # the colour bar's title, as plotly draws it
        if size == "phone":
            assert not scrolls_sideways(page), "the map scrolls sideways on a phone"
        _screenshot(page, viewport, f"{size}-map")

        if size == "desktop":  # a click on a region with sub-regions draws them
            paths = page.locator("[data-testid=stPlotlyChart] path.choroplethlocation")
            # Each polygon carries its location (the region id) in the data d3 bound to it.
            locations = paths.evaluate_all("paths => paths.map(path => String(path.__data__ && path.__data__.loc))")
            region = paths.nth(locations.index(addresses["drillable"]))
            region.scroll_into_view_if_needed()
            box = region.bounding_box()
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            expect(page.get_by_text(DRILLED)).to_be_visible()
            wait_for_app(page)
            _no_exception(page)
            assert _map_polygons(page) > 0
            _screenshot(page, viewport, f"{size}-map-drilled")
            page.get_by_role("button", name="Back up").click()
            expect(page.get_by_text(DRILLED)).to_have_count(0)
            wait_for_app(page)
            assert _map_polygons(page) == top
    finally:
        context.close()
    outside = sorted({url for url in requested
                      if urlparse(url).scheme in ("http", "https", "ws", "wss")
                      and urlparse(url).hostname not in LOCAL_HOSTS})
    assert outside == [], f"requests left the machine: {outside}"


def test_a_categorical_map_shades_each_region_by_a_share(demo_app, browser, addresses):
    context, page = signed_in_page(browser, demo_app.url, LOGIN, PASSWORD, viewport=DESKTOP)
    try:
        _open(page, f"{demo_app.url}/{addresses['categorical']}", addresses["categorical_poll"])
        _choose_question(page, addresses["categorical_question"])
        expect(page.get_by_test_id("stSelectbox").filter(has_text="Shade by the share of")).to_be_visible()
        wait_for_app(page)
        _map_polygons(page)
        fills = _fills(page)
        # Every demo region answered: each is shaded by its share, none is grey.
        assert fills and _shades(page) == set(fills), fills
        assert page.get_by_text(re.compile(r"\(%\)$")).count() > 0  # the colour bar: "<category> (%)"
        _screenshot(page, DESKTOP, "desktop-map-categorical")
    finally:
        context.close()
