"""The Organization page's RapidPro connection as an administrator uses it: "Test connection" sends
the saved token to the saved host only, another host needs its token typed, and whatever a host
answers the page says it in a sentence (never a traceback)."""

from __future__ import annotations

import socket

import pytest
from cryptography.fernet import Fernet

from tests import factories as f
from tests.http_host import recording_host
from tests.pages.app import errors, shown_text, signed_in, texts
from tracpro.db.models import Org, Role
from tracpro.db.token_cipher import decrypt_token

ADMIN = "richard@example.org"
TOKEN = "0123456789abcdef0123456789abcdef3f2a"
ORGANIZATION = "pages/organization.py"
TOKEN_FOR_THIS_HOST = ("**RapidPro API token**: Type the API token for this host: the saved token is only ever sent "
                       "to the host it was saved with.")


@pytest.fixture
def rapidpro():
    """The org's RapidPro: answers its workspace to the org's token, 403 to any other."""
    with recording_host(token=TOKEN) as host:
        yield host


@pytest.fixture
def another_host():
    with recording_host() as host:
        yield host


@pytest.fixture
def org(db, rapidpro):
    org = f.OrgFactory(name="Ministry of Health", rapidpro_host=rapidpro.url, rapidpro_token=TOKEN)
    f.MembershipFactory(org=org, role=Role.ADMIN, user__login=ADMIN, user__name="Richard")
    db.flush()
    return org


def _open():
    app = signed_in(ADMIN)
    app.switch_page(ORGANIZATION).run()
    assert not app.exception, app.exception
    return app


def _test_connection(app, host: str | None = None, token: str | None = None):
    if host is not None:
        app.text_input(key="org_settings.rapidpro_host").input(host)
    if token is not None:
        app.text_input(key="org_settings.rapidpro_token").input(token)
    app.button(key="org_settings.test").click().run()
    assert not app.exception, app.exception
    return app


def test_testing_another_host_with_the_token_field_empty_sends_it_nothing(org, rapidpro, another_host):
    app = _test_connection(_open(), host=another_host.url)
    assert another_host.seen == [] and rapidpro.seen == []
    assert errors(app) == [TOKEN_FOR_THIS_HOST]


def test_testing_the_saved_host_sends_the_saved_token_there(org, rapidpro):
    app = _test_connection(_open())
    assert texts(app.success) == ["Connected to the RapidPro workspace “Ministry of Health” (Africa/Kampala)."]
    assert [seen.authorization for seen in rapidpro.seen] == [f"Token {TOKEN}"]


def test_another_host_sees_only_the_token_typed_for_it(org, rapidpro, another_host):
    _test_connection(_open(), host=another_host.url, token="typed-for-this-host")
    assert [seen.authorization for seen in another_host.seen] == ["Token typed-for-this-host"]
    assert rapidpro.seen == []


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((200, "[]"), "Not connected: {url} does not answer as RapidPro does. Check the address, such as "
                      "https://app.rapidpro.io."),
        ((200, "<html>Welcome to nginx!</html>", "text/html"), "Not connected: {url} does not answer as RapidPro "
                                                               "does. Check the address, such as https://app.rapidpro.io."),
        ((401, '{"detail": "Invalid token."}'), "Not connected: RapidPro refused the API token. Copy it again from "
                                                "your workspace's API settings."),
    ],
)
def test_a_host_that_is_not_rapidpro_gets_a_sentence(org, another_host, answer, message):
    another_host.answer_with(*answer)
    app = _test_connection(_open(), host=another_host.url, token="typed-for-this-host")
    assert errors(app) == [message.format(url=another_host.url)]


@pytest.mark.parametrize(
    ("host", "message"),
    [
        ("http://[::1", "**RapidPro host**: Enter a valid URL, such as https://app.rapidpro.io."),
        ("javascript:alert(1)", "**RapidPro host**: Enter a valid URL, such as https://app.rapidpro.io."),
        ("closed", "Not connected: RapidPro could not be reached (connection failed)."),
    ],
)
def test_a_host_that_is_no_address_or_does_not_answer_gets_a_sentence(org, host, message):
    host = f"http://127.0.0.1:{_closed_port()}" if host == "closed" else host
    app = _test_connection(_open(), host=host, token="typed-for-this-host")
    assert errors(app) == [message]


def test_saving_another_host_needs_its_token_and_changes_nothing_without_it(db, org, rapidpro, another_host):
    app = _open()
    app.text_input(key="org_settings.rapidpro_host").input(another_host.url)
    app.text_input(key="org_settings.name").input("Not saved")
    app.button(key="org_settings.submit").click().run()
    assert not app.exception, app.exception
    assert errors(app) == [TOKEN_FOR_THIS_HOST]
    db.expire_all()
    assert (db.get(Org, org.id).name, db.get(Org, org.id).rapidpro_host) == ("Ministry of Health", rapidpro.url)

    app.text_input(key="org_settings.rapidpro_token").input("typed-for-this-host")
    app.button(key="org_settings.submit").click().run()
    assert errors(app) == []
    db.expire_all()
    saved = db.get(Org, org.id)
    assert (saved.rapidpro_host, decrypt_token(saved.rapidpro_token_encrypted)) == (another_host.url,
                                                                                     "typed-for-this-host")
    assert another_host.seen == [] and rapidpro.seen == []  # saving sends nothing anywhere


def test_a_token_this_server_cannot_decrypt_is_said_and_a_new_one_replaces_it(db, org, monkeypatch):
    monkeypatch.setenv("TRACPRO_TOKEN_KEYS", Fernet.generate_key().decode())  # not the key it was encrypted with
    app = _open()
    assert "Current token: ••••••••" in shown_text(app)
    assert [warning.startswith("TracPro cannot store or read RapidPro tokens: A stored RapidPro token cannot be "
                               "decrypted") for warning in texts(app.warning)] == [True]
    app.text_input(key="org_settings.rapidpro_token").input("fedcba9876543210fedcba98765409zz")
    app.button(key="org_settings.submit").click().run()
    assert errors(app) == [] and texts(app.warning) == []
    assert "Current token: ••••••••09zz" in shown_text(app)
