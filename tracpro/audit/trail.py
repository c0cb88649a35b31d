"""Recording audit events, in the same transaction as the change they describe.

A function that changes data calls `record(session, kind, org_id, details)` once it has made
(or is about to make) its change, in the session it changes data through: the event is written
when that session commits, and is gone with the change when it rolls back.

Who acted, and when, is declared where a session is opened for a person (`acting`): the app does it
for the signed-in viewer with the app's clock (tracpro.ui.acting), the command line with its own,
so the functions that change data need no parameter for it. Where there is no session of a person
(signing in, signing out) the caller says who with `by=`. An event recorded through a session no
one was declared on (a script, a test) has no person, and is dated by the database's clock.

Each event is also logged (logger "tracpro.audit", its fields as structured data, see tracpro.logs)
once its transaction has committed: a change that was rolled back leaves neither a row nor a line.
"""

from __future__ import annotations

import enum
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, event
from sqlalchemy.orm import Session

from tracpro.db.models import AuditEvent, AuditKind, User
from tracpro.db.results import rowcount

log = logging.getLogger("tracpro.audit")
# Where a session keeps who acts through it, and the log lines of the events it has yet to commit.
_ACTING = "tracpro_audit_acting"
_UNLOGGED = "tracpro_audit_unlogged"
# Details are read by every administrator of the org and go to the logs: a detail named like a
# secret is refused outright, so a token or a password can never slip in under its own name.
SECRET_NAMES = ("token", "password", "secret", "hash")


@dataclass(frozen=True)
class Acting:
    """Who makes the changes recorded through a session, and when (by their clock)."""

    user_id: int | None  # None: no account (a command run on the server, an unknown email signing in)
    email: str | None  # as it is now, kept by the event whatever becomes of the account
    at: datetime


def acting(session: Session, who: Acting) -> Session:
    """Declare `who` for every event recorded through `session` (see the module docstring)."""
    session.info[_ACTING] = who
    return session


def person(session: Session, user_id: int, at: datetime) -> Acting:
    """The user `user_id` acting at `at`, with their email as it is now."""
    user = session.get(User, user_id)
    return Acting(user_id, (user.email or user.login) if user is not None else None, at)


def _plain(value: Any) -> Any:
    """`value` as JSON holds it: dates in ISO 8601, enums by value, sets sorted."""
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_plain(item) for item in value), key=str)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def record(
    session: Session, kind: AuditKind, org_id: int | None, details: Mapping[str, Any] | None = None, *,
    region_id: int | None = None, by: Acting | None = None,
) -> AuditEvent:
    """Add the event to `session` (written when it commits). `by` defaults to whoever was
    declared on the session; `details` are plain values (names as they are now, what changed from
    what), never a secret: a detail named like one (SECRET_NAMES) raises ValueError."""
    details = details or {}
    secret = sorted(name for name in details if any(word in name.lower() for word in SECRET_NAMES))
    if secret:
        raise ValueError(f"an audit event never holds a secret: leave out {', '.join(secret)}")
    who = by or session.info.get(_ACTING)
    event = AuditEvent(kind=kind, org_id=org_id, region_id=region_id, details=_plain(details))
    if who is not None:
        event.user_id, event.email, event.at = who.user_id, who.email, who.at
    session.add(event)
    line = {"event": kind.value, "org_id": org_id, "region_id": region_id,
            "user_id": event.user_id, "email": event.email, "details": event.details}
    if who is not None:
        line["at"] = who.at.isoformat()
    session.info.setdefault(_UNLOGGED, []).append(line)
    return event


def forget_older_than(session: Session, now: datetime, days: int) -> int:
    """Delete the events older than `days` days at `now`; returns how many."""
    return rowcount(session.execute(delete(AuditEvent).where(AuditEvent.at < now - timedelta(days=days))))


@event.listens_for(Session, "after_commit")
def _log_committed(session: Session) -> None:
    for line in session.info.pop(_UNLOGGED, []):
        log.info("audit %s", line["event"], extra={"fields": line})


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_UNLOGGED, None)


def as_json(details: dict[str, Any]) -> str:
    """An event's details as one line of JSON text, for a table cell or a file."""
    return json.dumps(details, ensure_ascii=False, sort_keys=True)
