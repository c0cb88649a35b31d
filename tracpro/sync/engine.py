"""The shared engine under the syncers: a context per org pass and the two ways to sync a resource.

- `sync_full_set`: small resources (fields, groups, boundaries, flows) are fetched whole and
  reconciled in one transaction.
- `sync_pages`: large resources (contacts, runs) are walked page by page in modified_on order
  (tracpro.sync.walk), each page written with the position after it (the contract is
  tracpro.sync.state's); items that cannot be read are kept aside (tracpro.sync.malformed).

A failure of one resource walked in pages is recorded against it and the pass goes on with the
next (`SyncContext.failed`), unless it is one every other request would meet too (`is_fatal`).
A resource whose rate limit outlasts the pass's budget for waiting, or reached when the org's
time for this run is up (`SyncContext.out_of_time`), stops where it is and goes on at the next
run (`SyncContext.unfinished`): a first sync that takes hours of RapidPro's rate limit moves on a
little every run, and the org's lock is never held for long.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from tracpro.db.connection import is_database_lost, session_scope
from tracpro.db.models import MalformedItem, SameDayMode
from tracpro.rapidpro import Page, RapidPro, RapidProError, Throttled, TokenRejected, Unreachable
from tracpro.sync import malformed
from tracpro.sync import state as sync_state
from tracpro.sync.counts import Counts
from tracpro.sync.progress import Progress
from tracpro.sync.walk import Position, walk

log = logging.getLogger("tracpro.sync")

DEFAULT_OVERLAP = timedelta(minutes=2)


def _never() -> bool:
    return False


class TimeUp(Exception):
    """The org's time for this run of the sync job is up."""

    reason = "the org's time for this run was up"


def why_stopped(error: Throttled | TimeUp) -> str:
    """Why a resource stopped early (it goes on at the next run), in words."""
    return error.reason


@dataclass
class SyncContext:
    org_id: int
    slug: str
    timezone: ZoneInfo
    sameday_mode: SameDayMode
    rapidpro: RapidPro
    # The start of this pass by the job's clock: the `before` of every walk it starts.
    now: datetime
    progress: Progress
    # How far before the largest modified_on seen a new walk starts (tracpro.sync.state).
    overlap: timedelta = DEFAULT_OVERLAP
    # The resource being synced, so a failure can be recorded against it.
    resource: str | None = None
    # Contact ids by uuid read during this pass (tracpro.sync.contacts.ensure_contacts).
    contact_ids: dict[str, int] = field(default_factory=dict)
    # Whether the org's time for this run is up: walks stop at the next page and go on next run.
    out_of_time: Callable[[], bool] = _never
    # Resources that failed in this pass, and those that stopped early to go on at the next run
    # (RapidPro's rate limit): resource -> why, in words.
    failed: dict[str, str] = field(default_factory=dict)
    unfinished: dict[str, str] = field(default_factory=dict)

    def local_date(self, moment: datetime) -> date:
        """The org-local calendar day of a moment: pollruns and same-day answers group by it."""
        return moment.astimezone(self.timezone).date()


def is_fatal(error: BaseException) -> bool:
    """An error every other request of the pass would meet too: the database gone, RapidPro
    unreachable or refusing the token. The rest are one resource's own."""
    return isinstance(error, TokenRejected | Unreachable) or is_database_lost(error)


