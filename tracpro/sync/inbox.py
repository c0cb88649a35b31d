"""Inbox messages (incoming, not handled by a flow) of the last 7 days, re-read whole each pass.

A message is known by its RapidPro `uuid`; a self-hosted v9 server gives none, only an integer
`id`, by which its messages are kept instead.
"""

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
        "uuid": message.uuid or None,
        # Stored only for a message without a uuid, so no two messages ever compete for one id.
        "rapidpro_id": None if message.uuid else message.id,
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
        if message.contact is not None and (message.uuid or message.id is not None)
    ]

    def write(session: Session) -> Counts:
        contacts = ensure_contacts(session, ctx.org_id, {message.contact.uuid for message in messages}, ctx.contact_ids)
        rows = [message_row(ctx.org_id, contacts[message.contact.uuid], message) for message in messages]
        by_uuid = [row for row in rows if row["uuid"]]
        by_id = [row for row in rows if not row["uuid"]]
        counts = Counts.of(upsert(session, InboxMessage.__table__, by_uuid, key=("org_id", "uuid")))
        return counts.add(Counts.of(upsert(session, InboxMessage.__table__, by_id, key=("org_id", "rapidpro_id"))))

    return sync_full_set(ctx, "inbox", write)
