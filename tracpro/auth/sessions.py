"""Server-side sessions behind the login cookie (see tracpro.db.models.sessions for why).

TracPro issues the cookie itself, in the format streamlit-authenticator reads back (an HS256
token holding `username` and `exp_date`, plus a random nonce so no two are alike), and stores
a hash of the exact value. A cookie then signs someone in only while:

- its hash is a row that is neither revoked nor expired, and
- the row's user is active, not locked, and still belongs to an org (superusers need none).

The same check runs on every rerun of a signed-in session, so logging out elsewhere,
deactivation, a lock or removal from the last org take effect at the next click.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from tracpro.auth.access import org_choices
from tracpro.auth.lockout import is_locked, locked_message
from tracpro.db.models import User, UserSession
from tracpro.db.results import rowcount
from tracpro.i18n import N_, _

COOKIE_NAME = "tracpro_session"
LIFETIME = timedelta(days=3)
# last_seen_at is written at most this often: a write per click would be wasted work.
TOUCH_EVERY = timedelta(minutes=5)
# Dead rows are kept a while for the record, then purged at the next sign-in.
KEEP_DEAD_FOR = timedelta(days=30)

# Refusals: marked here, translated when a session is refused (`_(SIGNED_OUT)`).
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
class SessionCheck:
    user: SignedInUser | None
    # Why the session no longer signs anyone in: one sentence for the login page.
    refusal: str | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(login: str, cookie_key: str, expires_at: datetime) -> str:
    """A cookie value streamlit-authenticator accepts on reload (models/cookie_model.py)."""
    payload = {"username": login, "exp_date": expires_at.timestamp(), "nonce": secrets.token_urlsafe(16)}
    return jwt.encode(payload, cookie_key, algorithm="HS256")


def start(session: Session, user_id: int, token: str, now: datetime) -> UserSession:
    """Record a freshly issued cookie; it lives for LIFETIME."""
    row = UserSession(
        user_id=user_id,
        token_hash=token_hash(token),
        created_at=now,
        last_seen_at=now,
        expires_at=now + LIFETIME,
    )
    session.add(row)
    session.flush()
    return row


def find_live(session: Session, token: str, now: datetime) -> UserSession | None:
    """The unrevoked, unexpired session this exact cookie value was issued for."""
    return session.scalars(
        select(UserSession).where(
            UserSession.token_hash == token_hash(token),
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > now,
        )
    ).one_or_none()


def refusal_for(session: Session, user: User, now: datetime) -> str | None:
    """Why `user` may not be signed in right now, or None."""
    if not user.is_active:
        return _(DEACTIVATED)
    if is_locked(user, now):
        assert user.locked_until is not None  # a locked account is locked until some time
        return locked_message(user.locked_until)
    if not user.is_superuser and not org_choices(session, user.id, is_superuser=False):
        return _(NO_ORG)
    return None


def check(session: Session, session_id: int | None, now: datetime) -> SessionCheck:
    """Whether session `session_id` still signs its user in; touches it when it does."""
    row = session.get(UserSession, session_id) if session_id is not None else None
    if row is None or row.revoked_at is not None:
        return SessionCheck(None, _(SIGNED_OUT))
    if row.expires_at <= now:
        return SessionCheck(None, _(EXPIRED))
    user = row.user
    refusal = refusal_for(session, user, now)
    if refusal is not None:
        return SessionCheck(None, refusal)
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return SessionCheck(
        SignedInUser(user.id, user.login, user.name, user.is_superuser, user.must_change_password, user.language)
    )


def revoke(session: Session, session_id: int, now: datetime) -> None:
    session.execute(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def revoke_all(session: Session, user_id: int, now: datetime, *, keep: int | None = None) -> int:
    """Sign the user out everywhere (but in session `keep`); returns how many sessions ended."""
    statement = update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    if keep is not None:
        statement = statement.where(UserSession.id != keep)
    return rowcount(session.execute(statement.values(revoked_at=now)))


def purge(session: Session, now: datetime) -> int:
    """Delete sessions that ended more than KEEP_DEAD_FOR ago."""
    cutoff = now - KEEP_DEAD_FOR
    return rowcount(session.execute(
        delete(UserSession).where(or_(UserSession.expires_at < cutoff, UserSession.revoked_at < cutoff))
    ))
