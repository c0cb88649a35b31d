"""Trying a user's actions at once, from the app: what the next sync job would do, done now.

A page must not hang on a slow or absent RapidPro, so each action gets one attempt with a short
timeout, and once RapidPro fails to answer the rest are not tried: whatever is neither accepted
nor refused stays pending for the sync job, or is "maybe sent" when the request reached RapidPro
and its answer did not come back in time, and the sync job looks it up in RapidPro before
sending it again (tracpro.outbox.pusher).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from tracpro.db.connection import session_scope
from tracpro.db.models import Org, OutboxAction, OutboxStatus
from tracpro.db.token_cipher import TokenKeyError, decrypt_token
from tracpro.outbox.pusher import push_action
from tracpro.rapidpro import RapidPro, RetryPolicy

log = logging.getLogger(__name__)

IMMEDIATE_TIMEOUT_SECONDS = 10.0


def _statuses(action_ids: Sequence[int]) -> dict[int, OutboxStatus]:
    with session_scope() as session:
        return dict(session.execute(select(OutboxAction.id, OutboxAction.status)
                                    .where(OutboxAction.id.in_(list(action_ids)))).all())


def try_now(org_id: int, action_ids: Sequence[int], now: datetime) -> dict[int, OutboxStatus]:
    """Push the org's actions `action_ids` (stored and committed already) at `now`; their statuses after."""
    with session_scope() as session:
        org = session.get(Org, org_id)
        host, encrypted_token = (org.rapidpro_host, org.rapidpro_token_encrypted) if org is not None else ("", "")
    try:
        token = decrypt_token(encrypted_token)
    except TokenKeyError as error:  # the sync job reports it, on the Sync page too; the actions wait for it
        log.warning("org_id=%s actions left to the sync job: %s", org_id, error)
        token = ""
    if host and token:
        rapidpro = RapidPro(host, token, RetryPolicy(attempts=1), timeout=IMMEDIATE_TIMEOUT_SECONDS)
        for action_id in action_ids:
            if push_action(rapidpro, action_id, now) in (OutboxStatus.PENDING, OutboxStatus.MAYBE_SENT):
                break  # RapidPro is not answering: the sync job will send the rest
    return _statuses(action_ids)
