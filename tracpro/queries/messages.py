"""The message log (what TracPro sent) and the inbox (what contacts wrote, latest per contact).

A sent message is in view when its sender had a region in view selected, or when it went to
"all regions" and reached at least one contact in view; its recipient count is the contacts in
view only, so a supervisor never learns how many people of other regions were messaged.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import Session, aliased

from tracpro.auth.scope import Scope
from tracpro.db.models import Audience, Contact, InboxMessage, Message, Poll, PollRun, Region, User, message_recipients
from tracpro.db.search import contains
from tracpro.i18n import N_, _
from tracpro.queries.contacts import require_contact
from tracpro.queries.poll_base import org_timezone
from tracpro.queries.registry import read_model
from tracpro.queries.scope import in_scope, region_filter

# Translated where they are shown: _(AUDIENCE_LABELS[audience]).
AUDIENCE_LABELS = {
    Audience.ALL: N_("All participants"),
    Audience.RESPONDENTS: N_("Respondents"),
    Audience.NON_RESPONDENTS: N_("Non-respondents"),
    Audience.CONTACT: N_("One contact"),
}


def _contacts_in_view(scope: Scope):
    return and_(in_scope(scope, Contact.org_id, Contact.region_id), Contact.is_active)


@read_model
def message_log(session: Session, scope: Scope, limit: int = 500) -> pd.DataFrame:
    """Messages sent from TracPro, newest first, with their delivery status."""
    recipient = aliased(Contact)
    in_view_recipient = (
        select(message_recipients.c.contact_id)
        .join(recipient, recipient.id == message_recipients.c.contact_id)
        .where(message_recipients.c.message_id == Message.id, recipient.is_active,
               region_filter(scope, recipient.region_id))
    )
    recipients_in_view = (
        select(func.count())
        .select_from(message_recipients)
        .join(recipient, recipient.id == message_recipients.c.contact_id)
        .where(message_recipients.c.message_id == Message.id, recipient.is_active,
               region_filter(scope, recipient.region_id))
        .scalar_subquery()
    )
    visible = or_(
        and_(Message.region_id.is_not(None), region_filter(scope, Message.region_id)),
        and_(Message.region_id.is_(None), exists(in_view_recipient)),
    )
    rows = session.execute(
        select(Message.id, Message.created_at, User.name, Message.pollrun_id, Poll.name, Poll.rapidpro_name,
               PollRun.conducted_date, Message.audience, Region.name, recipients_in_view, Message.status,
               Message.text)
        .outerjoin(User, User.id == Message.sent_by_id)
        .outerjoin(PollRun, PollRun.id == Message.pollrun_id)
        .outerjoin(Poll, Poll.id == PollRun.poll_id)
        .outerjoin(Region, Region.id == Message.region_id)
        .where(Message.org_id == scope.org_id, visible)
        .order_by(Message.id.desc())
        .limit(limit)
    ).all()
    timezone = org_timezone(session, scope)
    return pd.DataFrame(
        [[message_id, sent.astimezone(timezone).replace(tzinfo=None), by or "", pollrun_id,
          f"{poll_name or rapidpro_name} ({day.isoformat()})" if pollrun_id else "",
          _(AUDIENCE_LABELS[audience]), region or _("All"), count, status.value, text]
         for message_id, sent, by, pollrun_id, poll_name, rapidpro_name, day, audience, region, count, status, text
         in rows],
        columns=["message_id", "Sent on", "Sent by", "pollrun_id", "Poll date", "Recipients", "Region",
                 "Recipients in view", "Status", "Text"],
    )


@read_model
def inbox(session: Session, scope: Scope, search: str = "") -> pd.DataFrame:
    """One row per contact in view: their most recent inbox message, most recent conversation first.

    Plain columns, the org-local time worked out by PostgreSQL: at the national tier this is
    one row per contact who ever wrote, too many to build an object each."""
    latest = (
        select(InboxMessage.id, InboxMessage.contact_id, InboxMessage.direction, InboxMessage.text,
               InboxMessage.created_on)
        .join(Contact, Contact.id == InboxMessage.contact_id)
        .where(InboxMessage.org_id == scope.org_id, _contacts_in_view(scope))
        .order_by(InboxMessage.contact_id, InboxMessage.created_on.desc(), InboxMessage.id.desc())
        .ext(distinct_on(InboxMessage.contact_id))
    )
    latest = latest.where(or_(contains(Contact.name, search), contains(InboxMessage.text, search)))
    newest = latest.subquery()
    zone = org_timezone(session, scope).key
    rows = session.execute(
        select(newest.c.contact_id, func.coalesce(Contact.name, ""), func.coalesce(Region.name, ""),
               newest.c.direction == "in", newest.c.text, func.timezone(zone, newest.c.created_on))
        .join(Contact, Contact.id == newest.c.contact_id)
        .outerjoin(Region, Region.id == Contact.region_id)
        .order_by(newest.c.created_on.desc(), newest.c.id.desc())
    ).all()
    frame = pd.DataFrame(rows, columns=["contact_id", "Contact", "Region", "Direction", "Text", "Created on"])
    frame["Direction"] = frame["Direction"].map({True: _("Received"), False: _("Sent")})
    return frame


@read_model
def conversation(session: Session, scope: Scope, contact_id: int) -> pd.DataFrame:
    """One contact's messages, newest first: what they wrote (from RapidPro's inbox) and the
    replies sent from TracPro, each with its delivery status."""
    require_contact(session, scope, contact_id)
    received = session.execute(
        select(InboxMessage.created_on, InboxMessage.direction, InboxMessage.text, InboxMessage.status)
        .where(InboxMessage.org_id == scope.org_id, InboxMessage.contact_id == contact_id)
    ).all()
    replies = session.execute(
        select(Message.created_at, User.name, Message.text, Message.status)
        .join(message_recipients, message_recipients.c.message_id == Message.id)
        .outerjoin(User, User.id == Message.sent_by_id)
        .where(Message.org_id == scope.org_id, Message.audience == Audience.CONTACT,
               message_recipients.c.contact_id == contact_id)
    ).all()
    timezone = org_timezone(session, scope)
    rows: list[list[Any]] = [[on, _("Received") if direction == "in" else _("Sent from RapidPro"), text, status or ""]
            for on, direction, text, status in received]
    rows += [[on, _("Reply by {name}").format(name=by) if by else _("Reply"), text, status.value]
             for on, by, text, status in replies]
    rows.sort(key=lambda row: row[0], reverse=True)
    return pd.DataFrame(
        [[on.astimezone(timezone).replace(tzinfo=None), *rest] for on, *rest in rows],
        columns=["Created on", "From", "Text", "Status"],
    )
