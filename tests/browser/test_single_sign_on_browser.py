"""Single sign-on in a real Chromium: `streamlit run app.py` with Streamlit's `[auth]` secrets
naming a real OpenID Connect provider running on this machine (oidc-provider-mock), whose own
authorization form is clicked as a person would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from oidc_provider_mock import User, run_server_in_thread
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import (
    COOKIE_KEY,
    SUPERVISOR,
    ServedApp,
    committed_users,
    free_port,
    streamlit_app,
)
from tests.browser.pages import (
    DESKTOP,
    SIGN_IN_TITLE,
    heading,
    new_context,
    signed_in_at_home,
    wait_for_app,
    wait_until_drawn,
)
from tests.conftest import TOKEN_KEY
from tracpro.db.connection import make_engine
from tracpro.db.models import AuditEvent, AuditKind, LoginRecord
from tracpro.db.models import User as Account

pytestmark = pytest.mark.browser

BUTTON = "Sign in with Example ID"  # TRACPRO_SINGLE_SIGN_ON_LABEL
# The provider's people: its subject (the button on its form) and the claims it vouches for.
PEOPLE = [
    User(sub="sam", claims={"email": SUPERVISOR[0].upper(), "email_verified": True, "name": "Sam"}),
    User(sub="unverified", claims={"email": SUPERVISOR[0], "email_verified": False}),
    User(sub="stranger", claims={"email": "stranger@example.org", "email_verified": True}),
]


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with run_server_in_thread(user_claims=PEOPLE) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def sso_app(provider, database_server, tmp_path_factory) -> Iterator[ServedApp]:
    name = database_server.create_database("tracpro_sso")
    database_url = database_server.url(name)
    committed_users(database_url)
    port = free_port()
    secrets = tmp_path_factory.mktemp("sso-secrets") / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "browser-test-sso-cookie-secret-2f7c9e1a4b6d"\n'
        'client_id = "tracpro"\n'
        'client_secret = "tracpro-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    try:
        with streamlit_app(
            database_url, tmp_path_factory.mktemp("sso-streamlit"), tmp_path_factory.mktemp("sso-data"),
            port=port, options=["--secrets.files", str(secrets)],
            TRACPRO_COOKIE_KEY=COOKIE_KEY, TRACPRO_DEMO="0", TRACPRO_TOKEN_KEYS=TOKEN_KEY,
            TRACPRO_SINGLE_SIGN_ON_LABEL=BUTTON,
        ) as url:
            yield ServedApp(url, database_url)
    finally:
        database_server.drop_database(name)


def _through_the_provider(page, app: ServedApp, provider: str, subject: str) -> None:
    """From the sign-in page to the provider's form, and back with `subject` chosen there."""
    heading(page, SIGN_IN_TITLE)
    wait_for_app(page)
    page.get_by_role("button", name=BUTTON).click()
    page.wait_for_url(f"{provider}/**")
    page.get_by_role("button", name=subject, exact=True).click()  # the provider's "predefined users"
    page.wait_for_url(lambda url: urlsplit(url).netloc == urlsplit(app.url).netloc)


def _events(app: ServedApp, kind: AuditKind) -> list[AuditEvent]:
    engine = make_engine(app.database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(select(AuditEvent).where(AuditEvent.kind == kind)))
    finally:
        engine.dispose()


def _live_logins(app: ServedApp) -> int:
    engine = make_engine(app.database_url)
    try:
        with engine.connect() as connection:
            return len(connection.execute(
                select(LoginRecord.id).join(Account).where(Account.login == SUPERVISOR[0],
                                                           LoginRecord.revoked_at.is_(None))).all())
    finally:
        engine.dispose()


def test_a_person_signs_in_through_the_provider_and_out_again(sso_app, provider, browser, screenshots):
    context = new_context(browser, viewport=DESKTOP)
    page = context.new_page()
    page.goto(sso_app.url)
    heading(page, SIGN_IN_TITLE)
    wait_until_drawn(page)
    page.screenshot(path=str(screenshots / "sso-sign-in.png"), animations="disabled")
    _through_the_provider(page, sso_app, provider, "sam")
    signed_in_at_home(page, context)
    expect(page.get_by_text("Sam Supervisor", exact=False).first).to_be_visible()
    (event,) = [event for event in _events(sso_app, AuditKind.SIGNED_IN) if event.email == SUPERVISOR[0]]
    assert event.details == {"method": "single sign-on"}

    # A reload keeps the person in, through TracPro's own cookie.
    page.reload()
    heading(page, "Home")
    assert _live_logins(sso_app) == 1

    # Logging out ends the login and the provider's sign-in in this browser: the provider asks
    # to end its session, then the app shows the sign-in form, and a reload does not sign in again.
    wait_for_app(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{provider}/**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(lambda url: urlsplit(url).netloc == urlsplit(sso_app.url).netloc)
    heading(page, SIGN_IN_TITLE)
    page.reload()
    heading(page, SIGN_IN_TITLE)
    wait_for_app(page)
    assert _live_logins(sso_app) == 0
    assert not [cookie for cookie in context.cookies() if cookie["name"].startswith("_streamlit_user")]
    context.close()


@pytest.mark.parametrize(("subject", "says"), [
    ("unverified", re.compile("did not confirm your email address")),
    # The address is shown as text: a word joiner after "@" keeps Markdown from making it a link.
    ("stranger", re.compile("No TracPro account signs in with stranger@\u2060?example.org.")),
])
def test_an_identity_that_matches_no_account_is_told_why_and_signs_no_one_in(
        sso_app, provider, browser, subject, says):
    context = new_context(browser, viewport=DESKTOP)
    page = context.new_page()
    page.goto(sso_app.url)
    _through_the_provider(page, sso_app, provider, subject)
    heading(page, SIGN_IN_TITLE)
    expect(page.get_by_text(says)).to_be_visible()
    # The identity is spent: a reload shows the form again, without the refusal or a second event.
    failures = len(_events(sso_app, AuditKind.SIGN_IN_FAILED))
    page.reload()
    heading(page, SIGN_IN_TITLE)
    wait_for_app(page)
    expect(page.get_by_text(says)).to_have_count(0)
    assert len(_events(sso_app, AuditKind.SIGN_IN_FAILED)) == failures
    context.close()
