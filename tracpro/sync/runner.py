"""One sync pass per org, in order: fields → groups → boundaries → contacts → group members → flows
(and questions) → runs → summaries → inbox → outbox.

Orgs are independent, and so are resources within an org's pass: one that fails is recorded
against itself (its error on the Sync page, its position kept) and the others still sync, except
that runs wait for a pass whose flows synced (answers are written against the questions the flows
give; runs written against stale questions would lose answers to new ones for good, since a run
is read again only when it changes). What every other request would meet too (RapidPro
unreachable or refusing the token) ends the org's pass, and the org backs off (30 minutes,
doubling, at most a day); a lost database ends the job (tracpro.db.connection.is_database_lost).
A resource stopped by RapidPro's rate limit goes on from where it is at the next run.
The outbox is pushed in every case, even while the org backs off: users' actions do not wait on
the sync's troubles.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tracpro.config import load_settings
from tracpro.db.connection import is_database_lost, session_scope
from tracpro.db.models import Org
from tracpro.db.token_cipher import TokenKeyError, decrypt_token
from tracpro.outbox.pusher import Pushed, push_pending
from tracpro.rapidpro import IncompleteListing, RapidPro, RetryPolicy, Throttled
from tracpro.sync import malformed
from tracpro.sync import state as sync_state
from tracpro.sync.boundaries import sync_boundaries
from tracpro.sync.contacts import sync_contacts
from tracpro.sync.counts import Counts
from tracpro.sync.engine import SyncContext, describe, is_fatal, record_failure, why_stopped
from tracpro.sync.fields import sync_fields
from tracpro.sync.flows import sync_flows
from tracpro.sync.group_members import sync_group_members
from tracpro.sync.groups import sync_groups
from tracpro.sync.inbox import sync_inbox
from tracpro.sync.progress import Progress
from tracpro.sync.runs import sync_runs
from tracpro.sync.summaries import sync_summaries

log = logging.getLogger("tracpro.sync")


class OrgStatus(StrEnum):
    SYNCED = "synced"
    PARTLY = "partly synced"  # some resources failed, the others synced
    FAILED = "failed"
    BUSY = "busy"  # another sync job holds the org
    BACKING_OFF = "backing off"  # failed recently; not yet time to try again


@dataclass
class OrgOutcome:
    slug: str
    status: OrgStatus
    message: str = ""
    counts: dict[str, Counts] = field(default_factory=dict)
    # Resources that failed (-> why), and those that stopped early to go on next run (-> why).
    failed: dict[str, str] = field(default_factory=dict)
    unfinished: dict[str, str] = field(default_factory=dict)
    # Items RapidPro sent that could not be read, kept aside (tracpro.sync.malformed).
    kept_aside: int = 0

    def as_details(self) -> dict[str, Any]:
        """The outcome as data (no words, no slug): what a sync request keeps for the Sync page to
        word in its viewer's language (tracpro.queries.sync_status.outcome_words)."""
        return {
            "status": self.status.value,
            "changes": {name: {"created": counts.created, "updated": counts.updated, "deleted": counts.deleted}
                        for name, counts in self.counts.items() if counts.changed},
            "failed": sorted(self.failed), "unfinished": sorted(self.unfinished), "kept_aside": self.kept_aside,
            "reason": self.message,
        }


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[], object]
    # Stages that must have synced in this pass for this one to run.
    needs: tuple[str, ...] = ()


def _stages(ctx: SyncContext, days: int | None) -> list[Stage]:
    older = ctx.now - timedelta(days=days) if days else None
    return [
        Stage("fields", lambda: sync_fields(ctx)),
        Stage("groups", lambda: sync_groups(ctx)),
        Stage("boundaries", lambda: sync_boundaries(ctx)),
        Stage("contacts", lambda: sync_contacts(ctx)),
        # Tracked groups whose members may be off (a smart group re-evaluated, a count that disagrees);
        # not while the contacts are part-read (a first sync across runs), when every count disagrees.
        Stage("group_members", lambda: sync_group_members(ctx), needs=("contacts",)),
        Stage("flows", lambda: sync_flows(ctx)),
        Stage("runs", lambda: sync_runs(ctx, after=older), needs=("flows",)),
        # Home's and Activity's counts, recomputed from what contacts and runs just wrote.
        Stage("summaries", lambda: sync_summaries(ctx)),
        Stage("inbox", lambda: sync_inbox(ctx)),
    ]


def _push_outbox(ctx: SyncContext) -> Pushed:
    ctx.resource = "outbox"
    started = time.monotonic()
    pushed = push_pending(ctx.rapidpro, ctx.org_id, ctx.now)
    ctx.progress.finished(ctx.slug, "outbox", pushed, time.monotonic() - started)
    return pushed


def _connect(host: str, token: str, retry: RetryPolicy | None) -> RapidPro:
    settings = load_settings()
    return RapidPro(host, token, retry, timeout=settings.rapidpro_timeout, throttle_wait=settings.throttle_wait)


def _overlap() -> timedelta:
    return timedelta(seconds=load_settings().sync_overlap)


def _time_limit() -> Callable[[], bool]:
    """Whether the org's time for this run (TRACPRO_SYNC_PASS_SECONDS from now; 0: none) is up."""
    seconds = load_settings().sync_pass_seconds
    if not seconds:
        return lambda: False
    deadline = time.monotonic() + seconds
    return lambda: time.monotonic() >= deadline


