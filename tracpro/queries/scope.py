"""The one place a Scope becomes SQL. Read models filter through these helpers, never by hand."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, true

from tracpro.auth.scope import Scope


def region_filter(scope: Scope, region_column: SQLColumnExpression[Any]) -> ColumnElement[bool]:
    """Rows whose region is among the scope's regions (every row when the scope is all regions)."""
    if scope.region_ids is None:
        return true()
    return region_column.in_(sorted(scope.region_ids))


def in_scope(
    scope: Scope, org_column: SQLColumnExpression[Any], region_column: SQLColumnExpression[Any]
) -> ColumnElement[bool]:
    """Rows of the scope's org, in its regions."""
    return and_(org_column == scope.org_id, region_filter(scope, region_column))
