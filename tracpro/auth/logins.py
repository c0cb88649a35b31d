"""Login records: the server-side row behind each login cookie (see tracpro.db.models.logins for why).

TracPro issues the cookie itself, in the format streamlit-authenticator reads back (an HS256
token holding `username` and `exp_date`, plus a random nonce so no two are alike), and stores
a hash of the exact value. A cookie then signs someone in only while:

- its hash is a row that is neither revoked nor expired, and
- the row's user is active, not locked, and still belongs to an org (superusers need none).

The same check runs on every rerun of a signed-in browser tab, so logging out elsewhere,
deactivation, a lock or removal from the last org take effect at the next click.

Functions here take the database session as `session` and a login record's id as `login_id`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from tracpro.audit.trail import person, record
from tracpro.auth.access import home_zone, org_choices
from tracpro.auth.lockout import is_locked, locked_message
from tracpro.db.models import LoginRecord, User
from tracpro.db.models.audit import AuditKind
from tracpro.db.results import rowcount
from tracpro.i18n import N_, _

# The cookie's name is older than the word "login record": changing it would sign everyone out at
# the upgrade (browsers would no longer send the cookie they hold), so it stays as it is.
COOKIE_NAME = "tracpro_session"
LIFETIME = timedelta(days=3)
# last_seen_at is written at most this often: a write per click would be wasted work.
TOUCH_EVERY = timedelta(minutes=5)
# Dead rows are kept a while for the record, then purged at the next sign-in.
KEEP_DEAD_FOR = timedelta(days=30)

# Refusals: marked here, translated when a login is refused (`_(SIGNED_OUT)`). The words users read
# keep saying "session", as they always have.
SIGNED_OUT = N_("You have been signed out. Please sign in again.")
EXPIRED = N_("Your session has expired. Please sign in again.")
DEACTIVATED = N_("Your account has been deactivated. Ask your administrator if you need access again.")
NO_ORG = N_("Your account does not belong to any organisation. Ask your administrator to add you to one.")


@dataclass(frozen=True)
class SignedInUser:
    """Who is signed in, as read from the database on this rerun."""

    id: int
    login: str
    name: str
    is_superuser: bool
    must_change_password: bool
    language: str | None = None  # their own UI language; None: the org's default


@dataclass(frozen=True)
class LoginCheck:
    user: SignedInUser | None
    # Why the login no longer signs anyone in: one sentence for the login page.
    refusal: str | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(login: str, cookie_key: str, expires_at: datetime) -> str:
    """A cookie value streamlit-authenticator accepts on reload (models/cookie_model.py)."""
    payload = {"username": login, "exp_date": expires_at.timestamp(), "nonce": secrets.token_urlsafe(16)}
    return jwt.encode(payload, cookie_key, algorithm="HS256")


def start(session: Session, user_id: int, token: str, now: datetime, *, method: str | None = None) -> LoginRecord:
    """Record a freshly issued cookie (the user has signed in, the trail says so, with the
    `method` when it was not the password); it lives for LIFETIME."""
    row = LoginRecord(
        user_id=user_id,
        token_hash=token_hash(token),
        created_at=now,
        last_seen_at=now,
        expires_at=now + LIFETIME,
    )
    session.add(row)
    session.flush()
    record(session, AuditKind.SIGNED_IN, None, {"method": method} if method else None, by=person(session, user_id, now))
    return row


def find_live(session: Session, token: str, now: datetime) -> LoginRecord | None:
    """The unrevoked, unexpired login record this exact cookie value was issued for."""
    return session.scalars(
        select(LoginRecord).where(
            LoginRecord.token_hash == token_hash(token),
            LoginRecord.revoked_at.is_(None),
            LoginRecord.expires_at > now,
        )
    ).one_or_none()


def refusal_for(session: Session, user: User, now: datetime) -> str | None:
    """Why `user` may not be signed in right now, or None."""
    if not user.is_active:
        return _(DEACTIVATED)
    if is_locked(user, now):
        assert user.locked_until is not None  # a locked account is locked until some time
        return locked_message(user.locked_until, home_zone(session, user.id, is_superuser=user.is_superuser))
    if not user.is_superuser and not org_choices(session, user.id, is_superuser=False):
        return _(NO_ORG)
    return None


def check(session: Session, login_id: int | None, now: datetime) -> LoginCheck:
    """Whether login record `login_id` still signs its user in; touches it when it does."""
    row = session.get(LoginRecord, login_id) if login_id is not None else None
    if row is None or row.revoked_at is not None:
        return LoginCheck(None, _(SIGNED_OUT))
    if row.expires_at <= now:
        return LoginCheck(None, _(EXPIRED))
    user = row.user
    refusal = refusal_for(session, user, now)
    if refusal is not None:
        return LoginCheck(None, refusal)
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return LoginCheck(
        SignedInUser(user.id, user.login, user.name, user.is_superuser, user.must_change_password, user.language)
    )


def revoke(session: Session, login_id: int, now: datetime) -> bool:
    """End login record `login_id`; whether it was live until now."""
    return rowcount(session.execute(
        update(LoginRecord)
        .where(LoginRecord.id == login_id, LoginRecord.revoked_at.is_(None))
        .values(revoked_at=now)
    )) > 0


def sign_out(session: Session, login_id: int, now: datetime) -> None:
    """The user logged out: login record `login_id` ends, and the trail says so (once: a login
    already ended is left as it is)."""
    row = session.get(LoginRecord, login_id)
    if row is not None and revoke(session, login_id, now):
        record(session, AuditKind.SIGNED_OUT, None, by=person(session, row.user_id, now))


def revoke_all(session: Session, user_id: int, now: datetime, *, keep: int | None = None) -> int:
    """Sign the user out everywhere (but with login record `keep`); returns how many logins ended."""
    statement = update(LoginRecord).where(LoginRecord.user_id == user_id, LoginRecord.revoked_at.is_(None))
    if keep is not None:
        statement = statement.where(LoginRecord.id != keep)
    return rowcount(session.execute(statement.values(revoked_at=now)))


def purge(session: Session, now: datetime) -> int:
    """Delete login records that ended more than KEEP_DEAD_FOR ago."""
    cutoff = now - KEEP_DEAD_FOR
    return rowcount(session.execute(
        delete(LoginRecord).where(or_(LoginRecord.expires_at < cutoff, LoginRecord.revoked_at < cutoff))
    ))
