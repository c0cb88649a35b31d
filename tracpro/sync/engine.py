"""The shared engine under the syncers: a context per org pass and the two ways to sync a resource.

- `sync_full_set`: small resources (fields, groups, boundaries, flows) are fetched whole and
  reconciled in one transaction.
- `sync_pages`: large resources (contacts, runs) are walked page by page from the watermark,
  each page written with the cursor after it (see tracpro.sync.state for the contract).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from tracpro.db.connection import session_scope
from tracpro.db.models import SameDayMode
from tracpro.rapidpro import MissingInRapidPro, Page, RapidPro
from tracpro.sync import state as sync_state
from tracpro.sync.counts import Counts
from tracpro.sync.progress import Progress

log = logging.getLogger("tracpro.sync")


@dataclass
class SyncContext:
    org_id: int
    slug: str
    timezone: ZoneInfo
    sameday_mode: SameDayMode
    rapidpro: RapidPro
    # The start of this pass: the upper bound of every window, and the next watermark.
    now: datetime
    progress: Progress
    # The resource being synced, so a failure can be recorded against it.
    resource: str | None = None
    # Contact ids by uuid read during this pass (tracpro.sync.contacts.ensure_contacts).
    contact_ids: dict[str, int] = field(default_factory=dict)

    def local_date(self, moment: datetime) -> date:
        """The org-local calendar day of a moment: pollruns and same-day answers group by it."""
        return moment.astimezone(self.timezone).date()


def _finish(ctx: SyncContext, resource: str, counts: Counts, started: float) -> Counts:
    ctx.progress.finished(ctx.slug, resource, counts, time.monotonic() - started)
    return counts


def sync_full_set(ctx: SyncContext, resource: str, apply: Callable[[Session], Counts]) -> Counts:
    """Reconcile a whole resource in one transaction; `apply` writes and returns its counts."""
    ctx.resource = resource
    started = time.monotonic()
    with session_scope() as session:
        state = sync_state.state_of(session, ctx.org_id, resource)
        sync_state.begin_pass(state, ctx.now, after=None)
        counts = apply(session)
        sync_state.record_page(state, None, counts)
        counts = sync_state.complete_pass(state, ctx.now)
    return _finish(ctx, resource, counts, started)


PageFetcher = Callable[[datetime | None, datetime, str | None], Iterator[Page]]
PageWriter = Callable[[Session, Page], Counts]


def sync_pages(
    ctx: SyncContext,
    resource: str,
    fetch: PageFetcher,
    write: PageWriter,
    after: datetime | None = None,
    use_watermark: bool = True,
) -> Counts:
    """Walk `fetch(after, before, cursor)` page by page, writing each with the cursor after it.

    A new pass starts from the watermark (or from `after` when given and earlier, for "fetch
    older runs"); a pass left unfinished by a crash is resumed with its own window and cursor.
    """
    ctx.resource = resource
    started = time.monotonic()
    with session_scope() as session:
        state = sync_state.state_of(session, ctx.org_id, resource)
        if sync_state.begin_pass(state, ctx.now, sync_state.new_pass_after(state, after, use_watermark)):
            log.info("org=%s resource=%s resuming the pass under way", ctx.slug, resource)
        assert state.pass_started_at is not None  # begin_pass started a pass or kept the one under way
        window = (state.pass_after, state.pass_started_at, state.resume_cursor)

    pass_after, pass_before, cursor = window
    with ctx.progress.bar(ctx.slug, resource) as advance:
        try:
            pages = fetch(pass_after, pass_before, cursor)
            first = next(pages, None)
        except MissingInRapidPro:
            if cursor is None:
                raise
            # RapidPro no longer knows the cursor: walk the pass's window again from its start.
            log.warning("org=%s resource=%s cursor refused; restarting the pass", ctx.slug, resource)
            pages = fetch(pass_after, pass_before, None)
            first = next(pages, None)
        page = first
        while page is not None:
            with session_scope() as session:
                # Each page commits together with its cursor, so a commit lost in a crash loses
                # its cursor too and the page is fetched again: no need to wait for the disk.
                session.execute(text("SET LOCAL synchronous_commit TO OFF"))
                counts = write(session, page)
                counts.malformed += len(page.malformed)
                state = sync_state.state_of(session, ctx.org_id, resource)
                sync_state.record_page(state, page.next_cursor, counts)
            advance(len(page.items) + len(page.malformed))
            page = next(pages, None)

    with session_scope() as session:
        state = sync_state.state_of(session, ctx.org_id, resource)
        counts = sync_state.complete_pass(state, ctx.now)
    return _finish(ctx, resource, counts, started)
