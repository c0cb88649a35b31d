"""Password hashing and the rules a new password must meet.

Hashes are bcrypt; the sign-in form checks what is typed against one with check_password
(tracpro.auth.credentials). The messages are the original TracPro's, word for word.
"""

from __future__ import annotations

import secrets
from functools import cache

import bcrypt

from tracpro.forms import REQUIRED
from tracpro.i18n import N_, _

MIN_LENGTH = 8
# bcrypt ignores everything after 72 bytes; longer passwords would silently share a hash.
MAX_BYTES = 72
ROUNDS = 12

MISMATCH = N_("Passwords don't match.")


def hash_password(password: str, rounds: int = ROUNDS) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=rounds)).decode()


def check_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode(), password_hash.encode())
    except ValueError:  # not a bcrypt hash: nothing matches it
        return False


@cache
def unmatchable_hash() -> str:
    """A real bcrypt hash of a secret nobody knows.

    A sign-in on a locked account, or with an email that is no account, is checked against this
    hash: every such attempt fails, at the cost of a real check, like a wrong password.
    """
    return hash_password(secrets.token_urlsafe(32))


def password_problem(password: str) -> str | None:
    """What is wrong with `password` as a new password, or None."""
    if not password:
        return _(REQUIRED)
    if len(password) < MIN_LENGTH:
        return _("Ensure this value has at least {limit} characters (it has {length}).").format(
            limit=MIN_LENGTH, length=len(password)
        )
    if len(password.encode()) > MAX_BYTES:
        return _("Ensure this value has at most {limit} bytes (it has {length}).").format(
            limit=MAX_BYTES, length=len(password.encode())
        )
    if password != password.strip():
        # The login form strips what is typed, so such a password could never be entered.
        return _("A password cannot start or end with a space.")
    return None


def new_password_errors(password: str, confirmation: str, *, required: bool = True) -> dict[str, str]:
    """Errors by field ("password", "confirm_password"), as TracPro's forms word them."""
    if not password and not confirmation and not required:
        return {}
    problem = password_problem(password)
    if problem is not None:
        return {"password": problem}
    if not confirmation:
        return {"confirm_password": _(REQUIRED)}
    if password != confirmation:
        return {"confirm_password": _(MISMATCH)}
    return {}
