"""Runs RapidPro keeps only in its archives: those older than its retention period.

RapidPro's archiver (90 days on hosted RapidPro) moves old runs out of runs.json into gzipped
files of JSON lines, a file per UTC day and, once a month is over, one per month; archives.json
lists them with their MD5 hash and a temporary download link. A pass whose window reaches back
past that horizon (an org's or a poll's first sync, "Fetch older runs", a sync after a long
outage) reads the archives covering its window too:

- Before the live walk, each active poll's window start (the overlap before its watermark, the
  start of the pass under way, or the older-runs request's; none: everything) is recorded as wanted in the
  "archives" sync state. It stays until the archives covering it are read, so a job stopped
  between the live walk and the archives still reads them on its next pass.
- After the live walk, the archives are listed (one made meanwhile holds what the walk could no
  longer find). Each one overlapping a wanted window and not read yet for those polls is
  downloaded to a temporary file, checked against its MD5 hash, and its runs of those polls
  written a page per transaction.
- When an archive's last page is written, its days are recorded as read for those polls, in
  the same transaction: a stopped read resumes at the next archive, a monthly archive rolled up
  from days already read is skipped, and a poll chosen later still gets its archived runs.

How an archived run is stored (its pollrun, and what a run already stored keeps) is the runs
writer's business (tracpro.sync.runs.write_archived_runs).
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracpro.db.connection import session_scope
from tracpro.db.models import SyncState
from tracpro.rapidpro import LinkRefused, RapidProError, Throttled
from tracpro.sync import state as sync_state
from tracpro.sync.counts import Counts
from tracpro.sync.engine import SyncContext, TimeUp, is_fatal, record_failure, why_stopped

log = logging.getLogger("tracpro.sync")

RESOURCE = "archives"
_BATCH = 250  # runs of one poll written together, as a page of runs.json holds
ArchivedRunsWriter = Callable[[Session, int, list[Any]], Counts]  # (session, poll id, runs) -> counts


def want_archived_runs(ctx: SyncContext, flows: list[str], after: datetime | None) -> None:
    """Record, before the live walk, from when each poll's runs are wanted from the archives too.

    A poll's window is the live walk's: the one of its pass under way, or else from the overlap
    before its watermark, or from `after` when that is earlier ("fetch older runs"); no start
    means all of its history.
    A wanted window already recorded and not read yet is kept, widened if need be.
    """
    with session_scope() as session:
        archives = sync_state.state_of(session, ctx.org_id, RESOURCE)
        wanted = dict(archives.details.get("wanted", {}))
        passes = {state.resource: state for state in session.scalars(
            select(SyncState).where(SyncState.org_id == ctx.org_id,
                                    SyncState.resource.in_([f"runs:{flow}" for flow in flows])))}
        for flow in flows:
            runs = passes.get(f"runs:{flow}")
            if runs is not None and runs.pass_started_at is not None:
                start = runs.pass_after  # the live walk resumes its pass under way, window and all
            else:
                start = sync_state.new_pass_after(runs, ctx.overlap, after)
            if flow in wanted:
                start = _earliest(start, _moment(wanted[flow]))
            wanted[flow] = start.isoformat() if start else None
        archives.details = {**archives.details, "wanted": wanted}


def sync_archived_runs(ctx: SyncContext, polls: dict[str, int], write: ArchivedRunsWriter) -> Counts:
    """Read the archives the wanted windows of `polls` (poll id by flow uuid) need; the runs' counts.

    Like a walk, the read stops between archives when the org's time for this run is up or
    RapidPro's rate limit outlasts the pass's budget, and goes on at the next run (the archives
    read so far are recorded as read); a failure of its own is recorded against "archives".
    """
    ctx.resource = RESOURCE
    started = time.monotonic()
    if ctx.out_of_time():
        ctx.unfinished[RESOURCE] = TimeUp.reason
        return Counts()
    with session_scope() as session:
        state = sync_state.state_of(session, ctx.org_id, RESOURCE)
        sync_state.begin_pass(state, ctx.now, after=None)
        wanted = {flow: _moment(start) for flow, start in state.details.get("wanted", {}).items() if flow in polls}
    try:
        if wanted:
            _read_wanted(ctx, wanted, polls, write)
    except (Throttled, TimeUp) as error:
        ctx.unfinished[RESOURCE] = why_stopped(error)
        log.warning("org=%s resource=%s stopped: %s", ctx.slug, RESOURCE, error)
        return _so_far(ctx, started)
    except Exception as error:
        if is_fatal(error):
            raise
        record_failure(ctx, RESOURCE, error)
        return _so_far(ctx, started)
    with session_scope() as session:
        state = sync_state.state_of(session, ctx.org_id, RESOURCE)
        # Everything wanted is read: what a later pass wants is recorded anew by its own start.
        state.details = {**state.details, "wanted": {
            flow: start for flow, start in state.details.get("wanted", {}).items() if flow not in wanted}}
        counts = sync_state.complete_pass(state, ctx.now)
    ctx.progress.finished(ctx.slug, RESOURCE, counts, time.monotonic() - started)
    return counts


def _read_wanted(ctx: SyncContext, wanted: dict[str, datetime | None], polls: dict[str, int],
                 write: ArchivedRunsWriter) -> None:
    earliest = min(wanted.values(), key=lambda moment: moment or datetime.min.replace(tzinfo=UTC))
    # archives.json filters on the start date: a monthly archive covering `earliest` starts on the 1st.
    listed = ctx.rapidpro.archives("run", after=_month_start(earliest) if earliest else None)
    with ctx.progress.bar(ctx.slug, RESOURCE) as advance:
        for archive in sorted(listed, key=lambda archive: archive.start_date):
            flows = _needing(archive, wanted, _read(ctx))
            if flows:
                if ctx.out_of_time():
                    raise TimeUp()
                _read_archive(ctx, archive, flows, polls, write, advance)


def _so_far(ctx: SyncContext, started: float) -> Counts:
    """The counts of the pass under way, for a read that stopped early (it resumes next run)."""
    with session_scope() as session:
        counts = Counts.from_dict(sync_state.state_of(session, ctx.org_id, RESOURCE).pass_counts)
    ctx.progress.finished(ctx.slug, RESOURCE, counts, time.monotonic() - started)
    return counts


def _read_archive(ctx: SyncContext, archive: Any, flows: list[str], polls: dict[str, int],
                  write: ArchivedRunsWriter, advance: Callable[[int], object]) -> None:
    """Write the runs of `flows` in one archive, then record its days as read for them."""
    start, end = _span(archive)
    if not archive.record_count or not archive.download_url:  # an empty archive has no file
        with session_scope() as session:
            _record_read(session, ctx, flows, start, end)
        return
    with tempfile.TemporaryFile(prefix="tracpro-archive-") as file:
        _download(ctx, archive, file)
        # An archive mixes every flow's runs: they are gathered per poll and written a batch at a
        # time, as live pages are, the rest with the record that the archive is read.
        waiting: dict[int, list[Any]] = {}
        malformed = 0
        for page in ctx.rapidpro.archived_runs(file, set(flows), page_size=_BATCH):
            malformed += len(page.malformed)
            for run in page.items:
                batch = waiting.setdefault(polls[run.flow.uuid], [])
                batch.append(run)
                if len(batch) == _BATCH:
                    _write(ctx, {polls[run.flow.uuid]: waiting.pop(polls[run.flow.uuid])}, write, 0)
            advance(len(page.items) + len(page.malformed))
        with session_scope() as session:
            _write_in(session, ctx, waiting, write, malformed)
            _record_read(session, ctx, flows, start, end)
    log.info("org=%s read RapidPro's %s run archive of %s for %d poll(s)", ctx.slug, archive.period, start,
             len(flows))


def _write(ctx: SyncContext, batches: dict[int, list[Any]], write: ArchivedRunsWriter, malformed: int) -> None:
    with session_scope() as session:
        _write_in(session, ctx, batches, write, malformed)


def _write_in(session: Session, ctx: SyncContext, batches: dict[int, list[Any]], write: ArchivedRunsWriter,
              malformed: int) -> None:
    counts = Counts(malformed=malformed)
    for poll_id, runs in batches.items():
        counts.add(write(session, poll_id, runs))
    sync_state.add_counts(sync_state.state_of(session, ctx.org_id, RESOURCE), counts)


def _download(ctx: SyncContext, archive: Any, file: IO[bytes]) -> None:
    """The archive's file, its hash checked; a link refused (expired, say) is asked for again, once."""
    try:
        digest = ctx.rapidpro.download(archive.download_url, file)
    except LinkRefused:
        fresh = next((listed for listed in ctx.rapidpro.archives("run", after=archive.start_date)
                      if (listed.start_date, listed.period) == (archive.start_date, archive.period)), None)
        if fresh is None or not fresh.download_url:
            raise
        digest = ctx.rapidpro.download(fresh.download_url, file)
    if digest != archive.hash:
        raise RapidProError(f"RapidPro's {archive.period} run archive of {archive.start_date:%Y-%m-%d} did not "
                            f"match its hash once downloaded; it is downloaded again on the next sync.")