def _run_stages(ctx: SyncContext, days: int | None, outcome: OrgOutcome) -> None:
    """Every stage that can run; a stage's failure is its own unless `is_fatal` (raised)."""
    for stage in _stages(ctx, days):
        ctx.resource = stage.name  # the engine narrows it (e.g. "runs:<flow uuid>") as it goes
        not_synced = [*ctx.failed, *ctx.unfinished]
        waiting_for = [need for need in stage.needs if any(_is(resource, need) for resource in not_synced)]
        if waiting_for:
            ctx.unfinished[stage.name] = f"waits for {', '.join(waiting_for)} to sync"
            continue
        try:
            result = stage.run()
        except Throttled as error:
            ctx.unfinished[ctx.resource or stage.name] = why_stopped(error)
            continue
        except Exception as error:
            if is_fatal(error):
                raise
            if isinstance(error, IncompleteListing):
                with session_scope() as session:
                    malformed.keep(session, ctx.org_id, ctx.resource or stage.name, error.malformed, ctx.now)
            record_failure(ctx, ctx.resource or stage.name, error)
            continue
        if isinstance(result, Counts):
            outcome.counts[stage.name] = result


def _is(resource: str, stage: str) -> bool:
    """Whether a resource belongs to a stage: "runs:<flow>" to runs, "questions" to flows, ...
    One poll's questions ("questions:<flow>") are that poll's alone: its runs wait for them
    (tracpro.sync.runs), the stage does not."""
    kind = resource.partition(":")[0]
    return kind == stage or (stage == "flows" and resource == "questions") or (
        stage == "contacts" and kind == "deleted_contacts")


def sync_org(
    org_id: int,
    *,
    days: int | None = None,
    force: bool = False,
    clock: Callable[[], datetime],
    progress: Progress | None = None,
    retry: RetryPolicy | None = None,
    connect: Callable[..., RapidPro] | None = None,
    out_of_time: Callable[[], bool] | None = None,
) -> OrgOutcome:
    """Sync one org unless another job holds it or it is backing off (`force` ignores backoff);
    its outbox is pushed either way. `clock()` dates the pass (RapidPro is asked for what changed
    up to it) and its outcome. `out_of_time()` says when the org's time for this run is up (by
    default TRACPRO_SYNC_PASS_SECONDS after it starts): what is left goes on at the next run.
    A lost database raises (the job ends or, looping, tries again)."""
    with session_scope() as session:
        org = session.get_one(Org, org_id)
        slug, host, encrypted_token = org.slug, org.rapidpro_host, org.rapidpro_token_encrypted
        timezone, mode = ZoneInfo(org.timezone), org.sameday_mode
    with sync_state.org_lock(org_id) as acquired:
        if not acquired:
            log.warning("org=%s is busy: another sync job is syncing it; skipped", slug)
            return OrgOutcome(slug, OrgStatus.BUSY, "another sync job is syncing this org")
        now = clock()
        try:  # the one place the sync job decrypts the token: to build the client that sends it
            token = decrypt_token(encrypted_token)
        except TokenKeyError as error:
            log.error("org=%s cannot be synced: %s", slug, error)
            with session_scope() as session:
                sync_state.record_org_outcome(session, org_id, now, str(error), Counts())
            return OrgOutcome(slug, OrgStatus.FAILED, str(error))
        rapidpro = (connect or _connect)(host, token, retry)
        ctx = SyncContext(org_id, slug, timezone, mode, rapidpro, now, progress or Progress(), overlap=_overlap(),
                          out_of_time=out_of_time or _time_limit())
        with session_scope() as session:
            org_state = sync_state.state_of(session, org_id, sync_state.ORG_RESOURCE)
            waiting_until, last_error = org_state.next_allowed_at, org_state.last_error
        if not force and waiting_until is not None and waiting_until > now:
            message = f"failing, next try after {waiting_until:%Y-%m-%d %H:%M} UTC ({last_error})"
            log.warning("org=%s %s", slug, message)
            _push_outbox_safely(ctx)
            return OrgOutcome(slug, OrgStatus.BACKING_OFF, message)
        outcome = OrgOutcome(slug, OrgStatus.SYNCED)
        with session_scope() as session:
            sync_state.begin_catch_up(session, org_id, now)
        try:
            _run_stages(ctx, days, outcome)
        except Exception as error:  # RapidPro unreachable or refusing the token: the org's pass ends
            if not is_fatal(error) or is_database_lost(error):
                raise
            outcome.status, outcome.message = OrgStatus.FAILED, describe(error)
            record_failure(ctx, ctx.resource or "org", error)
        _push_outbox_safely(ctx)
        outcome.failed, outcome.unfinished = dict(ctx.failed), dict(ctx.unfinished)
        if outcome.status == OrgStatus.SYNCED and outcome.failed:
            outcome.status = OrgStatus.PARTLY
            outcome.message = "; ".join(f"{resource}: {why}" for resource, why in outcome.failed.items())
        with session_scope() as session:
            total = Counts()
            for counts in outcome.counts.values():
                total.add(counts)
            sync_state.record_org_outcome(session, org_id, clock(), outcome.message or None, total,
                                          back_off=outcome.status == OrgStatus.FAILED)
            sync_state.end_catch_up(session, org_id)
            outcome.kept_aside = malformed.count(session, org_id)
        return outcome


def _push_outbox_safely(ctx: SyncContext) -> None:
    """Push the org's pending actions. A failure here is the outbox's own, recorded against it:
    its actions stay as they were (pending, or maybe sent and looked up next time), and a throttled
    or failing read says nothing about whether a write will go through."""
    try:
        _push_outbox(ctx)
    except Exception as error:
        if is_database_lost(error):
            raise
        record_failure(ctx, "outbox", error)


def orgs_to_sync(slug: str | None = None) -> list[int]:
    with session_scope() as session:
        query = select(Org.id).where(Org.is_active, Org.rapidpro_token_encrypted != "").order_by(Org.id)
        if slug is not None:
            query = select(Org.id).where(Org.slug == slug)
        return list(session.scalars(query))
