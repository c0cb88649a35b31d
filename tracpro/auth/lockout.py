"""Failed sign-ins, counted in PostgreSQL so every app process sees the same count.

The rule: the 5th consecutive failure locks the account for 15 minutes; attempts while it
is locked change nothing (they neither count nor extend the lock); once the lock has run out
the count starts again from zero; a successful sign-in resets it. The library's own
`max_login_attempts` keeps its count in memory and is not used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracpro.audit.trail import Acting, person, record
from tracpro.db.models import User
from tracpro.db.models.audit import AuditKind
from tracpro.i18n import _

MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)


@dataclass(frozen=True)
class Attempts:
    failed: int
    locked_until: datetime | None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


def after_failure(attempts: Attempts, now: datetime) -> Attempts:
    """The count and lock after one more failed sign-in at `now`."""
    if attempts.is_locked(now):
        return attempts
    failed = 1 if attempts.locked_until is not None else attempts.failed + 1
    if failed >= MAX_FAILURES:
        return Attempts(failed, now + LOCK_DURATION)
    return Attempts(failed, None)


def is_locked(user: User, now: datetime) -> bool:
    return Attempts(user.failed_login_count, user.locked_until).is_locked(now)


def record_failure(session: Session, user_id: int, now: datetime) -> Attempts:
    """Count one failure; the row is locked while counting, so concurrent failures all count."""
    user = session.scalars(select(User).where(User.id == user_id).with_for_update()).one()
    attempts = after_failure(Attempts(user.failed_login_count, user.locked_until), now)
    user.failed_login_count, user.locked_until = attempts.failed, attempts.locked_until
    session.flush()
    _record_failure_events(session, user, attempts, now)
    return attempts


def _record_failure_events(session: Session, user: User, attempts: Attempts, now: datetime) -> None:
    """A failed sign-in in the trail, and the lock when this failure set it."""
    by = person(session, user.id, now)
    record(session, AuditKind.SIGN_IN_FAILED, None, {"failures": attempts.failed}, by=by)
    if attempts.locked_until == now + LOCK_DURATION:  # after_failure locks from the failure that locks
        record(session, AuditKind.LOCKED_OUT, None, {"until": attempts.locked_until}, by=by)


def record_failure_of_no_account(session: Session, login: str, now: datetime) -> None:
    """A failed sign-in with an email no active account has, in the trail under the email typed
    (its first 254 characters, as an email holds at most): someone trying addresses shows there."""
    record(session, AuditKind.SIGN_IN_FAILED, None, {"account": "none"}, by=Acting(None, login[:254], now))


def record_success(session: Session, user: User, now: datetime) -> None:
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = now
    session.flush()


def unlock(session: Session, user: User) -> None:
    user.failed_login_count = 0
    user.locked_until = None
    session.flush()


def until_text(locked_until: datetime, zone: ZoneInfo) -> str:
    """ "16:35": the time in `zone` (the org's), rounded up to the minute so the time shown is never early."""
    until = locked_until.astimezone(zone)
    if until.second or until.microsecond:
        until = until.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return f"{until:%H:%M}"


def locked_message(locked_until: datetime, zone: ZoneInfo) -> str:
    """What someone signed in (or who gave the right password) is told when their account is locked.

    Never the answer to a failed sign-in: that is the same whether the account exists or not."""
    return _(
        "Too many failed sign-in attempts. This account is locked until {time} — "
        "try again then or ask your administrator."
    ).format(time=until_text(locked_until, zone))