def _needing(archive: Any, wanted: dict[str, datetime | None], read: dict[str, list[list[str]]]) -> list[str]:
    """The wanted polls whose window the archive overlaps and whose runs in it are not read yet."""
    start, end = _span(archive)
    end_moment = datetime.combine(end, datetime.min.time(), UTC)
    return sorted(flow for flow, since in wanted.items()
                  if (since is None or end_moment > since) and not _covered(read.get(flow, []), start, end))


def _read(ctx: SyncContext) -> dict[str, list[list[str]]]:
    with session_scope() as session:
        return dict(sync_state.state_of(session, ctx.org_id, RESOURCE).details.get("read", {}))


def _record_read(session: Session, ctx: SyncContext, flows: list[str], start: date, end: date) -> None:
    """Add [start, end) to the days read of each poll (kept as merged intervals of ISO dates)."""
    state = sync_state.state_of(session, ctx.org_id, RESOURCE)
    read = dict(state.details.get("read", {}))
    for flow in flows:
        read[flow] = _merged([*read.get(flow, []), [start.isoformat(), end.isoformat()]])
    state.details = {**state.details, "read": read}


def _merged(intervals: list[list[str]]) -> list[list[str]]:
    out: list[list[str]] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return out


def _covered(intervals: list[list[str]], start: date, end: date) -> bool:
    return any(a <= start.isoformat() and end.isoformat() <= b for a, b in intervals)


def _span(archive: Any) -> tuple[date, date]:
    """The UTC days an archive covers, [start, end)."""
    start = archive.start_date.astimezone(UTC).date()
    if archive.period == "daily":
        return start, start + timedelta(days=1)
    return start, (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def _month_start(moment: datetime) -> datetime:
    return datetime.combine(moment.astimezone(UTC).date().replace(day=1), datetime.min.time(), UTC)


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    """The earlier start; none (all history) is the earliest of all."""
    return None if a is None or b is None else min(a, b)
