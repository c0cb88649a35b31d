"""Pushing stored actions to RapidPro: tried at once by the app, retried by every sync job.

Each action moves pending → sending → one of these, each step committed on its own:
- RapidPro accepts → done, with its answer as the result.
- RapidPro rejects (400) → failed, with RapidPro's reason in words; never retried. (A send
  refused for a contact RapidPro no longer has goes without it first: see handlers.)
- RapidPro certainly did not act (throttled, or no connection could be made) → pending again,
  retried after a backoff.
- RapidPro may have acted and its answer was lost (a timeout once the request was sent, a
  dropped connection, a 5xx) → maybe sent. So is an action whose push died while "sending"
  (its lease ran out).
A maybe-sent action is looked up in RapidPro once a request still under way there has surely
ended (SETTLE), and sent again only when RapidPro certainly does not have it. So an action is
never lost and never sent twice.

Nothing here depends on the org's sync: actions are pushed while its sync backs off too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select

from tracpro.db.connection import session_scope
from tracpro.db.models import OutboxAction, OutboxStatus
from tracpro.outbox.handlers import HANDLERS, dropped_note
from tracpro.outbox.lookup import SentLookup
from tracpro.rapidpro import MissingInRapidPro, OutcomeUnknown, RapidPro, RapidProError, RequestRejected

log = logging.getLogger("tracpro.outbox")

# A "sending" action untouched for this long belongs to a push that died.
SENDING_LEASE = timedelta(minutes=10)
# A maybe-sent action is looked up no sooner than this after its send: by then a request RapidPro
# was still working on has ended, and what it made has reached the replica the API reads.
SETTLE = timedelta(minutes=5)
RETRY_START = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)


def _due(org_id: int, now: datetime):
    return (
        select(OutboxAction)
        .where(
            OutboxAction.org_id == org_id,
            or_(
                (OutboxAction.status == OutboxStatus.PENDING)
                & or_(OutboxAction.next_attempt_at.is_(None), OutboxAction.next_attempt_at <= now),
                (OutboxAction.status == OutboxStatus.MAYBE_SENT) & (OutboxAction.next_attempt_at <= now),
                (OutboxAction.status == OutboxStatus.SENDING) & (OutboxAction.updated_at < now - SENDING_LEASE),
            ),
        )
        .order_by(OutboxAction.id)
    )


def _claim(action_id: int, now: datetime) -> tuple[OutboxAction, bool] | None:
    """Mark the action as being sent; returns it and whether an earlier push may have sent it."""
    with session_scope() as session:
        action = session.execute(
            select(OutboxAction).where(OutboxAction.id == action_id).with_for_update(skip_locked=True)
        ).scalar_one_or_none()
        if action is None or action.status in (OutboxStatus.DONE, OutboxStatus.FAILED):
            return None
        if action.status == OutboxStatus.SENDING and action.updated_at >= now - SENDING_LEASE:
            return None  # another process is sending it right now
        if action.status == OutboxStatus.MAYBE_SENT and action.next_attempt_at and action.next_attempt_at > now:
            return None  # a request RapidPro may still be working on: not looked up yet
        maybe_sent = action.status in (OutboxStatus.SENDING, OutboxStatus.MAYBE_SENT)
        action.status = OutboxStatus.SENDING
        action.attempts += 1
        action.updated_at = now
        session.flush()
        session.expunge(action)
        return action, maybe_sent


def _backoff(attempts: int) -> timedelta:
    return min(RETRY_START * 2 ** max(attempts - 1, 0), RETRY_CAP)


def _finish(sent: OutboxAction, now: datetime, status: OutboxStatus, *, result: dict[str, Any] | None = None,
            error: str | None = None) -> OutboxStatus:
    """Store the outcome of pushing `sent` (the claimed copy, whose payload the send may have
    narrowed), with the handler's bookkeeping in the same transaction."""
    with session_scope() as session:
        action = session.get_one(OutboxAction, sent.id)
        action.status = status
        action.updated_at = now
        if sent.payload != action.payload:
            action.payload = sent.payload
        if result is not None:
            action.result = result
        action.last_error = error
        handler = HANDLERS.get(action.kind)
        session.flush()  # the hooks below read the action's new status
        if status == OutboxStatus.DONE:
            action.completed_at = now
            action.last_error = dropped_note(session, action)
            if handler:
                handler.on_done(session, action)
        elif status == OutboxStatus.FAILED and handler:
            handler.on_failed(session, action)
        elif status == OutboxStatus.PENDING:
            action.next_attempt_at = now + _backoff(action.attempts)
        elif status == OutboxStatus.MAYBE_SENT:
            action.next_attempt_at = now + max(SETTLE, _backoff(action.attempts))
    return status


