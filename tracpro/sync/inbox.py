"""Inbox messages (incoming, not handled by a flow) of the last 7 days, re-read whole each pass."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from tracpro.db.models import Direction, InboxMessage
from tracpro.db.upsert import upsert
from tracpro.sync.contacts import ensure_contacts
from tracpro.sync.counts import Counts
from tracpro.sync.engine import SyncContext, sync_full_set

INBOX_DAYS = 7


def message_row(org_id: int, contact_id: int, message: Any) -> dict[str, Any]:
    return {
        "org_id": org_id,
        "uuid": message.uuid,
        "contact_id": contact_id,
        "text": message.text or "",
        "direction": Direction.OUT if message.direction == "out" else Direction.IN,
        "status": message.status or "",
        "archived": message.visibility == "archived",
        "created_on": message.created_on,
        "sent_on": message.sent_on,
    }


def inbox_since(ctx: SyncContext) -> datetime:
    """The org-local midnight INBOX_DAYS days ago: passes on the same day read the same window."""
    return datetime.combine(ctx.local_date(ctx.now) - timedelta(days=INBOX_DAYS), time(), ctx.timezone)


def sync_inbox(ctx: SyncContext) -> Counts:
    messages = [
        message
        for message in ctx.rapidpro.all("messages", folder="inbox", after=inbox_since(ctx))
        if message.contact is not None and message.uuid
    ]

    def write(session: Session) -> Counts:
        contacts = ensure_contacts(session, ctx.org_id, {message.contact.uuid for message in messages}, ctx.contact_ids)
        rows = [message_row(ctx.org_id, contacts[message.contact.uuid], message) for message in messages]
        return Counts.of(upsert(session, InboxMessage.__table__, rows, key=("org_id", "uuid")))

    return sync_full_set(ctx, "inbox", write)
