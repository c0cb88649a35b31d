"""A supervisor's tour of every dashboard page over the demo data, in real Chromium, at a laptop's
size (1280×800) and a phone's (390×844).

Every page is opened from its permalink. A page fails the tour when it shows an exception or
not its heading, when one of its charts draws nothing, when a word cloud image is missing or
empty, or (on the phone) when the whole page scrolls sideways. On the laptop the tour also
clicks a point of a chart (which must open that date with the same filters) and downloads the
responses. Screenshots of every page go to test-artifacts/tour/<size>/<page>.png.
"""

from __future__ import annotations

import codecs
import csv
import re
from contextlib import suppress
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.browser.pages import (
    DESKTOP,
    PHONE,
    SIGN_IN_TITLE,
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
from tracpro.auth.demo import SUPERVISORS
from tracpro.auth.scope import build_scope, user_region_ids
from tracpro.db.connection import make_engine
from tracpro.db.models import Membership, User
from tracpro.i18n import LANGUAGES, _, gettext_in, isolated, use_language
from tracpro.orgs.region_tree import region_options
from tracpro.queries.pollrun_summary import pollrun_summary
from tracpro.queries.pollruns import poll_dates, poll_list
from tracpro.queries.responses import COUNTED, SUPERSEDED, pollrun_responses
from tracpro.ui.links import page_url
from tracpro.ui.tables import day

pytestmark = pytest.mark.browser

TOUR = ROOT / "test-artifacts" / "tour"
LOGIN, PASSWORD, _name = SUPERVISORS[0]
POLL = "Water & Sanitation"  # the demo poll with a categorical, a numeric and an open question
FILTERS = {"date_range": "6-months"}  # not the default (90 days): the filters must travel with a click
POLLRUN_DAY: list = []  # the newest date of the poll, as the stops fixture found it


@dataclass(frozen=True)
class Stop:
    name: str  # the screenshot's file name
    address: str
    title: str
    charts: int = 0  # at least this many plotly charts, each drawing something
    clouds: int = 0  # exactly this many word clouds
    tables: int = 0  # at least this many tables


# Every other page a supervisor has, on every tour.
MORE_STOPS = [Stop("indicators", "indicators", "Recent indicators"), Stop("compare", "compare", "Compare regions"),
              Stop("inbox", "inbox", "Inbox"), Stop("messages", "messages", "Messages"),
              Stop("start-poll", "start_poll", "Start a poll"), Stop("add-contact", "contact_new", "Add a contact"),
              Stop("account", "account", "My account")]
TITLED = {"home", "polls", "activity", "contacts", *(stop.name for stop in MORE_STOPS)}  # headings that are titles
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?[+-]\d{2}:\d{2}")
_MONTH = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
# Dates written any other way than the app's one way per language ("Dec 04, 2026" in English):
# ISO days, "04 Dec 2026", "December 07, 2026", "Sep 7, 2026".
OTHER_DATES = re.compile(rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}} {_MONTH}[a-z]* \d{{4}}\b"
                         rf"|\b{_MONTH}[a-z]{{2,}} \d{{1,2}}, \d{{4}}\b|\b{_MONTH} \d, \d{{4}}\b")
ENGLISH_DAY = re.compile(rf"\b{_MONTH} \d{{2}}, \d{{4}}\b")


def _membership(session: Session) -> Membership:
    """The touring supervisor's membership of the demo org."""
    user = session.scalars(select(User).where(User.login == LOGIN)).one()
    return session.scalars(select(Membership).where(Membership.user_id == user.id)).one()


def _supervisor_scope(session: Session):
    """What the touring supervisor may see, as the pages build it."""
    membership = _membership(session)
    return build_scope(session, org_id=membership.org_id, role=membership.role,
                       given_region_ids=[region.id for region in membership.regions], selected_region_id=None)


