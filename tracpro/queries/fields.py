"""The contact fields an admin made visible: contact pages show them, poll pages filter by them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracpro.auth.scope import Scope
from tracpro.db.models import DataField
from tracpro.queries.registry import read_model


@read_model(region_independent=True)
def visible_fields(session: Session, scope: Scope) -> tuple[tuple[str, str], ...]:
    """(key, label) of the org's visible, active contact fields, by label."""
    rows = session.execute(
        select(DataField.key, DataField.label)
        .where(DataField.org_id == scope.org_id, DataField.is_visible, DataField.is_active)
        .order_by(DataField.label, DataField.key)
    ).all()
    return tuple((key, label.title()) for key, label in rows)
