"""How each kind of outbox action is sent to RapidPro, and how a send that may have happened
before a crash is recognised afterwards (so that nothing is sent twice).

A handler's `send` returns what RapidPro answered (stored as the action's result); its
`find_sent` looks in RapidPro for the action having been carried out already.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tracpro.db.models import Contact, FlowStart, Message, MessageStatus, OutboxAction, OutboxStatus, ReporterGroup
from tracpro.db.upsert import upsert
from tracpro.rapidpro import MissingInRapidPro, RapidPro

# RapidPro takes at most 100 contacts per flow start or broadcast; actions are made that small.
MAX_CONTACTS = 100


@dataclass(frozen=True)
class Handler:
    send: Callable[[RapidPro, OutboxAction], dict[str, Any]]
    find_sent: Callable[[RapidPro, OutboxAction, datetime], dict[str, Any] | None]
    # Bookkeeping in TracPro once RapidPro accepted (or rejected) the action, in the same
    # transaction as the action's new status.
    on_done: Callable[[Session, OutboxAction], None] = lambda session, action: None
    on_failed: Callable[[Session, OutboxAction], None] = lambda session, action: None


def _start_flow(rapidpro: RapidPro, action: OutboxAction) -> dict[str, Any]:
    payload = action.payload
    # The action id travels in the start's params, so a start made just before a crash is found again.
    start = rapidpro.start_flow(payload["flow"], payload["contacts"], params={"tracpro_action": action.id})
    return {"flow_start_uuid": start.uuid}


def _find_flow_start(rapidpro: RapidPro, action: OutboxAction, since: datetime) -> dict[str, Any] | None:
    for page in rapidpro.pages("flow_starts"):
        for start in page.items:
            if (start.params or {}).get("tracpro_action") == action.id:
                return {"flow_start_uuid": start.uuid}
            if start.created_on and start.created_on < since:
                return None  # newest first: older starts cannot be ours
    return None


def _record_flow_start(session: Session, action: OutboxAction) -> None:
    pollrun_id = action.payload.get("pollrun_id")
    if pollrun_id is not None:
        row = {
            "org_id": action.org_id,
            "uuid": action.result["flow_start_uuid"],
            "pollrun_id": pollrun_id,
            "contact_count": len(action.payload["contacts"]),
        }
        upsert(session, FlowStart.__table__, [row], key=("org_id", "uuid"))


def _send_broadcast(rapidpro: RapidPro, action: OutboxAction) -> dict[str, Any]:
    broadcast = rapidpro.send_broadcast(action.payload["text"], action.payload["contacts"])
    return {"broadcast_uuid": broadcast.uuid}


def _find_broadcast(rapidpro: RapidPro, action: OutboxAction, since: datetime) -> dict[str, Any] | None:
    wanted = set(action.payload["contacts"])
    for broadcast in rapidpro.all("broadcasts", after=since):
        texts = broadcast.text.values() if isinstance(broadcast.text, dict) else [broadcast.text]
        if action.payload["text"] in texts and {contact.uuid for contact in broadcast.contacts or []} == wanted:
            return {"broadcast_uuid": broadcast.uuid}
    return None


def _message_status(session: Session, action: OutboxAction) -> None:
    """A message is sent once all its broadcasts are accepted; failed once one is rejected."""
    message_id = action.payload.get("message_id")
    if message_id is None:
        return
    statuses = set(session.scalars(
        select(OutboxAction.status).where(OutboxAction.kind == "send_broadcast",
                                          OutboxAction.payload["message_id"].as_integer() == message_id)
    ))
    if OutboxStatus.FAILED in statuses:
        status = MessageStatus.FAILED
    elif statuses == {OutboxStatus.DONE}:
        status = MessageStatus.SENT
    else:
        return
    session.execute(update(Message).where(Message.id == message_id).values(status=status))


def _create_contact(rapidpro: RapidPro, action: OutboxAction) -> dict[str, Any]:
    return {"uuid": rapidpro.create_contact(action.payload["contact"]).uuid}


def _find_contact(rapidpro: RapidPro, action: OutboxAction, since: datetime) -> dict[str, Any] | None:
    """A contact created just before a crash is found again by its URN."""
    urn = action.payload["contact"]["urns"][0]
    for contact in rapidpro.all("contacts", urn=urn):
        return {"uuid": contact.uuid}
    return None


def _record_contact_uuid(session: Session, action: OutboxAction) -> None:
    session.execute(update(Contact).where(Contact.id == action.payload["contact_id"])
                    .values(uuid=action.result["uuid"], rapidpro_status="active"))


def _drop_refused_contact(session: Session, action: OutboxAction) -> None:
    session.execute(update(Contact).where(Contact.id == action.payload["contact_id"])
                    .values(is_active=False, rapidpro_status="refused"))


def _update_contact(rapidpro: RapidPro, action: OutboxAction) -> dict[str, Any]:
    rapidpro.update_contact(action.payload["uuid"], action.payload["contact"])
    return {"uuid": action.payload["uuid"]}


def _restore_contact(session: Session, action: OutboxAction) -> None:
    """RapidPro refused the change: the contact shows what RapidPro still has."""
    before = action.payload["before"]
    contact = session.get_one(Contact, action.payload["contact_id"])
    contact.name, contact.urn, contact.language = before["name"], before["urn"], before["language"]
    contact.fields, contact.group_uuids, contact.region_id = (
        before["fields"],
        before["group_uuids"],
        before["region_id"],
    )
    contact.reporter_groups = list(session.scalars(
        select(ReporterGroup).where(ReporterGroup.id.in_(before["reporter_group_ids"]))))


def _delete_contact(rapidpro: RapidPro, action: OutboxAction) -> dict[str, Any]:
    with contextlib.suppress(MissingInRapidPro):  # already gone from RapidPro: the deletion is done
        rapidpro.delete_contact(action.payload["uuid"])
    return {}


def _reactivate_contact(session: Session, action: OutboxAction) -> None:
    session.execute(update(Contact).where(Contact.id == action.payload["contact_id"])
                    .values(is_active=True, rapidpro_status="active"))


def _never_sent(rapidpro: RapidPro, action: OutboxAction, since: datetime) -> None:
    """Updates and deletions are the same however often they are sent: just send again."""
    return None


HANDLERS: dict[str, Handler] = {
    "create_contact": Handler(_create_contact, _find_contact, _record_contact_uuid, _drop_refused_contact),
    "update_contact": Handler(_update_contact, _never_sent, on_failed=_restore_contact),
    "delete_contact": Handler(_delete_contact, _never_sent, on_failed=_reactivate_contact),
    "start_flow": Handler(_start_flow, _find_flow_start, _record_flow_start),
    "send_broadcast": Handler(_send_broadcast, _find_broadcast, _message_status, _message_status),
}
