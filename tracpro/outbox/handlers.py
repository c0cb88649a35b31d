"""How each kind of outbox action is sent to RapidPro, and how a send that may have been carried
out (its answer lost, or its push cut off) is recognised in RapidPro afterwards, so that nothing
is sent twice.

A handler's `send` returns what RapidPro answered (stored as the action's result); its
`find_sent` looks in RapidPro for the action having been carried out already: its result, or
None when RapidPro certainly does not have it. Updates and deletions come out the same however
often they are sent, so theirs finds nothing and they are sent again.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tracpro.db.models import Contact, FlowStart, Message, MessageStatus, OutboxAction, OutboxStatus, ReporterGroup
from tracpro.db.upsert import upsert
from tracpro.outbox.contact_edits import change_of, contact_update
from tracpro.outbox.created_contacts import record_created_contact
from tracpro.outbox.lookup import SentLookup
from tracpro.rapidpro import MissingInRapidPro, RapidPro, RequestRejected

# RapidPro takes at most 100 contacts per flow start or broadcast; actions are made that small.
MAX_CONTACTS = 100
# RapidPro's refusal of a list naming a contact it does not have (unknown, or deleted there).
NO_SUCH_CONTACT = re.compile(r"^No such object: (?P<uuid>.+)$")


@dataclass(frozen=True)
class Handler:
    send: Callable[[RapidPro, OutboxAction], dict[str, Any]]
    find_sent: Callable[[SentLookup, OutboxAction], dict[str, Any] | None]
    # Bookkeeping in TracPro once RapidPro accepted (or rejected) the action, in the same
    # transaction as the action's new status.
    on_done: Callable[[Session, OutboxAction], None] = lambda session, action: None
    on_failed: Callable[[Session, OutboxAction], None] = lambda session, action: None


def _missing_contact(refusal: RequestRejected, contacts: list[str]) -> str | None:
    """The contact RapidPro refused the call for, when that is its only complaint."""
    errors = refusal.errors
    if not isinstance(errors, dict) or set(errors) != {"contacts"} or not isinstance(errors["contacts"], list):
        return None
    for message in errors["contacts"]:
        found = NO_SUCH_CONTACT.match(str(message))
        if found and found["uuid"] in contacts:
            return found["uuid"]
    return None


def _to_present_contacts(action: OutboxAction, send: Callable[[list[str]], dict[str, Any]]) -> dict[str, Any]:
    """Send to the action's contacts those RapidPro still has.

    RapidPro refuses a whole flow start or broadcast for one contact it no longer has (deleted
    there since our last sync), naming only the first such contact, and acts on nothing. Each
    named contact is left out, recorded in the payload's "dropped" (which the pusher stores
    whatever happens next), and the rest sent again, until RapidPro accepts the call.
    """
    while True:
        contacts = list(action.payload["contacts"])
        try:
            return send(contacts)
        except RequestRejected as refusal:
            missing = _missing_contact(refusal, contacts)
            if missing is None:
                raise
            left = [uuid for uuid in contacts if uuid != missing]
            action.payload = {**action.payload, "contacts": left,
                              "dropped": [*action.payload.get("dropped", []), missing]}
            if not left:
                raise RequestRejected({"contacts": ["None of these contacts is in RapidPro any more (deleted "
                                                    "there): nothing was sent."]}) from refusal


def dropped_note(session: Session, action: OutboxAction) -> str | None:
    """What an accepted send left out, in words for the list of actions: the contacts by name (as
    TracPro last had them), or by RapidPro's id when TracPro has no name for one."""
    dropped = action.payload.get("dropped") or []
    if not dropped:
        return None
    names = dict(session.execute(select(Contact.uuid, Contact.name)
                                 .where(Contact.org_id == action.org_id, Contact.uuid.in_(dropped))).all())
    return (f"Sent without {len(dropped)} contact(s) RapidPro no longer has (deleted there): "
            + ", ".join(names.get(uuid) or uuid for uuid in dropped))


def _start_params(action: OutboxAction) -> dict[str, Any]:
    """What a start carries of its action (RapidPro lists a start's params with it): the action's
    id, and the reference no other TracPro's action shares (actions stored before it had none)."""
    ref = action.payload.get("ref")
    return {"tracpro_action": action.id, **({"tracpro_ref": ref} if ref else {})}


