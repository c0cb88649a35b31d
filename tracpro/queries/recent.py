"""Windows of whole org-local days, and the summary rows (tracpro.db.models.summaries) that fall
in one for a scope. Summaries count per org-local day, so a window is "the last N org-local days
including today", never "now minus N×24 hours": then the summaries answer it exactly."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import BigInteger, Select, Subquery, Table, cast, func, select, union_all

from tracpro.auth.scope import Scope
from tracpro.db.models import Poll
from tracpro.queries.scope import in_scope


def last_days(today: date, days: int) -> tuple[date, date]:
    """The first and last of the last `days` org-local days, `today` (the org's) included."""
    return today - timedelta(days=days - 1), today


def total(column):
    """SUM of a count column, as an integer (PostgreSQL sums bigints into numerics)."""
    return cast(func.sum(column), BigInteger)


def active_poll_counts(totals: Table, by_poll: Table, scope: Scope, first: date, last: date,
                       *columns: str) -> Subquery:
    """Activity counts of active polls in the scope on days first..last: the rows of `totals`
    (every poll summed) less the rows `by_poll` holds of polls now inactive, so deactivating a
    poll shows at once. A subquery of region_id, `columns` and responses (negative where taken
    away): sum responses grouped by what you need, join Region for active regions only, and keep
    sums above zero (what was all from inactive polls sums to nothing)."""
    inactive_polls = select(Poll.id).where(Poll.org_id == scope.org_id, Poll.is_active.is_(False))

    def rows(table: Table, sign: int, *where) -> Select:
        return select(table.c.region_id, *(table.c[name] for name in columns),
                      (sign * table.c.responses).label("responses")).where(
            in_scope(scope, table.c.org_id, table.c.region_id), table.c.day.between(first, last), *where)

    return union_all(rows(totals, 1), rows(by_poll, -1, by_poll.c.poll_id.in_(inactive_polls))).subquery()
