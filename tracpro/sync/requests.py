"""Sync requests: an admin's "Sync now" or "Fetch older runs", honoured by the next sync job
(cron's, or a `--loop` job between its rounds). Each is claimed by one job, run, and closed
with the sync's outcome in words, which the settings page shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracpro.audit.trail import record
from tracpro.auth.actor import Actor
from tracpro.auth.writes import Allowed, write
from tracpro.db.connection import session_scope
from tracpro.db.models import SyncRequest, SyncRequestStatus
from tracpro.db.models.audit import AuditKind

PENDING, RUNNING = SyncRequestStatus.PENDING, SyncRequestStatus.RUNNING


@write(Allowed.ADMINS)
def request_sync(session: Session, actor: Actor, days: int | None = None) -> SyncRequest:
    """Ask for a sync of the actor's org (with runs from `days` back); an identical pending ask is reused."""
    org_id = actor.org_id
    waiting = session.scalars(select(SyncRequest).where(
        SyncRequest.org_id == org_id, SyncRequest.status == PENDING,
        SyncRequest.days.is_(None) if days is None else SyncRequest.days == days)).first()
    if waiting is not None:
        return waiting
    request = SyncRequest(org_id=org_id, days=days, requested_by_id=actor.user_id)
    session.add(request)
    session.flush()
    record(session, AuditKind.SYNC_REQUESTED, org_id, {"request": request.id, "older_runs_days": days})
    return request


def _claim(now: datetime) -> tuple[int, int, int | None] | None:
    with session_scope() as session:
        request = session.scalars(
            select(SyncRequest).where(SyncRequest.status == PENDING).order_by(SyncRequest.id)
            .with_for_update(skip_locked=True).limit(1)
        ).first()
        if request is None:
            return None
        request.status, request.started_at = RUNNING, now
        return request.id, request.org_id, request.days


Outcome = tuple[bool, str, dict[str, Any] | None]


def honour_requests(run: Callable[[int, int | None], Outcome], clock: Callable[[], datetime]) -> int:
    """Run every pending request with `run(org_id, days) -> (succeeded, message, outcome)` (the
    message for the logs, the outcome as data for the Sync page); returns how many. Each is dated
    from `clock()` when it starts and when it finishes."""
    handled = 0
    while (claimed := _claim(clock())) is not None:
        request_id, org_id, days = claimed
        try:
            succeeded, message, outcome = run(org_id, days)
        except Exception as error:  # the request must not stay "running" for ever
            succeeded, message, outcome = False, f"{type(error).__name__}: {error}", None
        with session_scope() as session:
            request = session.get_one(SyncRequest, request_id)
            request.status = SyncRequestStatus.DONE if succeeded else SyncRequestStatus.FAILED
            request.finished_at, request.message, request.outcome = clock(), message, outcome
        handled += 1
    return handled


def has_pending() -> bool:
    with session_scope() as session:
        return session.scalars(select(SyncRequest.id).where(SyncRequest.status == PENDING).limit(1)).first() is not None
