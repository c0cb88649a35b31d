"""Pushing stored actions to RapidPro: tried at once by the app, retried by every sync job.

Each action moves pending → sending → done | failed, each step committed on its own:
- RapidPro accepts → done, with its answer as the result.
- RapidPro rejects (400) → failed, with RapidPro's reason in words; never retried.
- RapidPro unavailable (throttled, down, timing out) → pending again, retried after a backoff.
- A push that died while "sending" (its lease expired) may or may not have reached RapidPro:
  the action's handler looks for it there first, and sends it only if it is not found.
So an action is never lost and never sent twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from tracpro.db.connection import session_scope
from tracpro.db.models import OutboxAction, OutboxStatus
from tracpro.outbox.handlers import HANDLERS
from tracpro.rapidpro import RapidPro, RapidProError, RequestRejected

log = logging.getLogger("tracpro.outbox")

# A "sending" action untouched for this long belongs to a push that died.
SENDING_LEASE = timedelta(minutes=10)
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
        interrupted = action.status == OutboxStatus.SENDING
        action.status = OutboxStatus.SENDING
        action.attempts += 1
        action.updated_at = now
        session.flush()
        session.expunge(action)
        return action, interrupted


def _finish(action_id: int, now: datetime, status: OutboxStatus, *, result=None, error=None) -> None:
    with session_scope() as session:
        action = session.get_one(OutboxAction, action_id)
        action.status = status
        action.updated_at = now
        if result is not None:
            action.result = result
        action.last_error = error
        handler = HANDLERS.get(action.kind)
        session.flush()  # the hooks below read the action's new status
        if status == OutboxStatus.DONE:
            action.completed_at = now
            if handler:
                handler.on_done(session, action)
        elif status == OutboxStatus.FAILED and handler:
            handler.on_failed(session, action)
        elif status == OutboxStatus.PENDING:
            action.next_attempt_at = now + min(RETRY_START * 2 ** max(action.attempts - 1, 0), RETRY_CAP)


def push_action(rapidpro: RapidPro, action_id: int, now: datetime) -> OutboxStatus | None:
    """Push one action if it is due; returns its new status (None when it was not ours to push)."""
    claimed = _claim(action_id, now)
    if claimed is None:
        return None
    action, interrupted = claimed
    handler = HANDLERS.get(action.kind)
    if handler is None:
        _finish(action.id, now, OutboxStatus.FAILED, error=f"TracPro does not know how to send '{action.kind}'.")
        return OutboxStatus.FAILED
    try:
        found = handler.find_sent(rapidpro, action, action.created_at) if interrupted else None
        result = found if found is not None else handler.send(rapidpro, action)
    except RequestRejected as rejection:
        _finish(action.id, now, OutboxStatus.FAILED, error=str(rejection))
        return OutboxStatus.FAILED
    except RapidProError as error:
        _finish(action.id, now, OutboxStatus.PENDING, error=str(error))
        return OutboxStatus.PENDING
    _finish(action.id, now, OutboxStatus.DONE, result=result)
    return OutboxStatus.DONE


@dataclass
class Pushed:
    done: int = 0
    failed: int = 0
    pending: int = 0

    def __str__(self) -> str:
        return f"done={self.done} failed={self.failed} still_pending={self.pending}"


def push_pending(rapidpro: RapidPro, org_id: int, now: datetime) -> Pushed:
    """Push every due action of an org, oldest first."""
    with session_scope() as session:
        due = list(session.scalars(_due(org_id, now).with_only_columns(OutboxAction.id)))
    pushed = Pushed()
    for action_id in due:
        status = push_action(rapidpro, action_id, now)
        if status is not None:
            name = {OutboxStatus.DONE: "done", OutboxStatus.FAILED: "failed", OutboxStatus.PENDING: "pending"}[status]
            setattr(pushed, name, getattr(pushed, name) + 1)
    return pushed
