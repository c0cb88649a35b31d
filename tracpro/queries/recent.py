"""Windows of whole org-local days, and the summary rows (tracpro.db.models.summaries) that fall
in one for a scope. Summaries count per org-local day, so a window is "the last N org-local days
including today", never "now minus N×24 hours": then the summaries answer it exactly."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import BigInteger, Select, Table, and_, cast, func, select
from sqlalchemy.orm import Session

from tracpro.auth.scope import Scope
from tracpro.db.models import Poll, Region
from tracpro.queries.poll_base import org_today
from tracpro.queries.scope import in_scope


def last_days(session: Session, scope: Scope, days: int, now: datetime | None = None) -> tuple[date, date]:
    """The first and last of the last `days` org-local days, today (at `now`) included."""
    today = org_today(session, scope, now)
    return today - timedelta(days=days - 1), today


def total(column):
    """SUM of a count column, as an integer (PostgreSQL sums bigints into numerics)."""
    return cast(func.sum(column), BigInteger)


def activity_rows(table: Table, scope: Scope, first: date, last: date) -> Select:
    """A summary table's rows in the scope, on days first..last, of active regions and polls;
    add the columns to read."""
    return (
        select()
        .select_from(table)
        .join(Region, and_(Region.id == table.c.region_id, Region.is_active))
        .join(Poll, and_(Poll.id == table.c.poll_id, Poll.is_active))
        .where(in_scope(scope, table.c.org_id, table.c.region_id), table.c.day.between(first, last))
    )
