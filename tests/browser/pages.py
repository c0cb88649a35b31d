"""Driving a Streamlit page in Chromium: waiting for it, signing in, and the login cookie."""

from __future__ import annotations

from tracpro.auth.logins import COOKIE_NAME

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SIGN_IN_TITLE = "Sign in"  # the form's heading


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Until the connection is up and no script is running (reruns may follow each other)."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    for _ in range(3):
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
        page.wait_for_timeout(300)


def heading(page, text: str, timeout: float = 30_000):
    locator = page.get_by_role("heading", name=text, exact=True)
    locator.wait_for(timeout=timeout)
    return locator


def sign_in(page, login: str, password: str) -> None:
    heading(page, SIGN_IN_TITLE)
    page.get_by_role("textbox", name="Email").fill(login)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def signed_in_at_home(page, context) -> dict:
    """After sign_in: Home is shown, the browser holds the login cookie, and the rerun the cookie
    component asks for is over. Until then the first run's elements stay on the page beside the
    rerun's (Streamlit keeps stale elements until a run ends): a link can be there twice, and a
    click can land on one that is about to go."""
    heading(page, "Home")
    cookie = session_cookie(context)
    wait_for_app(page)
    return cookie


def session_cookie(context, timeout_ms: int = 10_000):
    """The login cookie once the browser holds it (a component writes it just after sign-in)."""
    page = context.pages[0]
    for _ in range(timeout_ms // 250):
        cookies = [cookie for cookie in context.cookies() if cookie["name"] == COOKIE_NAME]
        if cookies:
            return cookies[0]
        page.wait_for_timeout(250)
    raise AssertionError(f"no {COOKIE_NAME} cookie after {timeout_ms} ms")


def scrolls_sideways(page) -> bool:
    """Whether the page itself (not a table inside it) is wider than the screen."""
    return page.evaluate("""() => {
        const main = document.querySelector('[data-testid=stMain]');
        const root = document.documentElement;
        return root.scrollWidth > root.clientWidth + 1 || (main && main.scrollWidth > main.clientWidth + 1);
    }""")


def full_page_screenshot(page, viewport: dict, path) -> None:
    """The whole page: Streamlit scrolls inside its main area, so grow the window to the content first."""
    height = page.evaluate("""() => Math.max(...['stMain', 'stAppViewContainer', 'stMainBlockContainer']
        .map(id => document.querySelector(`[data-testid=${id}]`)).filter(Boolean).map(e => e.scrollHeight))""")
    page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], height + 20)})
    page.wait_for_timeout(600)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)
