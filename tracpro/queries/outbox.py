"""What became of the changes users asked for: each stored action with its status in words.

A user with every region in view (an admin) sees the org's actions; anyone else sees only the
actions they asked for themselves, which were within their scope when they were made.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracpro.auth.scope import Scope
from tracpro.db.models import OutboxAction, OutboxStatus, User
from tracpro.i18n import N_, _, ngettext
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


def describe(action: OutboxAction) -> str:
    """The action in a supervisor's words."""
    payload = action.payload or {}
    count = len(payload.get("contacts") or [])
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


@read_model(region_independent=True)
def recent_actions(session: Session, scope: Scope, user_id: int, limit: int = 100) -> pd.DataFrame:
    """The newest actions first: what, who, when, status, attempts and RapidPro's reason when refused."""
    query = (
        select(OutboxAction, User.name)
        .outerjoin(User, User.id == OutboxAction.created_by_id)
        .where(OutboxAction.org_id == scope.org_id)
        .order_by(OutboxAction.id.desc())
        .limit(limit)
    )
    if scope.region_ids is not None:
        query = query.where(OutboxAction.created_by_id == user_id)
    timezone = org_timezone(session, scope)
    return pd.DataFrame(
        [[action.id, action.created_at.astimezone(timezone).replace(tzinfo=None), by or "", describe(action),
          _(STATUS_WORDS[action.status]), action.attempts, action.last_error or ""]
         for action, by in session.execute(query).all()],
        columns=["action_id", "Asked on", "Asked by", "Action", "Status", "Attempts", "RapidPro said"],
    )
