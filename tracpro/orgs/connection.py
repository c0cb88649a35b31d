"""An org's RapidPro connection: its API token, kept encrypted, and where that token may go.

A token is a credential for the host it was saved with and is only ever sent there. "Test
connection" uses the saved token with the saved host, or a token typed now with whatever host
was typed; saving another host needs the token typed again, and emptying the host drops the
token. The token itself is never shown back: pages get it masked (tracpro.orgs.choices).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracpro.db.models import Org
from tracpro.db.token_cipher import SETTING, TokenKeyError, decrypt_token, encrypt_token, reencrypt_token
from tracpro.forms import FormErrors, text_problem
from tracpro.i18n import N_, _
from tracpro.rapidpro import MissingInRapidPro, RapidPro, RapidProError, RetryPolicy, TokenRejected

log = logging.getLogger(__name__)

# Marked here, translated where shown.
BAD_HOST = N_("Enter a valid URL, such as https://app.rapidpro.io.")
TOKEN_FOR_THIS_HOST = N_("Type the API token for this host: the saved token is only ever sent to the host "
                         "it was saved with.")
TEST_TIMEOUT_SECONDS = 15


def host_problem(host: str) -> str | None:
    """Why `host` cannot be a RapidPro host (an http or https address with a server name), or None."""
    if text_problem(host) or any(character.isspace() for character in host):
        return _(BAD_HOST)
    try:
        parts = urlsplit(host)
        hostname, _port = parts.hostname, parts.port  # reading the port checks it is a number in range
    except ValueError:  # an unclosed IPv6 bracket, a port out of range
        return _(BAD_HOST)
    if parts.scheme.lower() not in ("http", "https") or not hostname:
        return _(BAD_HOST)
    return None


def same_host(first: str, second: str) -> bool:
    """Whether two host settings name the same RapidPro: the same address, but for letter case in
    the scheme and server name and a trailing slash."""

    def canonical(host: str) -> tuple[str, str, str, str]:
        try:
            parts = urlsplit(host.strip())
        except ValueError:
            return ("", host.strip(), "", "")
        return parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), parts.query

    return canonical(first) == canonical(second)


def cannot_store_tokens(error: TokenKeyError) -> str:
    """The sentence an administrator reads when the server has no usable key for tokens."""
    return _("TracPro cannot store or read RapidPro tokens: {problem}").format(problem=error)


def encrypted_token(token: str) -> str:
    """What the org row keeps for a token just typed; raises FormErrors (on the token) without a usable key."""
    try:
        return encrypt_token(token.strip())
    except TokenKeyError as error:
        raise FormErrors({"rapidpro_token": cannot_store_tokens(error)}) from error


def token_needed(org: Org, host: str, token: str | None) -> bool:
    """Whether saving `host` for `org` needs a token typed with it (`token` None: none typed): a token
    is saved and the host changes to another, where that token must not follow."""
    changed = bool(host) and not same_host(host, org.rapidpro_host)
    return token is None and changed and bool(org.rapidpro_token_encrypted)


def connection_to_test(session: Session, org_id: int, host: str | None, token: str | None) -> tuple[str, str]:
    """The host and token "Test connection" uses for what was typed (an empty host: the saved one;
    `token` None: none typed). Raises FormErrors, having sent nothing anywhere, when the host is
    not an address, when no token was typed for another host than the saved one, or when there is
    no token at all."""
    org = session.get_one(Org, org_id)
    host = (host or "").strip() or org.rapidpro_host
    if not host:
        raise FormErrors({"rapidpro_host": _("Enter the RapidPro host first, such as https://app.rapidpro.io.")})
    if problem := host_problem(host):
        raise FormErrors({"rapidpro_host": problem})
    if token:
        return host, token.strip()
    if not org.rapidpro_token_encrypted:
        raise FormErrors({"rapidpro_token": _("Type the API token to test the connection.")})
    if not same_host(host, org.rapidpro_host):
        raise FormErrors({"rapidpro_token": _(TOKEN_FOR_THIS_HOST)})
    try:
        return org.rapidpro_host, decrypt_token(org.rapidpro_token_encrypted)
    except TokenKeyError as error:
        raise FormErrors({"rapidpro_token": cannot_store_tokens(error)}) from error


def check_connection(host: str, token: str) -> tuple[bool, str]:
    """Whether RapidPro answers at `host` with `token`, and a sentence saying so, whatever the host
    answers (it was typed by a person: it may be no RapidPro at all)."""
    not_rapidpro = _("Not connected: {host} does not answer as RapidPro does. Check the address, such as "
                     "https://app.rapidpro.io.").format(host=host)
    try:
        workspace = RapidPro(host, token, RetryPolicy(attempts=1), timeout=TEST_TIMEOUT_SECONDS).workspace()
    except TokenRejected:
        return False, _("Not connected: RapidPro refused the API token. Copy it again from your workspace's "
                        "API settings.")
    except MissingInRapidPro:  # a web server without RapidPro's API at that address
        return False, not_rapidpro
    except RapidProError as error:
        return False, _("Not connected: {error}").format(error=error)
    except Exception as error:  # a web page instead of JSON, JSON of another shape, an address requests refuses
        log.info("Test connection: %s did not answer as RapidPro (%s: %s)", host, type(error).__name__, error)
        return False, not_rapidpro
    if not (isinstance(getattr(workspace, "name", None), str) and getattr(workspace, "uuid", None)):
        return False, not_rapidpro
    return True, _("Connected to the RapidPro workspace “{name}” ({timezone}).").format(
        name=workspace.name, timezone=workspace.timezone
    )


def reencrypt_tokens(session: Session) -> int:
    """Encrypt every stored token again with the first key (after a new key was put first); how many.
    Raises TokenKeyError, having changed nothing, when a token cannot be decrypted with any key."""
    orgs = list(session.scalars(select(Org).where(Org.rapidpro_token_encrypted != "").order_by(Org.id)))
    renewed = []
    for org in orgs:
        try:
            renewed.append(reencrypt_token(org.rapidpro_token_encrypted))
        except TokenKeyError as error:
            raise TokenKeyError(f"The token of the org '{org.slug}' cannot be decrypted with any key in {SETTING}: "
                                "nothing was re-encrypted. Put back the key it was encrypted with, or type "
                                "that org's token again first.") from error
    for org, encrypted in zip(orgs, renewed, strict=True):
        org.rapidpro_token_encrypted = encrypted
    session.flush()
    return len(orgs)
