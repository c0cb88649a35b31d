"""Where each resource's sync stands (SyncState rows), the per-org lock, and the org's backoff.

The contract, for a resource walked in pages (tracpro.sync.engine.sync_pages, tracpro.sync.walk):
- A pass reads the items modified in [after, before], oldest change first. `before` is the pass's
  start by the job's clock, fixed however often the pass is resumed; `after` is the watermark
  less the overlap margin (nothing for a first pass).
- The watermark is the largest modified_on a completed pass committed: it comes from what was
  seen, never from a clock, so it never moves past an item not yet read, and RapidPro's clock
  may differ from ours.
- Each page is written in one transaction with the pass's position after it: the largest
  modified_on committed so far (and, only inside a run of more items sharing one modified_on
  than a page holds, RapidPro's cursor into that run). A pass killed anywhere resumes with a
  fresh query from that position, inclusive: the items at it are read again, never skipped.
- Every pass reads the overlap again, so writes must count an item seen twice as unchanged.
  The overlap is there for changes that become visible late: RapidPro stamps a change with the
  start of its transaction and lists from a replica, so a change stamped before one already read
  can appear after it was read. It becomes visible within the commit and replica delay, and the
  pass's fixed `before` keeps everything read after the pass started within that delay of its
  end: an overlap longer than the delay (plus however far RapidPro's clock runs behind ours)
  reads it on the next pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta

from sqlalchemy import Connection, exc, func, select, text
from sqlalchemy.orm import Session

from tracpro.db.connection import SessionFactory, get_engine
from tracpro.db.models import SyncState
from tracpro.sync.counts import Counts

# The row holding the org-level outcome and backoff; its pass_started_at and pass_counts["stored"]
# say when the passes now under way across runs began and how much was stored then (catch_up).
ORG_RESOURCE = "org"
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


def begin_pass(state: SyncState, now: datetime, after: datetime | None) -> bool:
    """Start a pass reading from `after` (inclusive) up to `now`, or keep the one under way. True when resuming."""
    state.last_started_at = now
    if state.pass_started_at is not None:
        return True
    state.pass_after = after
    state.pass_started_at = now
    state.pass_position = None
    state.resume_cursor = None
    state.pass_counts = {}
    return False


def new_pass_after(state: SyncState | None, overlap: timedelta, after: datetime | None = None) -> datetime | None:
    """Where a new pass starts: the overlap before the largest modified_on seen, or `after` when
    earlier ("fetch older runs"); None: from the beginning."""
    start = state.watermark - overlap if state is not None and state.watermark is not None else None
    return after if after is not None and (start is None or after < start) else start


def resume_point(state: SyncState) -> tuple[datetime | None, str | None]:
    """Where the pass under way reads next: (modified_on to ask from, inclusive; cursor or None)."""
    if state.pass_position is not None:
        return state.pass_position, state.resume_cursor
    return state.pass_after, None


def record_page(state: SyncState, modified_on: datetime | None, cursor: str | None, counts: Counts) -> None:
    """A page written: the position after it, in the same transaction as what it wrote."""
    if modified_on is not None:
        if state.pass_position is None and state.pass_after is None:
            state.pass_after = modified_on  # a pass from the beginning: its progress counts from here
        state.pass_position = modified_on
        state.resume_cursor = cursor
    add_counts(state, counts)


def add_counts(state: SyncState, counts: Counts) -> None:
    state.pass_counts = Counts.from_dict(state.pass_counts).add(counts).as_dict()
    state.stored_total += counts.created


def complete_pass(state: SyncState, now: datetime) -> Counts:
    counts = Counts.from_dict(state.pass_counts)
    if state.pass_position is not None and (state.watermark is None or state.pass_position > state.watermark):
        state.watermark = state.pass_position
    state.pass_started_at = state.pass_after = state.pass_position = state.resume_cursor = None
    state.pass_counts = {}
    state.last_counts = counts.as_dict()
    state.last_finished_at = state.last_success_at = now
    state.last_error = None
    state.failure_count = 0
    return counts


def record_failure(state: SyncState, now: datetime, error: str) -> None:
    """Keep the pass under way (its position and window) so the next run resumes it."""
    state.last_finished_at = now
    state.last_error = error
    state.failure_count += 1


def backoff_after(failures: int) -> timedelta:
    """30 minutes after one failure, doubling with each further one, at most a day."""
    return min(BACKOFF_START * 2 ** max(failures - 1, 0), BACKOFF_CAP)


def _runs_stored(session: Session, org_id: int) -> int:
    """Runs stored of the polls RapidPro reports a total for (the active ones: tracpro.sync.flows)."""
    total = session.scalar(select(func.coalesce(func.sum(SyncState.stored_total), 0)).where(
        SyncState.org_id == org_id, SyncState.resource.startswith("runs:"), SyncState.expected_total.is_not(None)))
    return int(total or 0)  # PostgreSQL sums bigints as numeric: a Decimal, which JSON cannot hold


def begin_catch_up(session: Session, org_id: int, now: datetime) -> None:
    """An org pass begins at `now`: unless one is under way already, a catch-up (passes left
    under way across runs, say a first sync) starts here, with the runs stored so far."""
    state = state_of(session, org_id, ORG_RESOURCE)
    if state.pass_started_at is None:
        state.pass_started_at = now
        state.pass_counts = {"stored": _runs_stored(session, org_id)}


def end_catch_up(session: Session, org_id: int) -> None:
    """An org pass ended: with no pass left under way, there is no catch-up any more."""
    under_way = session.scalar(select(func.count()).where(
        SyncState.org_id == org_id, SyncState.resource != ORG_RESOURCE, SyncState.pass_started_at.is_not(None)))
    if not under_way:
        state = state_of(session, org_id, ORG_RESOURCE)
        state.pass_started_at, state.pass_counts = None, {}


def catch_up(state: SyncState | None) -> tuple[datetime, int] | None:
    """When the catch-up under way began and the runs stored then (from the org's row), if one is."""
    if state is None or state.pass_started_at is None or "stored" not in (state.pass_counts or {}):
        return None
    return state.pass_started_at, int(state.pass_counts["stored"])


def record_org_outcome(
    session: Session, org_id: int, now: datetime, error: str | None, counts: Counts, back_off: bool = True
) -> None:
    """The org's pass ended; with an `error` it failed, and unless told not to the org backs off."""
    state = state_of(session, org_id, ORG_RESOURCE)
    state.last_started_at = state.last_started_at or now
    state.last_finished_at = now
    state.last_counts = counts.as_dict()
    if error is None or not back_off:
        state.last_success_at = now
        state.last_error = error
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
            # When the database was lost the lock went with its connection: what the block raised
            # is the error worth reporting, not the failed unlock.
            with suppress(exc.DBAPIError):
                if acquired:
                    connection.execute(
                        text("SELECT pg_advisory_unlock(:namespace, :org)"),
                        {"namespace": _LOCK_NAMESPACE, "org": org_id},
                    )
