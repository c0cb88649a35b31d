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
from tracpro.queries.poll_base import org_timezone
from tracpro.queries.registry import read_model

STATUS_WORDS = {
    OutboxStatus.PENDING: "Waiting for RapidPro",
    OutboxStatus.SENDING: "Sending",
    OutboxStatus.DONE: "Accepted by RapidPro",
    OutboxStatus.FAILED: "Refused by RapidPro",
}


def describe(action: OutboxAction) -> str:
    """The action in a supervisor's words."""
    payload = action.payload or {}
    count = len(payload.get("contacts") or [])
    people = f"{count} contact{'s' if count != 1 else ''}"
    match action.kind:
        case "start_flow":
            return f"Start the poll for {people}"
        case "send_broadcast":
            return f"Send a message to {people}"
        case "create_contact":
            return f"Add the contact {(payload.get('contact') or {}).get('name') or ''}".rstrip()
        case "update_contact":
            return f"Change the contact {(payload.get('contact') or {}).get('name') or ''}".rstrip()
        case "delete_contact":
            return f"Remove the contact {payload.get('name') or ''}".rstrip()
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
          STATUS_WORDS[action.status], action.attempts, action.last_error or ""]
         for action, by in session.execute(query).all()],
        columns=["action_id", "Asked on", "Asked by", "Action", "Status", "Attempts", "RapidPro said"],
    )
