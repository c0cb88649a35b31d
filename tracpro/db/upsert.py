"""Bulk writes: INSERT … ON CONFLICT that touches only rows that really change.

The sync writes through it, so a second sync of unchanged data updates nothing (and its counts
say so), which is how idempotency is checked; the outbox records what RapidPro accepted with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Table, func, literal_column, or_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session


@dataclass
class Upserted:
    """What one upsert did, row by row."""

    created: list[Any] = field(default_factory=list)  # the `returning` values of inserted rows
    updated: list[Any] = field(default_factory=list)  # ... of rows that differed and were updated
    unchanged: int = 0


def _deduplicate(rows: Sequence[dict[str, Any]], key: Sequence[str]) -> list[dict[str, Any]]:
    """One row per key, the last one winning: ON CONFLICT cannot update a row twice in one statement."""
    by_key = {tuple(row[column] for column in key): row for row in rows}
    return list(by_key.values())


def upsert(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    key: Sequence[str],
    *,
    index_where: ColumnElement[bool] | None = None,
    returning: Sequence[str] | None = None,
    update: Sequence[str] | None = None,
) -> Upserted:
    """Insert `rows`, updating the `update` columns (default: all but the key) of existing rows
    whose values differ. Rows must all have the same columns."""
    result = Upserted()
    rows = _deduplicate(rows, key)
    if not rows:
        return result
    columns = list(rows[0])
    update = [column for column in (update if update is not None else columns) if column not in key]
    returned = [table.c[name] for name in (returning or key)]
    statement = insert(table)
    excluded = statement.excluded
    set_: dict[str, ColumnElement[Any]] = {column: excluded[column] for column in update}
    if "updated_at" in table.c and "updated_at" not in set_:
        # ON CONFLICT DO UPDATE does not run Column.onupdate: say it here.
        set_["updated_at"] = func.now()
    if update:
        statement = statement.on_conflict_do_update(
            index_elements=list(key),
            index_where=index_where,
            set_=set_,
            where=or_(*(table.c[column].is_distinct_from(excluded[column]) for column in update)),
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(key), index_where=index_where)
    returning_statement = statement.returning(*returned, literal_column("xmax = 0").label("inserted"))
    # One statement, many parameter sets: SQLAlchemy compiles it once and sends the rows in
    # multi-row batches ("insertmanyvalues"), RETURNING included.
    for row in session.execute(returning_statement, rows).all():
        value = tuple(row[:-1]) if len(returned) > 1 else row[0]
        (result.created if row[-1] else result.updated).append(value)
    result.unchanged = len(rows) - len(result.created) - len(result.updated)
    return result
