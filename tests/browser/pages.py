"""Driving a Streamlit page in Chromium: waiting for it, signing in, and the login cookie.

Nothing here waits a fixed time. Each wait is for a state of the page (Streamlit's own marks on
its `stApp` element, an element, the cookie, the address) and has one generous limit, TIMEOUT_MS:
on a busy machine the tests only get slower, and a limit is reached only when the state never comes.
"""

from __future__ import annotations

import time

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tracpro.auth.logins import COOKIE_NAME
from tracpro.ui.login_cookie import COOKIE_SET

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SIGN_IN_TITLE = "Sign in"  # the form's heading
TIMEOUT_MS = 120_000  # for any one state to come; a loaded 2-core machine takes tens of seconds for some
CLICK_SHOWS_MS = 15_000  # for what a click brings (a list, a notice); not there by then, the click is made again
expect.set_options(timeout=TIMEOUT_MS)

# Installed in every page before Streamlit's own scripts. A custom component (here, the cookie
# manager) reports its value to the app in a message, and the app then asks the server for a rerun;
# until that rerun has started, Streamlit's marks still say "not running". So the page records
# which component frames have reported, and whether a value has come since the last run started.
# A run's start is seen in the message Streamlit posts to its host (here, its own window) when a
# run sets the page's title, as app.py does first thing on every run; or in its marks: the script
# state turning to "running", elements of the last run turning stale.
RUN_TRACKER = """(() => {
  if (window.top !== window) return;
  const reported = new WeakSet();
  let valueWaiting = false;
  const onPage = source => [...document.querySelectorAll('iframe')].some(frame => frame.contentWindow === source);
  addEventListener('message', event => {
    const type = event.data && event.data.type;
    if (type === 'streamlit:setComponentValue') {
      reported.add(event.source);
      // A frame already taken off the page (its run replaced it) reports to nobody: Streamlit
      // drops its value, and no rerun comes for it.
      if (onPage(event.source)) valueWaiting = true;
    } else if (type === 'SET_PAGE_TITLE' && event.source === window) {
      valueWaiting = false;
    }
  });
  new MutationObserver(records => {
    for (const record of records) {
      const value = record.target.getAttribute(record.attributeName);
      if (value === (record.attributeName === 'data-stale' ? 'true' : 'running')) valueWaiting = false;
    }
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state', 'data-stale']});
  // What still keeps the app from being idle, in words; nothing once it is.
  window.tracproBusy = () => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app) return 'no app yet';
    if (app.dataset.testConnectionState !== 'CONNECTED') return 'connection ' + app.dataset.testConnectionState;
    if (app.dataset.testScriptState !== 'notRunning') return 'script ' + app.dataset.testScriptState;
    if (valueWaiting) return 'a component value waits for its rerun';
    const stale = document.querySelectorAll("[data-stale='true']").length;
    if (stale) return stale + ' stale elements';
    const silent = [...document.querySelectorAll("iframe[data-testid='stCustomComponentV1']")]
      .filter(frame => !reported.has(frame.contentWindow)).length;
    return silent ? silent + ' components not yet reported' : '';
  };
  window.tracproSettled = () => !window.tracproBusy();
})();"""

# Two animation frames in a row with the same layout, pictures loaded and tables painted: what a
# person would call drawn. The layout is that of every element, chart and canvas of the page.
DRAWN = """() => {
  const box = element => { const r = element.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; };
  const charts = [...document.querySelectorAll('svg.main-svg, canvas')]
    .map(element => [element.getAttribute('width'), element.getAttribute('height')]);
  const layout = JSON.stringify([document.documentElement.scrollWidth, document.documentElement.scrollHeight,
    [...document.querySelectorAll("[data-testid='stElementContainer']")].map(box), charts]);
  const same = layout === window.tracproLastLayout;
  window.tracproLastLayout = layout;
  const pictures = [...document.images].every(image => image.complete
    || image.getBoundingClientRect().top > innerHeight);  // below the window: the browser may load it later
  const painted = canvas => {
    const context = canvas.getContext('2d');
    if (!context || !canvas.width || !canvas.height) return false;
    const pixels = context.getImageData(0, 0, canvas.width, Math.min(canvas.height, 80)).data;
    for (let i = 4; i < pixels.length; i += 4) {
      if (pixels[i] !== pixels[0] || pixels[i + 1] !== pixels[1] || pixels[i + 2] !== pixels[2]) return true;
    }
    return false;
  };
  const tables = [...document.querySelectorAll("[data-testid='stDataFrame'] canvas[data-testid='data-grid-canvas']")]
    .every(painted);
  return same && pictures && tables && window.tracproSettled();
}"""


def new_context(browser, **options):
    """A browser context whose pages can be waited on (RUN_TRACKER) and wait up to TIMEOUT_MS."""
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    context.add_init_script(script=RUN_TRACKER)
    return context