def push_action(rapidpro: RapidPro, action_id: int, now: datetime, lookup: SentLookup | None = None
                ) -> OutboxStatus | None:
    """Push one action if it is due; returns its new status (None when it was not ours to push).

    `lookup` (RapidPro's recent sends, read once) may be shared by the actions of one push."""
    pushed = _push(rapidpro, action_id, now, lookup)
    return pushed[0] if pushed else None


def _push(rapidpro: RapidPro, action_id: int, now: datetime, lookup: SentLookup | None
          ) -> tuple[OutboxStatus, bool] | None:
    """push_action's work: the new status, and whether RapidPro failed to answer its send."""
    claimed = _claim(action_id, now)
    if claimed is None:
        return None
    action, maybe_sent = claimed
    handler = HANDLERS.get(action.kind)
    if handler is None:
        error = f"TracPro does not know how to send '{action.kind}'."
        return _finish(action, now, OutboxStatus.FAILED, error=error), False
    if maybe_sent:
        try:
            found = handler.find_sent(lookup or SentLookup(rapidpro, action.org_id), action)
        except RapidProError as error:
            message = f"TracPro could not yet check whether RapidPro has this action: {error}"
            return _finish(action, now, OutboxStatus.MAYBE_SENT, error=message), False
        if found is not None:
            return _finish(action, now, OutboxStatus.DONE, result=found), False
    try:
        result = handler.send(rapidpro, action)
    except (RequestRejected, MissingInRapidPro) as refusal:
        return _finish(action, now, OutboxStatus.FAILED, error=str(refusal)), False
    except OutcomeUnknown as error:
        log.warning("RapidPro may have carried out outbox action %d; it will be looked up (%s)", action.id, error)
        return _finish(action, now, OutboxStatus.MAYBE_SENT, error=str(error)), True
    except RapidProError as error:
        return _finish(action, now, OutboxStatus.PENDING, error=str(error)), True
    return _finish(action, now, OutboxStatus.DONE, result=result), False


@dataclass
class Pushed:
    done: int = 0
    failed: int = 0
    pending: int = 0
    maybe_sent: int = 0
    # Due, but not tried: RapidPro stopped answering earlier in the push.
    waiting: int = 0

    def __str__(self) -> str:
        return (f"done={self.done} failed={self.failed} still_pending={self.pending} maybe_sent={self.maybe_sent} "
                f"not_tried={self.waiting}")


def push_pending(rapidpro: RapidPro, org_id: int, now: datetime) -> Pushed:
    """Push every due action of an org, oldest first, until RapidPro fails to answer a send (the
    rest wait for the next push rather than each wait out a timeout)."""
    with session_scope() as session:
        due = list(session.scalars(_due(org_id, now).with_only_columns(OutboxAction.id)))
    pushed = Pushed()
    lookup = SentLookup(rapidpro, org_id)
    for position, action_id in enumerate(due):
        outcome = _push(rapidpro, action_id, now, lookup)
        if outcome is None:
            continue
        status, unanswered = outcome
        name = {OutboxStatus.DONE: "done", OutboxStatus.FAILED: "failed", OutboxStatus.PENDING: "pending",
                OutboxStatus.MAYBE_SENT: "maybe_sent"}[status]
        setattr(pushed, name, getattr(pushed, name) + 1)
        if unanswered:
            pushed.waiting = len(due) - position - 1
            break
    return pushed
