"""Contact fields: the whole set each pass. Fields gone from RapidPro become inactive."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from tracpro.db.models import DataField, FieldType
from tracpro.db.results import rowcount
from tracpro.db.upsert import upsert
from tracpro.sync.counts import Counts
from tracpro.sync.engine import SyncContext, sync_full_set

# Older RapidPro servers call the number type "numeric" (in `value_type`).
_TYPE_ALIASES = {"numeric": FieldType.NUMBER}


def field_type(value: str | None) -> FieldType:
    if value in _TYPE_ALIASES:
        return _TYPE_ALIASES[value]
    if value is None:
        return FieldType.TEXT
    try:
        return FieldType(value)
    except ValueError:
        return FieldType.TEXT


def field_row(org_id: int, field: Any) -> dict[str, Any]:
    return {
        "org_id": org_id,
        "key": field.key,
        "label": field.name or field.key,
        "value_type": field_type(field.type),
        "is_active": True,
    }


def sync_fields(ctx: SyncContext) -> Counts:
    rows = [field_row(ctx.org_id, field) for field in ctx.rapidpro.all("fields")]

    def write(session: Session) -> Counts:
        counts = Counts.of(upsert(session, DataField.__table__, rows, key=("org_id", "key")))
        gone = session.execute(
            update(DataField)
            .where(DataField.org_id == ctx.org_id, DataField.is_active, DataField.key.not_in([r["key"] for r in rows]))
            .values(is_active=False)
        )
        counts.deleted = rowcount(gone)
        return counts

    return sync_full_set(ctx, "fields", write)