def wait_for_app(page) -> None:
    """Until the app is connected and idle: no script running, no rerun asked for and not yet
    started, no component yet to report, nothing left over from an earlier run.

    After an action, first wait for something the action brings (a heading, a text, the address):
    right after a click the app may not have asked for its rerun yet, and looks idle."""
    try:
        page.wait_for_function("() => window.tracproSettled()")
    except PlaywrightTimeoutError as error:
        raise AssertionError(f"the app is still busy: {page.evaluate('window.tracproBusy()')}") from error


def wait_until_drawn(page) -> None:
    """Until the app is idle and the page drawn (see DRAWN): before a screenshot, after a resize."""
    page.evaluate("() => { window.tracproLastLayout = null; }")  # two frames from now on, not one from before
    page.wait_for_function(DRAWN)


def click_until(page, target, shown, what: str) -> None:
    """Click `target` until `shown` is visible. A click can land while a rerun the app was not yet
    known to want (a component's report) replaces the element or interrupts the run the click
    started, and then the click is lost: it is made again, once the app is idle, until `shown`
    comes (within TIMEOUT_MS). Only for clicks that can safely be made twice."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        wait_for_app(page)
        target.click()
        try:
            expect(shown).to_be_visible(timeout=CLICK_SHOWS_MS)
            return
        except AssertionError:
            assert time.monotonic() < deadline, f"{what} never showed"


def choose_option(page, selectbox, option: str, *, exact: bool = False) -> None:
    """Open `selectbox` and click `option` in its list (the box clicked again if no list opened)."""
    choice = page.get_by_role("option", name=option, exact=exact)
    click_until(page, selectbox, choice, f"the list of {option!r}")
    choice.click()


def heading(page, text: str):
    """The page's one heading `text`, once shown. Until a run is over, the heading the run before
    drew may still be on the page beside the new one (Streamlit removes what a run did not draw
    again when the run ends), so the wait is for one visible copy, then for it to be the only one."""
    locator = page.get_by_role("heading", name=text, exact=True)
    expect(locator.first).to_be_visible()
    expect(locator).to_have_count(1)
    return locator


def sign_in(page, login: str, password: str) -> None:
    """Fill in the form and send it, once the page is idle: a click while a component's rerun is
    under way can be lost."""
    heading(page, SIGN_IN_TITLE)
    wait_for_app(page)
    page.get_by_role("textbox", name="Email").fill(login)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def signed_in_at_home(page, context) -> dict:
    """After sign_in: Home is shown, the browser holds the login cookie, and the rerun the cookie
    component asks for is over. Until then the first run's elements stay on the page beside the
    rerun's (Streamlit keeps stale elements until a run ends): a link can be there twice, and a
    click can land on one that is about to go. The component is gone once that rerun is over."""
    heading(page, "Home")
    cookie = session_cookie(page, context)
    expect(page.locator(f".st-key-{COOKIE_SET}")).to_have_count(0)
    wait_for_app(page)
    return cookie


def signed_in_page(browser, url: str, login: str, password: str, **options):
    """A new context (new_context's `options`) and its page, signed in at `url` and back at Home
    with the cookie held: (context, page). The caller closes the context."""
    context = new_context(browser, **options)
    page = context.new_page()
    page.goto(url)
    sign_in(page, login, password)
    signed_in_at_home(page, context)
    return context, page


def session_cookie(page, context) -> dict:
    """The login cookie once the browser holds it (a component writes it just after sign-in)."""
    page.wait_for_function("name => document.cookie.split('; ').some(cookie => cookie.startsWith(name + '='))",
                           arg=COOKIE_NAME)
    (cookie,) = [cookie for cookie in context.cookies() if cookie["name"] == COOKIE_NAME]
    return cookie


def scrolls_sideways(page) -> bool:
    """Whether the page itself (not a table inside it) is wider than the screen."""
    return page.evaluate("""() => {
        const main = document.querySelector('[data-testid=stMain]');
        const root = document.documentElement;
        return root.scrollWidth > root.clientWidth + 1 || (main && main.scrollWidth > main.clientWidth + 1);
    }""")


def resize(page, viewport: dict) -> None:
    """The window at `viewport`'s size, once the page has been laid out and drawn again at it."""
    page.set_viewport_size(viewport)
    wait_until_drawn(page)


def full_page_screenshot(page, viewport: dict, path) -> None:
    """The whole page: Streamlit scrolls inside its main area, so grow the window to the content first."""
    wait_until_drawn(page)
    height = page.evaluate("""() => Math.max(...['stMain', 'stAppViewContainer', 'stMainBlockContainer']
        .map(id => document.querySelector(`[data-testid=${id}]`)).filter(Boolean).map(e => e.scrollHeight))""")
    resize(page, {"width": viewport["width"], "height": max(viewport["height"], height + 20)})
    path.parent.mkdir(parents=True, exist_ok=True)
    # Transitions (a stale element fading, the sidebar sliding) shown at their end, not half-way.
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    resize(page, viewport)
