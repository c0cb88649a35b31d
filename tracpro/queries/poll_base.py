"""SQL pieces the poll read models share: the org's clock, a poll's charted dates, the responses
that count, contact-field filters, and the per-date numbers of a question."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, func, select, true
from sqlalchemy.orm import Session

from tracpro.auth.scope import NotFound, Scope
from tracpro.db.models import Answer, Contact, Poll, PollRun, Region, Response
from tracpro.db.search import contains
from tracpro.db.timezone import org_zone
from tracpro.i18n import _
from tracpro.polls.filters import PollFilters
from tracpro.queries.visibility import pollrun_charted, response_counted


def require_poll(session: Session, scope: Scope, poll_id: int) -> Poll:
    poll = session.get(Poll, poll_id)
    if poll is None or poll.org_id != scope.org_id or not poll.is_active:
        raise NotFound(_("This poll does not exist, or you may not see it."))
    return poll


def org_timezone(session: Session, scope: Scope) -> ZoneInfo:
    """The scope's org's timezone (tracpro.db.timezone.org_zone)."""
    return org_zone(session, scope.org_id)


def org_today(session: Session, scope: Scope, now: datetime) -> date:
    """The org's local date at the moment `now`: what read models windowed by dates take as `today`."""
    return now.astimezone(org_timezone(session, scope)).date()


def field_filter(contact_fields: Sequence[tuple[str, str]]) -> ColumnElement[bool]:
    """Contacts whose every given field contains its text, ignoring case (filters are ANDed)."""
    conditions = []
    for key, text in contact_fields:
        conditions.append(contains(Contact.fields[key].astext, text))
    return and_(true(), *conditions)


@dataclass(frozen=True)
class PollrunRef:
    id: int
    conducted_on: datetime
    day: date  # in the org's timezone


def charted_pollruns(
    session: Session, scope: Scope, poll_id: int, filters: PollFilters, today: date
) -> list[PollrunRef]:
    """The poll's pollruns the charts show for these filters, oldest first."""
    timezone = org_timezone(session, scope)
    start, end = filters.period(today).bounds(timezone)
    query = select(PollRun.id, PollRun.conducted_on).where(PollRun.poll_id == poll_id, pollrun_charted(scope))
    if start is not None:
        query = query.where(PollRun.conducted_on >= start)
    if end is not None:
        query = query.where(PollRun.conducted_on < end)
    rows = session.execute(query.order_by(PollRun.conducted_on, PollRun.id)).all()
    return [PollrunRef(row.id, row.conducted_on, row.conducted_on.astimezone(timezone).date()) for row in rows]


def counted_responses(scope: Scope, pollrun_ids: Sequence[int], contact_fields=()) -> Select:
    """Responses that count in these pollruns, with their contact's region and language."""
    return (
        select(
            Response.id.label("response_id"),
            Response.pollrun_id,
            Response.status,
            Contact.id.label("contact_id"),
            Contact.language,
            Region.id.label("region_id"),
            Region.name.label("region_name"),
        )
        .select_from(Response)
        .join(Contact, Contact.id == Response.contact_id)
        .join(Region, Region.id == Contact.region_id)
        .where(Response.pollrun_id.in_(list(pollrun_ids)), response_counted(scope), field_filter(contact_fields))
    )


@dataclass(frozen=True)
class Numbers:
    """A question's figures over a set of responses: counts, sum, average, spread and response rate."""

    responses: int  # every counted response, whatever its status
    answers: int  # answers to the question, numbers or not
    total: float
    average: float
    deviation: float  # population standard deviation of the numbers

    @property
    def response_rate(self) -> float:
        return round(100.0 * self.answers / self.responses, 1) if self.responses else 0.0


def question_numbers(
    session: Session, scope: Scope, question_id: int, pollrun_ids: Sequence[int], contact_fields=(), by_region=False
) -> dict[tuple, Numbers]:
    """Figures per pollrun (and per contact region when asked), keyed (pollrun_id[, region name])."""
    responses = counted_responses(scope, pollrun_ids, contact_fields).subquery()
    number = Answer.value_to_use_number
    keys = [responses.c.pollrun_id, *([responses.c.region_name] if by_region else [])]
    query = (
        select(
            *keys,
            func.count(responses.c.response_id),
            func.count(Answer.id),
            func.coalesce(func.sum(number), 0.0),
            func.coalesce(func.avg(number), 0.0),
            func.coalesce(func.stddev_pop(number), 0.0),
        )
        .select_from(responses)
        .outerjoin(Answer, and_(Answer.response_id == responses.c.response_id, Answer.question_id == question_id))
        .group_by(*keys)
    )
    return {
        tuple(row[: len(keys)]): Numbers(row[-5], row[-4], float(row[-3]), float(row[-2]), float(row[-1]))
        for row in session.execute(query)
    }
