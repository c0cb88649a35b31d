"""An org's RapidPro token: stored encrypted, only ever sent to the host it was saved with, and
"Test connection" answering in a sentence whatever the host typed answers."""

from __future__ import annotations

import socket

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from tests import factories as f
from tests.conftest import TOKEN_KEY
from tests.http_host import recording_host
from tracpro.db.models import Org
from tracpro.db.token_cipher import decrypt_token
from tracpro.forms import FormErrors
from tracpro.orgs.connection import (
    check_connection,
    connection_to_test,
    host_problem,
    reencrypt_tokens,
    same_host,
)
from tracpro.orgs.settings import OrgSettings, save_settings

HOST, OTHER = "https://rapidpro.example.org", "https://elsewhere.example.net"
TOKEN = "0123456789abcdef0123456789abcdef01234567"
TOKEN_FOR_THIS_HOST = ("Type the API token for this host: the saved token is only ever sent to the host it was "
                       "saved with.")


def _settings(host: str, token: str | None) -> OrgSettings:
    return OrgSettings("UNICEF", "Africa/Kigali", "en", ("en",), host, token, "use_last")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Stored encrypted


def test_the_orgs_row_never_holds_the_token_itself(db):
    org = f.OrgFactory(rapidpro_host=HOST)
    save_settings(db, org.id, _settings(HOST, TOKEN))
    db.flush()
    row = db.execute(text("SELECT * FROM orgs WHERE id = :id"), {"id": org.id}).mappings().one()
    holding = [column for column, value in row.items() if isinstance(value, str) and TOKEN[4:-4] in value]
    assert holding == []
    db.expire_all()
    assert decrypt_token(db.get(Org, org.id).rapidpro_token_encrypted) == TOKEN


# Where the token may go when saving


def test_saving_another_host_without_typing_the_token_again_is_refused(db):
    org = f.OrgFactory(rapidpro_host=HOST, rapidpro_token=TOKEN)
    with pytest.raises(FormErrors) as refused:
        save_settings(db, org.id, _settings(OTHER, None))
    assert refused.value.errors == {"rapidpro_token": [TOKEN_FOR_THIS_HOST]}
    db.expire_all()
    assert db.get(Org, org.id).rapidpro_host == HOST


def test_another_host_is_saved_with_the_token_typed_for_it(db):
    org = f.OrgFactory(rapidpro_host=HOST, rapidpro_token=TOKEN)
    save_settings(db, org.id, _settings(f" {OTHER} ", "other-token"))
    db.expire_all()
    saved = db.get(Org, org.id)
    assert (saved.rapidpro_host, decrypt_token(saved.rapidpro_token_encrypted)) == (OTHER, "other-token")


def test_the_same_host_written_differently_keeps_the_token(db):
    org = f.OrgFactory(rapidpro_host=HOST, rapidpro_token=TOKEN)
    save_settings(db, org.id, _settings("HTTPS://RapidPro.Example.org/", None))
    db.expire_all()
    assert decrypt_token(db.get(Org, org.id).rapidpro_token_encrypted) == TOKEN


def test_emptying_the_host_drops_the_token(db):
    org = f.OrgFactory(rapidpro_host=HOST, rapidpro_token=TOKEN)
    save_settings(db, org.id, _settings("", None))
    db.expire_all()
    assert (db.get(Org, org.id).rapidpro_host, db.get(Org, org.id).rapidpro_token_encrypted) == ("", "")


@pytest.mark.parametrize("host", ["app.rapidpro.io", "ftp://rapidpro.example.org", "http://", "http://[::1",
                                  "http://rapidpro.example.org:99999", "http://rapid pro.example.org",
                                  "javascript:alert(1)", "https://rapidpro.example.org\x00"])
def test_what_is_not_an_http_address_is_no_host(host):
    assert host_problem(host) == "Enter a valid URL, such as https://app.rapidpro.io."


@pytest.mark.parametrize("host", [HOST, "http://127.0.0.1:8000", "https://[::1]:8443/rapidpro/"])
def test_http_addresses_are_hosts(host):
    assert host_problem(host) is None


def test_the_same_host_ignores_letter_case_and_a_trailing_slash_only():
    assert same_host(HOST, "HTTPS://RAPIDPRO.example.org/")
    assert not same_host(HOST, "http://rapidpro.example.org")
    assert not same_host(HOST, "https://rapidpro.example.org:8443")
    assert not same_host(HOST, "https://rapidpro.example.org.evil.example")
    assert not same_host(HOST, "https://rapidpro.example.org/other")


# What "Test connection" may use


