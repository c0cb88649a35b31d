"""Outbox actions as the tests store and read them back."""

from __future__ import annotations

from tests import factories as f
from tracpro.db.models import OutboxAction


def stored_action(db, org, kind: str, **payload) -> OutboxAction:
    """An action stored at the instant the tests take as now (RapidPro's clock in them), not the database's."""
    action = f.OutboxActionFactory(org=org, kind=kind, payload=payload, created_at=f.NOW)
    db.flush()
    return action


def reloaded(db, action: OutboxAction) -> OutboxAction:
    """The action as the database holds it now, past the session's identity map."""
    db.expire_all()
    return db.get(OutboxAction, action.id)
