"""Messages to a pollrun's participants and replies to inbox messages. The recipients are distinct
contacts: one in several reporter groups gets the message once.

A message is stored with its recipients and one send_broadcast action per 100 of them (one
request, tracpro.outbox.repeats); it is "sent" once RapidPro accepted every broadcast, "failed" as
soon as it rejected one. The same text to the same contacts again within minutes is a repeat,
refused with RepeatedSend until the person confirms it.

Messages are writes of anyone working in the org, to contacts in their scope through a poll date
they may open, or to one contact in their scope.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracpro.actions.polls import ActionRefused, visible_pollrun
from tracpro.audit.trail import record
from tracpro.auth.actor import Actor, NotAllowed
from tracpro.auth.scope import Scope
from tracpro.auth.writes import Allowed, write
from tracpro.db.models import (
    Audience,
    Contact,
    Message,
    OutboxAction,
    Response,
    ResponseStatus,
)
from tracpro.db.models.audit import AuditKind
from tracpro.forms import text_problem
from tracpro.i18n import _
from tracpro.outbox.handlers import MAX_CONTACTS
from tracpro.outbox.repeats import check_repeat

MAX_LENGTH = 640
STATUSES = {
    Audience.ALL: (ResponseStatus.EMPTY, ResponseStatus.PARTIAL, ResponseStatus.COMPLETE),
    Audience.RESPONDENTS: (ResponseStatus.COMPLETE,),
    Audience.NON_RESPONDENTS: (ResponseStatus.EMPTY, ResponseStatus.PARTIAL),
}


def checked_text(text: str | None) -> str:
    """The message as it would be sent (trimmed); ActionRefused saying why it cannot be."""
    text = (text or "").strip()
    if not text:
        raise ActionRefused(_("Please enter some message text."))
    if len(text) > MAX_LENGTH:
        raise ActionRefused(_("A message has at most {limit} characters (this one has {length}).").format(
            limit=MAX_LENGTH, length=len(text)))
    if problem := text_problem(text, multiline=True):
        raise ActionRefused(problem)
    return text


def _visible_contacts(scope: Scope):
    conditions = [Contact.org_id == scope.org_id, Contact.is_active, Contact.region_id.is_not(None)]
    if scope.region_ids is not None:
        conditions.append(Contact.region_id.in_(sorted(scope.region_ids)))
    return conditions


def recipients(session: Session, scope: Scope, pollrun_id: int, audience: Audience) -> list[Contact]:
    """The distinct contacts in view whose active response fits the audience, on a poll date the
    scope shows (NotAllowed for any other: a contact in view who answered another region's poll
    date is not reached through it)."""
    visible_pollrun(session, scope, pollrun_id)
    return list(session.scalars(
        select(Contact).join(Response, Response.contact_id == Contact.id)
        .where(Response.pollrun_id == pollrun_id, Response.is_active, Response.status.in_(STATUSES[audience]),
               *_visible_contacts(scope))
        .distinct().order_by(Contact.id)
    ))


def _store(session, scope, user_id, text, audience, contacts, now, repeat_of, pollrun_id=None
           ) -> tuple[Message, list[OutboxAction]]:
    uuids = [contact.uuid for contact in contacts]
    check_repeat(session, scope, "send_broadcast", text, uuids, now, repeat_of)
    message = Message(org_id=scope.org_id, text=text, audience=audience, pollrun_id=pollrun_id,
                      region_id=scope.selected_region_id, sent_by_id=user_id, recipients=contacts, created_at=now)
    session.add(message)
    session.flush()
    request = str(uuid.uuid4())
    actions = [
        OutboxAction(org_id=scope.org_id, kind="send_broadcast", created_by_id=user_id, created_at=now,
                     payload={"text": text, "contacts": uuids[start:start + MAX_CONTACTS], "message_id": message.id,
                              "request": request})
        for start in range(0, len(uuids), MAX_CONTACTS)
    ]
    session.add_all(actions)
    session.flush()
    record(session, AuditKind.MESSAGE_SENT, scope.org_id,
           {"message": message.id, "audience": audience, "pollrun": pollrun_id, "recipients": len(contacts),
            "text": text}, region_id=scope.selected_region_id)
    return message, actions


@write(Allowed.MEMBERS)
def send_message(session: Session, actor: Actor, pollrun_id: int, audience: Audience, text: str | None,
                 now: datetime, repeat_of: str | None = None) -> tuple[Message, list[OutboxAction]]:
    """Message the participants of a poll date in the actor's view who fit the audience, `now`;
    RepeatedSend when it repeats a send other than `repeat_of` (tracpro.outbox.repeats)."""
    scope = actor.require_scope()
    text = checked_text(text)
    if audience not in STATUSES:
        raise ActionRefused(_("Choose who receives the message: all participants, respondents or non-respondents."))
    contacts = recipients(session, scope, pollrun_id, audience)
    if not contacts:
        raise ActionRefused(_("No one in view fits this choice of recipients: nothing was sent."))
    return _store(session, scope, actor.user_id, text, audience, contacts, now, repeat_of, pollrun_id)


@write(Allowed.MEMBERS)
def reply(session: Session, actor: Actor, contact_id: int, text: str | None, now: datetime,
          repeat_of: str | None = None) -> tuple[Message, list[OutboxAction]]:
    """Answer the inbox message of a contact in the actor's view, `now`; RepeatedSend as send_message."""
    scope = actor.require_scope()
    text = checked_text(text)
    contact = session.scalars(select(Contact).where(Contact.id == contact_id, *_visible_contacts(scope))).first()
    if contact is None:
        raise NotAllowed(_("This contact does not exist, or you may not see it."))
    return _store(session, scope, actor.user_id, text, Audience.CONTACT, [contact], now, repeat_of)