@pytest.fixture(scope="module")
def stops(demo_app) -> list[Stop]:
    """The tour's stops, chosen as the supervisor would find them: the poll, its newest date, and a
    contact who answered on that date (all read through the same read models as the pages)."""
    engine = make_engine(demo_app.database_url)
    try:
        with Session(engine) as session:
            scope = _supervisor_scope(session)
            polls = poll_list(session, scope)
            poll_id = int(polls.loc[polls["poll"] == POLL, "poll_id"].iloc[0])
            newest = poll_dates(session, scope, poll_id).iloc[0]
            pollrun_id = int(newest.pollrun_id)
            questions = pollrun_summary(session, scope, pollrun_id)
            contact = pollrun_responses(session, scope, pollrun_id).iloc[0]
    finally:
        engine.dispose()
    pollrun = f"{POLL} ({day(newest.day)})"
    POLLRUN_DAY[:] = [newest.day]
    open_questions = sum(question.kind == "open" for question in questions)
    charted = sum(question.kind == "bar" for question in questions)
    return [
        Stop("home", "", "Home", charts=2, tables=1),
        Stop("polls", "polls", "Polls", tables=1),
        Stop("poll-charts", page_url("poll", poll=poll_id, **FILTERS), POLL, charts=2, clouds=1),
        Stop("poll-dates", page_url("poll", poll=poll_id, tab="dates"), POLL, tables=1),
        Stop("poll-map", page_url("poll", poll=poll_id, tab="map"), POLL, charts=1, tables=1),
        Stop(
            "pollrun-summary", page_url("pollrun", pollrun=pollrun_id), pollrun, charts=charted, clouds=open_questions
        ),
        Stop("pollrun-participation", page_url("pollrun", pollrun=pollrun_id, tab="participation"), pollrun, tables=1),
        Stop("pollrun-responses", page_url("pollrun", pollrun=pollrun_id, tab="responses"), pollrun, tables=1),
        Stop("activity", "activity", "Activity", charts=4, tables=2),
        Stop("contacts", "contacts", "Contacts", tables=1),
        Stop("contact", page_url("contact", contact=int(contact.contact_id)), contact.Contact, tables=2),
    ]


# Drawn: some trace, and in it a shape with a real outline (bars, areas and slices are paths).
PAINTED = """element => [...element.querySelectorAll('g.trace path, g.slice path')]
    .some(path => (path.getAttribute('d') || '').length > 10)"""


def _drawn_charts(page, at_least: int) -> int:
    """Waits until every chart has drawn its traces; the number of charts that did."""
    charts = page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot")
    if at_least:
        page.wait_for_function(
            "n => document.querySelectorAll('[data-testid=stPlotlyChart] .js-plotly-plot').length >= n", arg=at_least)
    drawn = 0
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        try:  # plotly draws a moment after the chart is on the page
            page.wait_for_function(PAINTED, arg=chart.element_handle())
        except PlaywrightError as error:
            raise AssertionError(f"chart {index + 1} of {charts.count()} draws nothing") from error
        drawn += 1
    return drawn


def _word_clouds(page) -> int:
    images = page.locator("[data-testid='stImage'] img")
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function("image => image.complete", arg=image.element_handle())
        width = image.evaluate("image => image.naturalWidth")
        assert width > 0, f"word cloud {index + 1} has no picture"
    return images.count()


def _visit(page, url: str, stop: Stop, viewport: dict, size: str) -> None:
    page.goto(f"{url}/{stop.address}")
    heading(page, stop.title)
    wait_for_app(page)
    try:
        assert page.get_by_test_id("stException").count() == 0, page.get_by_test_id("stException").first.inner_text()
        assert _drawn_charts(page, stop.charts) >= stop.charts, stop.name
        # Idle is not always final: a rerun can start right after (a chart or a tab reporting its
        # state), and between its end and its elements being drawn a page briefly lacks some.
        _wait_for_at_least(page, "[data-testid='stImage'] img", stop.clouds)
        _wait_for_at_least(page, "[data-testid='stDataFrame']", stop.tables)
        assert _word_clouds(page) == stop.clouds, stop.name
        tables = page.get_by_test_id("stDataFrame").count()
        assert tables >= stop.tables, f"{stop.name}: {tables} tables at {page.url}, {_open_tab(page)} open"
        if size == "phone":
            assert not scrolls_sideways(page), f"{stop.name} scrolls sideways on a phone"
        _one_date_format(page, stop, size.split("-")[0] if "-" in size else "en")
    except AssertionError:
        page.screenshot(path=TOUR / size / f"{stop.name}-failed.png", full_page=True)
        raise
    full_page_screenshot(page, viewport, TOUR / size / f"{stop.name}.png")


def _one_date_format(page, stop: Stop, language: str) -> None:
    """Every date the page writes (its text and its charts' labels) is in the one format of its
    language: no ISO day, no other English style, and no English day at all in another language."""
    # The text people read, charts' labels included; not the tables' copy for screen readers, which
    # holds each cell's value as data (the canvas shows its words: tests/pages/test_table_links.py).
    shown = page.evaluate("""() => {
        const main = document.querySelector("[data-testid='stMain']").cloneNode(true);
        main.querySelectorAll("[data-testid='stDataFrame']").forEach(table => table.remove());
        return main.textContent;
    }""")
    other = OTHER_DATES.search(shown)
    assert other is None, f"{stop.name}: a date written another way: {other[0]!r}"
    if language != "en":
        english = ENGLISH_DAY.search(shown)
        assert english is None, f"{stop.name} in {language}: an English date {english[0]!r}"