def _start_flow(rapidpro: RapidPro, action: OutboxAction) -> dict[str, Any]:
    flow, params = action.payload["flow"], _start_params(action)

    def start(contacts: list[str]) -> dict[str, Any]:
        return {"flow_start_uuid": rapidpro.start_flow(flow, contacts, params=params).uuid}

    return _to_present_contacts(action, start)


def _find_flow_start(lookup: SentLookup, action: OutboxAction) -> dict[str, Any] | None:
    params = _start_params(action)
    for start in lookup.flow_starts(since=action.created_at):
        if start.flow == action.payload["flow"] and all(start.params.get(k) == v for k, v in params.items()):
            return {"flow_start_uuid": start.uuid}
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
    text = action.payload["text"]
    return _to_present_contacts(
        action, lambda contacts: {"broadcast_uuid": rapidpro.send_broadcast(text, contacts).uuid})


def _find_broadcast(lookup: SentLookup, action: OutboxAction) -> dict[str, Any] | None:
    """A broadcast carries nothing of TracPro's own, so it is matched on its text and its contacts,
    and on not being another action's already (a message sent twice on purpose is two broadcasts)."""
    text, contacts = action.payload["text"].strip(), frozenset(action.payload["contacts"])
    alike = [b.uuid for b in lookup.broadcasts(since=action.created_at) if text in b.texts and b.contacts == contacts]
    taken = lookup.taken_broadcasts(alike)
    free = [uuid for uuid in alike if uuid not in taken]
    return {"broadcast_uuid": free[-1]} if free else None  # listed newest first: the oldest


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


def _find_contact(lookup: SentLookup, action: OutboxAction) -> dict[str, Any] | None:
    """A contact whose creation's answer was lost is found by its URN (no other contact can have it)."""
    urn = action.payload["contact"]["urns"][0]
    for contact in lookup.rapidpro.all("contacts", urn=urn):
        return {"uuid": contact.uuid}
    return None


def _drop_refused_contact(session: Session, action: OutboxAction) -> None:
    session.execute(update(Contact).where(Contact.id == action.payload["contact_id"])
                    .values(is_active=False, rapidpro_status="refused"))


def _update_contact(rapidpro: RapidPro, action: OutboxAction) -> dict[str, Any]:
    payload = action.payload
    body = contact_update(rapidpro, payload["uuid"], change_of(payload))
    if body:
        rapidpro.update_contact(payload["uuid"], body)
    return {"uuid": payload["uuid"]}


def _restore_contact(session: Session, action: OutboxAction) -> None:
    """RapidPro refused the change: what it changed shows what RapidPro still has."""
    before = action.payload["before"]
    contact = session.get_one(Contact, action.payload["contact_id"])
    for name in ("name", "urn", "language"):
        if name in before:
            setattr(contact, name, before[name])
    if "fields" in before:
        contact.fields = {**contact.fields, **before["fields"]}
    if "group_uuids" in before:
        contact.group_uuids, contact.region_id = before["group_uuids"], before["region_id"]
        contact.reporter_groups = list(session.scalars(
            select(ReporterGroup).where(ReporterGroup.id.in_(before["reporter_group_ids"]))))


def _delete_contact(rapidpro: RapidPro, action: OutboxAction) -> dict[str, Any]:
    with contextlib.suppress(MissingInRapidPro):  # already gone from RapidPro: the deletion is done
        rapidpro.delete_contact(action.payload["uuid"])
    return {}


def _reactivate_contact(session: Session, action: OutboxAction) -> None:
    session.execute(update(Contact).where(Contact.id == action.payload["contact_id"])
                    .values(is_active=True, rapidpro_status="active"))


def _send_again(lookup: SentLookup, action: OutboxAction) -> None:
    """Updates and deletions are the same however often they are sent: just send again."""
    return None


HANDLERS: dict[str, Handler] = {
    "create_contact": Handler(_create_contact, _find_contact, record_created_contact, _drop_refused_contact),
    "update_contact": Handler(_update_contact, _send_again, on_failed=_restore_contact),
    "delete_contact": Handler(_delete_contact, _send_again, on_failed=_reactivate_contact),
    "start_flow": Handler(_start_flow, _find_flow_start, _record_flow_start),
    "send_broadcast": Handler(_send_broadcast, _find_broadcast, _message_status, _message_status),
}
