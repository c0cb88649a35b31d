"""PollRun detail, Participation tab.

Rows by reporter group (a contact counts in each of its groups; contacts in none get a row of
their own) or by the contact's own region; the Total row counts each contact once. Completion
is the floor of complete / all, as TracPro showed it ("66%").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from tracpro.auth.scope import Scope
from tracpro.db.models import ReporterGroup, ResponseStatus, contact_reporter_groups
from tracpro.i18n import N_, _
from tracpro.polls.filters import PollFilters
from tracpro.queries.poll_base import counted_responses
from tracpro.queries.pollrun_summary import require_pollrun
from tracpro.queries.registry import read_model

# A row label: translated when the table is made (the read-model cache is kept per language).
NO_REPORTER_GROUP = N_("No reporter group")


@dataclass(frozen=True)
class ParticipationRow:
    label: str
    empty: int = 0
    partial: int = 0
    complete: int = 0

    @property
    def total(self) -> int:
        return self.empty + self.partial + self.complete

    @property
    def completion(self) -> str:
        return f"{100 * self.complete // self.total}%" if self.total else ""


@dataclass(frozen=True)
class Participation:
    rows: tuple[ParticipationRow, ...]
    total: ParticipationRow  # each contact once

    @property
    def respondents(self) -> int:
        return self.total.complete

    @property
    def non_respondents(self) -> int:
        return self.total.empty + self.total.partial


def _rows(counts: Sequence[tuple[str, ResponseStatus, int]], last: str | None = None) -> tuple[ParticipationRow, ...]:
    """Rows by label, case-insensitively, the `last` label's row last."""
    table: dict[str, dict[str, int]] = {}
    for label, status, count in counts:
        table.setdefault(label, {})[status.value] = count
    return tuple(
        ParticipationRow(label, cells.get("empty", 0), cells.get("partial", 0), cells.get("complete", 0))
        for label, cells in sorted(table.items(), key=lambda item: (item[0] == last, item[0].lower()))
    )


@read_model
def response_counts(session: Session, scope: Scope, pollrun_id: int, filters: PollFilters = PollFilters()
                    ) -> ParticipationRow:
    """Empty, partial and complete responses of a pollrun in the scope."""
    require_pollrun(session, scope, pollrun_id)
    responses = counted_responses(scope, [pollrun_id], filters.contact_fields).subquery()
    counts = session.execute(select(responses.c.status, func.count()).group_by(responses.c.status)).all()
    return _rows([("Total", status, count) for status, count in counts])[0] if counts else ParticipationRow("Total")


@read_model
def participation(
    session: Session, scope: Scope, pollrun_id: int, group_by: str = "reporter_group",
    filters: PollFilters = PollFilters(),
) -> Participation:
    total = response_counts(session, scope, pollrun_id, filters)
    responses = counted_responses(scope, [pollrun_id], filters.contact_fields).subquery()
    no_group = _(NO_REPORTER_GROUP)
    if group_by == "region":
        label: ColumnElement[Any] = responses.c.region_name
        query = select(label, responses.c.status, func.count()).group_by(label, responses.c.status)
    else:
        groups = (
            select(contact_reporter_groups.c.contact_id, ReporterGroup.name)
            .join(ReporterGroup, and_(ReporterGroup.id == contact_reporter_groups.c.reporter_group_id,
                                      ReporterGroup.is_active))
            .subquery()
        )
        label = func.coalesce(groups.c.name, no_group)
        query = (
            select(label, responses.c.status, func.count())
            .select_from(responses)
            .outerjoin(groups, groups.c.contact_id == responses.c.contact_id)
            .group_by(label, responses.c.status)
        )
    return Participation(_rows(session.execute(query).all(), no_group), total)