def _wait_for_at_least(page, selector: str, count: int) -> None:
    """Until the page has `count` elements matching `selector` (within the browser tests' limit)."""
    if count:
        with suppress(PlaywrightError):  # the assertion that follows says what is missing
            page.wait_for_function("([s, n]) => document.querySelectorAll(s).length >= n", arg=[selector, count])


def _open_tab(page) -> str:
    """The tab shown as chosen, for a failure's message."""
    chosen = page.locator("[role=tab][aria-selected=true]")
    return repr(chosen.first.inner_text()) if chosen.count() else "no tab"


def _click_a_point_then_download(page, url: str, stop: Stop) -> None:
    """A chart's point opens its date with the same filters; the Responses tab's CSV downloads."""
    page.goto(f"{url}/{stop.address}")
    heading(page, stop.title)
    wait_for_app(page)
    # A point in the middle: the last one sits under the chart's toolbar, which hovering shows.
    points = page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot").first.locator(".points path")
    expect(points.first).to_be_attached()  # plotly has drawn them
    point = points.nth(points.count() // 2)
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    # Streamlit changes pages in place (history.pushState): no load event to wait for.
    page.wait_for_function("() => location.pathname.endsWith('/pollrun')")
    expect(page.get_by_role("heading", name=re.compile(rf"^{re.escape(POLL)} \(.+\)$"))).to_be_visible()
    wait_for_app(page)
    query = parse_qs(urlparse(page.url).query)
    assert query["date_range"] == ["6-months"] and query["pollrun"][0].isdigit()
    page.get_by_role("tab", name="Responses").click()
    page.wait_for_function("() => location.search.includes('tab=responses')")  # the address follows the tab
    wait_for_app(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    assert download.value.suggested_filename.startswith("responses-water-sanitation-")
    assert download.value.path().read_bytes().startswith(codecs.BOM_UTF8)  # Excel reads it as UTF-8
    with open(download.value.path(), encoding="utf-8-sig", newline="") as downloaded:
        header, *rows = list(csv.reader(downloaded))
    assert header[:6] == ["Date", "Name", "URN", "Region", "Reporter groups", "Counted"]
    # Each question's raw answer is followed by its category; moments carry the org's offset.
    categories = [column for column in header if column.endswith(" (category)")]
    assert categories and all(header[header.index(column) - 1] == column.removesuffix(" (category)")
                              for column in categories)
    assert rows and all(ISO_MOMENT.fullmatch(row[0]) for row in rows), rows[0][0]
    assert {row[5] for row in rows} <= {COUNTED, SUPERSEDED} and COUNTED in {row[5] for row in rows}


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_a_supervisor_tours_every_page(demo_app, browser, stops, size, viewport):
    phone = {"is_mobile": True, "has_touch": True} if size == "phone" else {}
    context = new_context(browser, viewport=viewport, accept_downloads=True, **phone)
    page = context.new_page()
    try:
        page.goto(demo_app.url)
        sign_in(page, LOGIN, PASSWORD)
        signed_in_at_home(page, context)  # permalinks open new sessions, signed in from this cookie
        for stop in [*stops, *MORE_STOPS]:
            _visit(page, demo_app.url, stop, viewport, size)
        if size == "desktop":
            _click_a_point_then_download(page, demo_app.url, stops[2])
    finally:
        context.close()


def _choose_language(page, code: str) -> None:
    """On My account, as the supervisor would: the Language box, their language, Save."""
    page.goto(page.url.split("?")[0].rsplit("/", 1)[0] + "/account")
    heading(page, "My account")
    wait_for_app(page)
    choose_option(page, page.get_by_test_id("stSelectbox").filter(has_text="Language"), LANGUAGES[code], exact=True)
    page.get_by_role("button", name="Save language").click()
    heading(page, gettext_in(code, "My account"))
    wait_for_app(page)


def _heading_in(code: str, stop: Stop) -> str:
    """The heading `stop` shows in `code`: a page's title translated; a poll date's, its date
    written that language's way; a poll's or a contact's name, as it is."""
    use_language(code)
    try:
        if stop.name in TITLED:
            return _(stop.title)
        if stop.name.startswith("pollrun"):
            return f"{isolated(POLL)} ({day(POLLRUN_DAY[0])})"
        return stop.title
    finally:
        use_language("en")


@pytest.mark.parametrize(("code", "size", "viewport"), [("fr", "phone", PHONE), ("ar", "desktop", DESKTOP),
                                                        ("ar", "phone", PHONE)])
def test_the_tour_in_french_and_arabic(demo_app, browser, stops, code, size, viewport):
    """The same tour after the supervisor chose French or Arabic: every heading in that language,
    Arabic from right to left, nothing scrolling sideways."""
    phone = {"is_mobile": True, "has_touch": True} if size == "phone" else {}
    # The browser's language: the sign-in page speaks it before anyone is known.
    context = new_context(browser, viewport=viewport, locale=code, **phone)
    page = context.new_page()
    try:
        page.goto(demo_app.url)
        heading(page, gettext_in(code, SIGN_IN_TITLE))
        wait_for_app(page)
        page.get_by_role("textbox", name=gettext_in(code, "Email")).fill(LOGIN)
        page.get_by_role("textbox", name=gettext_in(code, "Password")).fill(PASSWORD)
        page.get_by_role("button", name=gettext_in(code, "Sign in")).click()
        signed_in_at_home(page, context)  # the org's language (English) until they choose their own
        _choose_language(page, code)
        direction = page.evaluate("() => getComputedStyle(document.querySelector('[data-testid=stMain]')).direction")
        assert direction == ("rtl" if code == "ar" else "ltr")
        translated = [replace(stop, title=_heading_in(code, stop)) for stop in [*stops, *MORE_STOPS]]
        for stop in translated:
            _visit(page, demo_app.url, stop, viewport, f"{code}-{size}")
        # The last page's title: its words start at the right edge in Arabic, at the left otherwise.
        title = heading(page, translated[-1].title)  # waited for: a rerun may be redrawing it
        right_gap, left_gap = title.evaluate("""heading => {
            const words = document.createRange();
            words.selectNodeContents(heading);
            const text = words.getBoundingClientRect(), box = heading.getBoundingClientRect();
            return [box.right - text.right, text.left - box.left];
        }""")
        assert (right_gap < left_gap) == (code == "ar"), (right_gap, left_gap)
    finally:
        engine = make_engine(demo_app.database_url)
        with Session(engine) as session:  # back to the org's language
            session.execute(update(User).where(User.login == LOGIN).values(language=None))
            session.commit()
        engine.dispose()
        context.close()


def test_the_region_chosen_in_the_sidebar_stays_after_a_reload(demo_app, browser):
    """The sidebar's region goes into the address, so a reload (a new session) opens there too."""
    engine = make_engine(demo_app.database_url)
    try:
        with Session(engine) as session:
            membership = _membership(session)
            visible = user_region_ids(session, membership.org_id, membership.role,
                                      [region.id for region in membership.regions])
            options = region_options(session, membership.org_id, visible)
    finally:
        engine.dispose()
    below = next(option for option in options if option.depth == 1)  # a sub-region of their own
    context = new_context(browser, viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(demo_app.url)
        sign_in(page, LOGIN, PASSWORD)
        signed_in_at_home(page, context)
        sidebar = page.get_by_test_id("stSidebar")
        choose_option(page, sidebar.get_by_test_id("stSelectbox").filter(has_text="Region"), below.name)
        page.wait_for_function(f"() => location.search.includes('region={below.id}')")
        wait_for_app(page)
        page.reload()
        heading(page, "Home")
        expect(page.get_by_text(f"Showing data from {below.name}")).to_be_visible()
        wait_for_app(page)
        assert f"region={below.id}" in page.url
        full_page_screenshot(page, DESKTOP, TOUR / "desktop" / "home-after-reload-in-a-sub-region.png")
    finally:
        context.close()


def test_every_poll_opens_on_data(demo_app, browser):
    """A poll's first view (no filter chosen) shows its results: no "No poll dates in this period"
    and at least one chart that draws something, for every poll the supervisor has."""
    engine = make_engine(demo_app.database_url)
    try:
        with Session(engine) as session:
            polls = poll_list(session, _supervisor_scope(session))
    finally:
        engine.dispose()
    assert len(polls) >= 4
    context, page = signed_in_page(browser, demo_app.url, LOGIN, PASSWORD, viewport=DESKTOP)
    try:
        for poll_id, name in zip(polls["poll_id"], polls["poll"], strict=True):
            page.goto(f"{demo_app.url}/{page_url('poll', poll=int(poll_id))}")
            heading(page, name)
            wait_for_app(page)
            assert page.get_by_text("No poll dates in this period").count() == 0, name
            assert _drawn_charts(page, 1) >= 1, name
    finally:
        context.close()
