"""Where each resource's sync stands (SyncState rows), the per-org lock, and the org's backoff.

The contract, for a resource walked in pages:
- A pass covers modifications in (pass_after, pass_started_at]. It starts from the watermark,
  which is the start time of the last pass that completed.
- Each page is written in the same transaction as the cursor that follows it. A pass killed
  anywhere resumes from its last committed cursor with the same window, so it ends exactly
  where an uninterrupted pass ends (pages seen twice are harmless: writes are upserts).
- The watermark moves only when a pass completes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from tracpro.db.connection import SessionFactory, get_engine
from tracpro.db.models import SyncState
from tracpro.sync.counts import Counts

ORG_RESOURCE = "org"  # the row holding the org-level outcome and backoff
BACKOFF_START = timedelta(minutes=30)
BACKOFF_CAP = timedelta(days=1)
# Namespaces the advisory locks of "syncing org N" among the database's advisory locks.
_LOCK_NAMESPACE = 7_340_112


def state_of(session: Session, org_id: int, resource: str) -> SyncState:
    state = session.execute(
        select(SyncState).where(SyncState.org_id == org_id, SyncState.resource == resource).with_for_update()
    ).scalar_one_or_none()
    if state is None:
        state = SyncState(org_id=org_id, resource=resource, pass_counts={}, last_counts={}, failure_count=0)
        session.add(state)
        session.flush()
    return state


def new_pass_after(state: SyncState | None, after: datetime | None, use_watermark: bool = True) -> datetime | None:
    """Where a new pass starts: the watermark, or `after` when earlier ("fetch older runs"); None: from the start."""
    start = state.watermark if state is not None and use_watermark else None
    return after if after is not None and (start is None or after < start) else start


def begin_pass(state: SyncState, now: datetime, after: datetime | None) -> bool:
    """Start a pass over (after, now], or keep the one under way. True when resuming."""
    state.last_started_at = now
    if state.pass_started_at is not None:
        return True
    state.pass_after = after
    state.pass_started_at = now
    state.resume_cursor = None
    state.pass_counts = {}
    return False


def record_page(state: SyncState, cursor: str | None, counts: Counts) -> None:
    state.resume_cursor = cursor
    state.pass_counts = Counts.from_dict(state.pass_counts).add(counts).as_dict()


def complete_pass(state: SyncState, now: datetime) -> Counts:
    counts = Counts.from_dict(state.pass_counts)
    state.watermark = state.pass_started_at
    state.pass_started_at = state.pass_after = state.resume_cursor = None
    state.pass_counts = {}
    state.last_counts = counts.as_dict()
    state.last_finished_at = state.last_success_at = now
    state.last_error = None
    state.failure_count = 0
    return counts


def record_failure(state: SyncState, now: datetime, error: str) -> None:
    """Keep the pass under way (its cursor and window) so the next run resumes it."""
    state.last_finished_at = now
    state.last_error = error
    state.failure_count += 1


def backoff_after(failures: int) -> timedelta:
    """30 minutes after one failure, doubling with each further one, at most a day."""
    return min(BACKOFF_START * 2 ** max(failures - 1, 0), BACKOFF_CAP)


def record_org_outcome(session: Session, org_id: int, now: datetime, error: str | None, counts: Counts) -> None:
    state = state_of(session, org_id, ORG_RESOURCE)
    state.last_started_at = state.last_started_at or now
    state.last_finished_at = now
    state.last_counts = counts.as_dict()
    if error is None:
        state.last_success_at = now
        state.last_error = None
        state.failure_count = 0
        state.next_allowed_at = None
    else:
        state.last_error = error
        state.failure_count += 1
        state.next_allowed_at = now + backoff_after(state.failure_count)


@contextmanager
def _lock_connection() -> Iterator[Connection]:
    """A connection to the database the sessions use (advisory locks are per database)."""
    bind = SessionFactory.kw.get("bind") or get_engine()
    if isinstance(bind, Connection):  # tests: sessions join one connection's transaction
        yield bind
        return
    with bind.connect() as connection:
        yield connection


@contextmanager
def org_lock(org_id: int) -> Iterator[bool]:
    """Hold "syncing this org" for the block; yields False when another process holds it."""
    with _lock_connection() as connection:
        acquired = connection.execute(
            text("SELECT pg_try_advisory_lock(:namespace, :org)"), {"namespace": _LOCK_NAMESPACE, "org": org_id}
        ).scalar_one()
        try:
            yield bool(acquired)
        finally:
            if acquired:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:namespace, :org)"), {"namespace": _LOCK_NAMESPACE, "org": org_id}
                )