def describe(error: BaseException) -> str:
    if isinstance(error, RapidProError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def record_failure(ctx: SyncContext, resource: str, error: BaseException) -> None:
    """`resource` failed: it says why on the Sync page and resumes from its position next run."""
    message = describe(error)
    ctx.failed[resource] = message
    if not isinstance(error, RapidProError):
        log.error("org=%s resource=%s failed", ctx.slug, resource, exc_info=error)
    log.error("org=%s resource=%s failed: %s", ctx.slug, resource, message)
    with session_scope() as session:
        sync_state.record_failure(sync_state.state_of(session, ctx.org_id, resource), ctx.now, message)


def _finish(ctx: SyncContext, resource: str, counts: Counts, started: float) -> Counts:
    ctx.progress.finished(ctx.slug, resource, counts, time.monotonic() - started)
    return counts


def sync_full_set(ctx: SyncContext, resource: str, apply: Callable[[Session], Counts]) -> Counts:
    """Reconcile a whole resource in one transaction; `apply` writes and returns its counts.
    Read whole, nothing of it is left aside as unreadable any more."""
    ctx.resource = resource
    started = time.monotonic()
    with session_scope() as session:
        state = sync_state.state_of(session, ctx.org_id, resource)
        sync_state.begin_pass(state, ctx.now, after=None)
        counts = apply(session)
        malformed.clear(session, ctx.org_id, resource)
        sync_state.add_counts(state, counts)
        counts = sync_state.complete_pass(state, ctx.now)
    return _finish(ctx, resource, counts, started)


PageWriter = Callable[[Session, Page], Counts]


def sync_pages(
    ctx: SyncContext,
    resource: str,
    endpoint: str,
    write: PageWriter,
    *,
    filters: dict[str, Any] | None = None,
    after: datetime | None = None,
) -> Counts:
    """Walk `endpoint` (with `filters`) in modified_on order, writing each page with the position
    after it; the pass's counts. Items kept aside as unreadable are tried again first.

    A new pass starts the overlap before the watermark (or from `after` when given and earlier,
    for "fetch older runs"); a pass left unfinished (a crash, a failure, the rate limit) resumes
    from its own position with its own `before`. A failure of this resource is recorded against
    it and returns the counts so far, unless `is_fatal`.
    """
    filters = filters or {}
    ctx.resource = resource
    started = time.monotonic()
    if ctx.out_of_time():
        ctx.unfinished[resource] = TimeUp.reason
        return Counts()
    with session_scope() as session:
        state = sync_state.state_of(session, ctx.org_id, resource)
        if sync_state.begin_pass(state, ctx.now, sync_state.new_pass_after(state, ctx.overlap, after)):
            log.info("org=%s resource=%s resuming the pass under way", ctx.slug, resource)
        assert state.pass_started_at is not None  # begin_pass started a pass or kept the one under way
        before = state.pass_started_at
        modified_on, cursor = sync_state.resume_point(state)
        aside = malformed.kept_keys(session, ctx.org_id, resource)

    counts = Counts()
    try:
        if aside:
            counts.add(_retry_aside(ctx, resource, endpoint, filters, write))
            with session_scope() as session:
                aside = malformed.kept_keys(session, ctx.org_id, resource)
        with ctx.progress.bar(ctx.slug, resource) as advance:
            for page, position in walk(ctx.rapidpro, endpoint, Position(modified_on, cursor), before, **filters):
                page_counts = _write_page(ctx, resource, write, page, position, aside)
                counts.add(page_counts)
                advance(page.size)
                if ctx.out_of_time():
                    raise TimeUp()
    except (Throttled, TimeUp) as error:
        ctx.unfinished[resource] = why_stopped(error)
        log.warning("org=%s resource=%s stopped: %s", ctx.slug, resource, error)
        return _finish(ctx, resource, counts, started)
    except Exception as error:
        if is_fatal(error):
            raise
        record_failure(ctx, resource, error)
        return _finish(ctx, resource, counts, started)

    with session_scope() as session:
        state = sync_state.state_of(session, ctx.org_id, resource)
        counts = sync_state.complete_pass(state, ctx.now)
    return _finish(ctx, resource, counts, started)


def _write_page(
    ctx: SyncContext, resource: str, write: PageWriter, page: Page, position: Position, aside: set[str]
) -> Counts:
    with session_scope() as session:
        # Each page commits together with its position, so a commit lost in a crash loses its
        # position too and the page is fetched again: no need to wait for the disk.
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))
        counts = write(session, page)
        if page.malformed:
            counts.malformed += len(page.malformed)
            aside |= malformed.keep(session, ctx.org_id, resource, page.malformed, ctx.now)
        if aside:
            read = aside & {item.uuid for item in page.items if getattr(item, "uuid", None)}
            if read:
                malformed.resolve(session, ctx.org_id, resource, read)
                aside -= read
        state = sync_state.state_of(session, ctx.org_id, resource)
        sync_state.record_page(state, position.modified_on, position.cursor, counts)
    return counts


def _retry_aside(ctx: SyncContext, resource: str, endpoint: str, filters: dict[str, Any],
                 write: PageWriter) -> Counts:
    """Try again the items of `resource` kept aside (tracpro.sync.malformed)."""
    with session_scope() as session:
        items = malformed.to_retry(session, ctx.org_id, resource, ctx.now)
        for item in items:
            session.expunge(item)
    counts, gone = Counts(), 0
    for item in items:
        page = _read_again(ctx, endpoint, filters, item)
        with session_scope() as session:
            if page.items:
                written = write(session, page)
                malformed.resolve(session, ctx.org_id, resource, [item.item_key])
                sync_state.add_counts(sync_state.state_of(session, ctx.org_id, resource), written)
                counts.add(written)
            elif page.malformed:
                malformed.keep(session, ctx.org_id, resource, page.malformed, ctx.now)
            else:
                gone += malformed.resolve(session, ctx.org_id, resource, [item.item_key])
    if gone:
        log.warning("org=%s resource=%s: %d item(s) kept aside as unreadable are no longer in RapidPro",
                    ctx.slug, resource, gone)
    return counts


def _read_again(ctx: SyncContext, endpoint: str, filters: dict[str, Any], item: MalformedItem) -> Page:
    if item.uuid is not None:
        return ctx.rapidpro.page(endpoint, uuid=item.uuid, **filters)
    try:
        return Page([ctx.rapidpro.read(endpoint, item.raw)])
    except Exception as error:  # still unreadable: kept, one more attempt
        return Page([], [(item.raw, f"{type(error).__name__}: {error}")])
