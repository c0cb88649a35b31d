"""One sync pass per org, in order: fields → groups → boundaries → contacts → group members → flows
(and questions) → runs → summaries → inbox → outbox. Orgs are independent: one failing backs off (30
minutes, doubling, at most a day) while the others sync.

The outbox is pushed in every case: after a stage failed, and while the org backs off. Users'
actions do not wait on the sync's troubles (a throttled or failing read says nothing about
whether a write will go through)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tracpro.config import load_settings
from tracpro.db.connection import session_scope
from tracpro.db.models import Org
from tracpro.db.token_cipher import TokenKeyError, decrypt_token
from tracpro.outbox.pusher import Pushed, push_pending
from tracpro.rapidpro import RapidPro, RapidProError, RetryPolicy
from tracpro.sync import state as sync_state
from tracpro.sync.boundaries import sync_boundaries
from tracpro.sync.contacts import sync_contacts
from tracpro.sync.counts import Counts
from tracpro.sync.engine import SyncContext
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
    FAILED = "failed"
    BUSY = "busy"  # another sync job holds the org
    BACKING_OFF = "backing off"  # failed recently; not yet time to try again


@dataclass
class OrgOutcome:
    slug: str
    status: OrgStatus
    message: str = ""
    counts: dict[str, Counts] = field(default_factory=dict)


def _stages(ctx: SyncContext, days: int | None) -> list[tuple[str, Callable[[], object]]]:
    older = ctx.now - timedelta(days=days) if days else None
    return [
        ("fields", lambda: sync_fields(ctx)),
        ("groups", lambda: sync_groups(ctx)),
        ("boundaries", lambda: sync_boundaries(ctx)),
        ("contacts", lambda: sync_contacts(ctx)),
        # Tracked groups whose members may be off (a smart group re-evaluated, a count that disagrees).
        ("group_members", lambda: sync_group_members(ctx)),
        ("flows", lambda: sync_flows(ctx)),
        ("runs", lambda: sync_runs(ctx, after=older)),
        # Home's and Activity's counts, recomputed from what contacts and runs just wrote.
        ("summaries", lambda: sync_summaries(ctx)),
        ("inbox", lambda: sync_inbox(ctx)),
    ]


def _push_outbox(ctx: SyncContext) -> Pushed:
    ctx.resource = "outbox"
    started = time.monotonic()
    pushed = push_pending(ctx.rapidpro, ctx.org_id, ctx.now)
    ctx.progress.finished(ctx.slug, "outbox", pushed, time.monotonic() - started)
    return pushed


def _push_outbox_safely(ctx: SyncContext) -> str | None:
    """Push the org's pending actions; returns why that failed, if it did (its actions stay as they
    were: pending, or maybe sent and looked up next time)."""
    try:
        _push_outbox(ctx)
    except Exception as error:
        if not isinstance(error, RapidProError):
            log.exception("org=%s resource=outbox failed", ctx.slug)
        log.error("org=%s resource=outbox failed: %s", ctx.slug, describe(error))
        return describe(error)
    return None


def _connect(host: str, token: str, retry: RetryPolicy | None) -> RapidPro:
    return RapidPro(host, token, retry, timeout=load_settings().rapidpro_timeout)


def describe(error: BaseException) -> str:
    if isinstance(error, RapidProError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def sync_org(
    org_id: int,
    *,
    days: int | None = None,
    force: bool = False,
    clock: Callable[[], datetime],
    progress: Progress | None = None,
    retry: RetryPolicy | None = None,
    connect: Callable[..., RapidPro] | None = None,
) -> OrgOutcome:
    """Sync one org unless another job holds it or it is backing off (`force` ignores backoff).
    `clock()` dates the pass (RapidPro is asked for what changed up to it) and its outcome."""
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
        ctx = SyncContext(org_id, slug, timezone, mode, rapidpro, now, progress or Progress())
        with session_scope() as session:
            org_state = sync_state.state_of(session, org_id, sync_state.ORG_RESOURCE)
            waiting_until, last_error = org_state.next_allowed_at, org_state.last_error
        if not force and waiting_until is not None and waiting_until > now:
            message = f"failing, next try after {waiting_until:%Y-%m-%d %H:%M} UTC ({last_error})"
            log.warning("org=%s %s", slug, message)
            _push_outbox_safely(ctx)
            return OrgOutcome(slug, OrgStatus.BACKING_OFF, message)
        outcome = OrgOutcome(slug, OrgStatus.SYNCED)
        try:
            for name, stage in _stages(ctx, days):
                ctx.resource = name  # the engine narrows it (e.g. "runs:<flow uuid>") as it goes
                result = stage()
                if isinstance(result, Counts):
                    outcome.counts[name] = result
        except Exception as error:  # any failure ends this org's pass, never the job
            outcome.status, outcome.message = OrgStatus.FAILED, describe(error)
            if not isinstance(error, RapidProError):
                log.exception("org=%s resource=%s failed", slug, ctx.resource)
            log.error("org=%s resource=%s failed: %s", slug, ctx.resource, outcome.message)
            with session_scope() as session:
                if ctx.resource:
                    resource_state = sync_state.state_of(session, org_id, ctx.resource)
                    sync_state.record_failure(resource_state, clock(), outcome.message)
        outbox_failed = _push_outbox_safely(ctx)
        if outbox_failed and outcome.status == OrgStatus.SYNCED:
            outcome.status, outcome.message = OrgStatus.FAILED, outbox_failed
            with session_scope() as session:
                sync_state.record_failure(sync_state.state_of(session, org_id, "outbox"), clock(), outbox_failed)
        with session_scope() as session:
            total = Counts()
            for counts in outcome.counts.values():
                total.add(counts)
            sync_state.record_org_outcome(
                session, org_id, clock(), outcome.message if outcome.status == OrgStatus.FAILED else None, total
            )
        return outcome


def orgs_to_sync(slug: str | None = None) -> list[int]:
    with session_scope() as session:
        query = select(Org.id).where(Org.is_active, Org.rapidpro_token_encrypted != "").order_by(Org.id)
        if slug is not None:
            query = select(Org.id).where(Org.slug == slug)
        return list(session.scalars(query))
