"""What became of the changes users asked for: each stored action with its status in words.

A user with every region in view (an admin) sees the org's actions; anyone else sees only the
actions they asked for themselves, which were within their scope when they were made.

One line per action a person took: the outbox stores a message or a poll start as one action per
100 contacts (RapidPro's limit), and those of one request are shown together with their total
recipients (tracpro.outbox.repeats.request_key). A request's status is the one that most needs
attention: refused when RapidPro refused a part of it, else the least advanced part's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tracpro.auth.scope import Scope
from tracpro.db.models import OutboxAction, OutboxStatus, User
from tracpro.i18n import N_, _, ngettext
from tracpro.outbox.repeats import request_key
from tracpro.queries.poll_base import org_timezone
from tracpro.queries.registry import read_model

# Translated where they are read: _(STATUS_WORDS[status]) (the read models are cached per language).
STATUS_WORDS = {
    OutboxStatus.PENDING: N_("Waiting for RapidPro"),
    OutboxStatus.SENDING: N_("Sending"),
    OutboxStatus.MAYBE_SENT: N_("Sent, not yet confirmed by RapidPro"),
    OutboxStatus.DONE: N_("Accepted by RapidPro"),
    OutboxStatus.FAILED: N_("Refused by RapidPro"),
}


# The order in which a request's parts' statuses speak for it (see the module docstring).
_ATTENTION = (OutboxStatus.FAILED, OutboxStatus.MAYBE_SENT, OutboxStatus.PENDING, OutboxStatus.SENDING,
              OutboxStatus.DONE)


def contact_count(action: OutboxAction) -> int:
    return len((action.payload or {}).get("contacts") or [])


def describe(action: OutboxAction, count: int | None = None) -> str:
    """The action in a supervisor's words; `count`: its request's recipients, when it has several parts."""
    payload = action.payload or {}
    count = contact_count(action) if count is None else count
    match action.kind:
        case "start_flow":
            return ngettext("Start the poll for {count} contact", "Start the poll for {count} contacts",
                            count).format(count=count)
        case "send_broadcast":
            return ngettext("Send a message to {count} contact", "Send a message to {count} contacts",
                            count).format(count=count)
        case "create_contact":
            return _("Add the contact {name}").format(name=(payload.get("contact") or {}).get("name") or "").rstrip()
        case "update_contact":
            # Edits stored before they carried only their changes have the whole contact.
            name = payload.get("name") or (payload.get("contact") or {}).get("name") or ""
            return _("Change the contact {name}").format(name=name).rstrip()
        case "delete_contact":
            return _("Remove the contact {name}").format(name=payload.get("name") or "").rstrip()
    return action.kind.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Request:
    """One action a person took, over its parts (the outbox's actions of one request)."""

    first: OutboxAction  # its first part: what it is, when and by whom
    by: str
    contacts: int  # every part's recipients
    status: OutboxStatus
    attempts: int  # the most any part took
    errors: str  # what RapidPro said, each reason once

    @property
    def asked_on(self) -> datetime:
        return self.first.created_at


def requests_of(session: Session, actions: Select, limit: int) -> list[Request]:
    """The newest `limit` requests with a part among `actions` (a select of OutboxAction rows,
    already limited to the org and to what the viewer may see), newest first."""
    key = request_key()
    chosen = actions.with_only_columns(key.label("request"), func.max(OutboxAction.id).label("newest"))
    newest = chosen.group_by(key).order_by(func.max(OutboxAction.id).desc()).limit(limit).subquery()
    rows = session.execute(
        actions.with_only_columns(OutboxAction, User.name, newest.c.newest)
        .join(newest, key == newest.c.request).outerjoin(User, User.id == OutboxAction.created_by_id)
        .order_by(newest.c.newest.desc(), OutboxAction.id)
    ).all()
    parts: dict[int, list[tuple[OutboxAction, str | None]]] = {}
    for action, by, group in rows:
        parts.setdefault(group, []).append((action, by))
    return [_request([action for action, _by in group], group[0][1]) for group in parts.values()]


def _request(parts: Sequence[OutboxAction], by: str | None) -> Request:
    statuses = {part.status for part in parts}
    errors = dict.fromkeys(part.last_error for part in parts if part.last_error)
    return Request(parts[0], by or "", sum(contact_count(part) for part in parts),
                   next(status for status in _ATTENTION if status in statuses), max(part.attempts for part in parts),
                   "\n".join(errors))


@read_model(region_independent=True)
def recent_actions(session: Session, scope: Scope, user_id: int, limit: int = 100) -> pd.DataFrame:
    """The newest actions people took first: what (with all its recipients), who, when, status,
    attempts and RapidPro's reason when refused."""
    query = select(OutboxAction).where(OutboxAction.org_id == scope.org_id)
    if scope.region_ids is not None:
        query = query.where(OutboxAction.created_by_id == user_id)
    timezone = org_timezone(session, scope)
    return pd.DataFrame(
        [[request.first.id, request.asked_on.astimezone(timezone).replace(tzinfo=None), request.by,
          describe(request.first, request.contacts), _(STATUS_WORDS[request.status]), request.attempts,
          request.errors]
         for request in requests_of(session, query, limit)],
        columns=["action_id", "Asked on", "Asked by", "Action", "Status", "Attempts", "RapidPro said"],
    )