@pytest.mark.parametrize(
    ("host", "token", "used"),
    [
        ("", None, (HOST, TOKEN)),  # nothing typed: the saved host with its token
        (f"{HOST}/", None, (HOST, TOKEN)),
        (OTHER, "typed-now", (OTHER, "typed-now")),
        (HOST, "typed-now", (HOST, "typed-now")),
    ],
)
def test_the_saved_token_is_tested_on_the_saved_host_and_a_typed_one_anywhere(db, host, token, used):
    org = f.OrgFactory(rapidpro_host=HOST, rapidpro_token=TOKEN)
    assert connection_to_test(db, org.id, host, token) == used


@pytest.mark.parametrize(
    ("saved_token", "host", "errors"),
    [
        (TOKEN, OTHER, {"rapidpro_token": [TOKEN_FOR_THIS_HOST]}),
        ("", OTHER, {"rapidpro_token": ["Type the API token to test the connection."]}),
        (TOKEN, "rapidpro.example.org", {"rapidpro_host": ["Enter a valid URL, such as https://app.rapidpro.io."]}),
    ],
)
def test_no_token_goes_to_another_host_than_its_own(db, saved_token, host, errors):
    org = f.OrgFactory(rapidpro_host=HOST, rapidpro_token=saved_token)
    with pytest.raises(FormErrors) as refused:
        connection_to_test(db, org.id, host, None)
    assert refused.value.errors == errors


def test_an_org_with_no_host_must_type_one(db):
    org = f.OrgFactory(rapidpro_host="", rapidpro_token="")
    with pytest.raises(FormErrors) as refused:
        connection_to_test(db, org.id, " ", "typed-now")
    assert refused.value.errors == {"rapidpro_host": ["Enter the RapidPro host first, such as https://app.rapidpro.io."]}


# What the test says, whatever the host answers


def test_a_rapidpro_that_takes_the_token_names_its_workspace():
    with recording_host(token=TOKEN) as rapidpro:
        assert check_connection(rapidpro.url, TOKEN) == (
            True, "Connected to the RapidPro workspace “Ministry of Health” (Africa/Kampala).")
        assert [seen.authorization for seen in rapidpro.seen] == [f"Token {TOKEN}"]


@pytest.mark.parametrize(
    ("status", "body", "content_type", "message"),
    [
        (403, '{"detail": "Invalid token"}', "application/json", "refused"),
        (401, '{"detail": "Invalid token."}', "application/json", "refused"),
        (404, "<html>Not Found</html>", "text/html", "not RapidPro"),
        (200, "<html><body>Welcome to nginx!</body></html>", "text/html", "not RapidPro"),
        (200, "[]", "application/json", "not RapidPro"),
        (200, '"workspace"', "application/json", "not RapidPro"),
        (200, "{}", "application/json", "not RapidPro"),
        (500, "<html>Internal Server Error</html>", "text/html", "error"),
    ],
)
def test_every_other_answer_is_one_sentence(status, body, content_type, message):
    with recording_host() as host:
        host.answer_with(status, body, content_type)
        connected, said = check_connection(host.url, TOKEN)
    expected = {
        "refused": "Not connected: RapidPro refused the API token. Copy it again from your workspace's API settings.",
        "not RapidPro": f"Not connected: {host.url} does not answer as RapidPro does. Check the address, such as "
                        "https://app.rapidpro.io.",
        "error": "Not connected: RapidPro answered with an error (HTTP 500).",
    }[message]
    assert (connected, said) == (False, expected)


def test_a_host_nobody_answers_at_says_so():
    assert check_connection(f"http://127.0.0.1:{_closed_port()}", TOKEN) == (
        False, "Not connected: RapidPro could not be reached (connection failed).")


# A new key


def test_rotation_encrypts_every_token_with_the_first_key(db, monkeypatch):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("TRACPRO_TOKEN_KEYS", f"{old},{TOKEN_KEY}")  # the tests' key: orgs other tests left
    orgs = [f.OrgFactory(rapidpro_token=token) for token in ("first-token", "second-token")]
    tokenless = f.OrgFactory(rapidpro_host="", rapidpro_token="")
    monkeypatch.setenv("TRACPRO_TOKEN_KEYS", f"{new},{old},{TOKEN_KEY}")
    assert reencrypt_tokens(db) >= 2
    monkeypatch.setenv("TRACPRO_TOKEN_KEYS", new)
    db.expire_all()
    assert [decrypt_token(db.get(Org, org.id).rapidpro_token_encrypted) for org in orgs] == [
        "first-token", "second-token"]
    assert db.get(Org, tokenless.id).rapidpro_token_encrypted == ""
