"""Recent indicators: a baseline against follow-ups.

For the term's dates (the org's days, end included), in the scope and the filters:
- follow-up: per follow-up pollrun the sum of the numbers answered, its average and response
  rate; their mean, standard deviation (population) and average response rate;
- baseline: each contact's first answer in the term, summed; its response rate is those
  answers over the contacts who had a baseline response. A goal, when given, replaces it.
With no region selected only universal and spoofed pollruns count, as on poll charts.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, and_, func, select
from sqlalchemy.orm import Session

from tracpro.auth.scope import NotFound, Scope
from tracpro.db.models import Answer, BaselineTerm, Contact, PollRun, Question, Response
from tracpro.i18n import _, format_date, format_number
from tracpro.queries.poll_base import field_filter, org_timezone
from tracpro.queries.registry import read_model
from tracpro.queries.scope import region_filter
from tracpro.queries.visibility import pollrun_charted


@dataclass(frozen=True)
class IndicatorFilters:
    goal: float | None = None  # replaces the baseline when given
    region_id: int | None = None  # only contacts of this region ("Contact region")
    start: date | None = None  # default: the term's dates
    end: date | None = None
    contact_fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class IndicatorData:
    name: str
    days: tuple[date, ...]  # follow-up dates
    baseline: float
    baseline_rate: float | None  # None when a goal replaces the baseline
    follow_up: tuple[float, ...]  # per-date sums
    follow_up_mean: float
    follow_up_deviation: float
    follow_up_rate: float
    table: tuple[tuple[str, str], ...]  # the summary table, label → shown value
    y_axis_title: str


def _require(session: Session, scope: Scope, indicator_id: int) -> BaselineTerm:
    indicator = session.get(BaselineTerm, indicator_id)
    if indicator is None or indicator.org_id != scope.org_id:
        raise NotFound(_("This indicator does not exist."))
    return indicator


@dataclass(frozen=True)
class _Term:
    answers: list  # (pollrun_id, conducted_on, contact_id, value_to_use_number, submitted_on)
    responses: dict[int, int]  # per pollrun, answered or not
    contacts: int  # distinct contacts with a response
    dates: dict[int, datetime]  # conducted_on per pollrun
    timezone: ZoneInfo


def _term(session, scope, question: Question, start: date, end: date, filters: IndicatorFilters) -> _Term:
    """A question's pollruns, responses and answers over the term, in the scope and filters."""
    timezone = org_timezone(session, scope)
    low, high = datetime.combine(start, time(), timezone), datetime.combine(end + timedelta(days=1), time(), timezone)
    pollruns = (
        select(PollRun.id, PollRun.conducted_on)
        .where(PollRun.poll_id == question.poll_id, pollrun_charted(scope), PollRun.conducted_on >= low,
               PollRun.conducted_on < high)
        .subquery()
    )
    contacts = and_(Contact.is_active, region_filter(scope, Contact.region_id), field_filter(filters.contact_fields),
                    *([Contact.region_id == filters.region_id] if filters.region_id else []))
    responses = (
        select(Response.id, Response.pollrun_id, Response.contact_id, pollruns.c.conducted_on)
        .join(pollruns, pollruns.c.id == Response.pollrun_id)
        .join(Contact, Contact.id == Response.contact_id)
        .where(Response.org_id == scope.org_id, contacts)  # superseded and empty responses count too
        .subquery()
    )
    answers = session.execute(
        select(responses.c.pollrun_id, responses.c.conducted_on, responses.c.contact_id,
               Answer.value_to_use_number, Answer.submitted_on)
        .join(Answer, and_(Answer.response_id == responses.c.id, Answer.question_id == question.id))
    ).all()
    counts = dict(session.execute(select(responses.c.pollrun_id, func.count()).group_by(responses.c.pollrun_id)).all())
    contacts_count = session.scalar(select(func.count(func.distinct(responses.c.contact_id))))
    dates = dict(session.execute(select(pollruns.c.id, pollruns.c.conducted_on)).all())
    return _Term(answers, counts, contacts_count, dates, timezone)


def _number(value: float) -> str:
    """One decimal at most, none when it is zero ("74", "74.5"), NaN as "n/a"."""
    if value != value:
        return _("n/a")
    rounded = round(value, 1)
    return format_number(int(rounded)) if rounded.is_integer() else format_number(rounded, 1)


@read_model
def indicator_data(session: Session, scope: Scope, indicator_id: int,
                   filters: IndicatorFilters = IndicatorFilters()) -> IndicatorData | None:
    """The indicator's chart and table, or None when no follow-up date falls in the term."""
    indicator = _require(session, scope, indicator_id)
    start, end = filters.start or indicator.start_date, filters.end or indicator.end_date
    follow_up = _term(session, scope, indicator.follow_up_question, start, end, filters)
    answers, counts, dates, timezone = follow_up.answers, follow_up.responses, follow_up.dates, follow_up.timezone
    if not dates:
        return None
    pollruns = sorted(dates, key=lambda pollrun_id: (dates[pollrun_id], pollrun_id))
    sums, rates = [], []
    for pollrun_id in pollruns:
        mine = [row for row in answers if row.pollrun_id == pollrun_id]
        sums.append(round(sum(row.value_to_use_number for row in mine if row.value_to_use_number is not None), 1))
        rates.append(round(100.0 * len(mine) / counts[pollrun_id], 1) if counts.get(pollrun_id) else 0.0)

    if filters.goal is not None:
        baseline, baseline_rate = float(filters.goal), None
    else:
        base = _term(session, scope, indicator.baseline_question, start, end, filters)
        first: dict[int, Row[Any]] = {}  # each contact's first baseline answer in the term
        for row in sorted(base.answers, key=lambda row: (row.contact_id, row.submitted_on)):
            first.setdefault(row.contact_id, row)
        baseline = float(sum(row.value_to_use_number for row in first.values() if row.value_to_use_number is not None))
        baseline_rate = round(100.0 * len(first) / base.contacts, 1) if base.contacts else 0.0
    mean = round(statistics.fmean(sums), 1)
    deviation = round(statistics.pstdev(sums), 1)
    rate = round(statistics.fmean(rates), 1)
    title = indicator.y_axis_title
    table = (
        (_("Dates"), f"{format_date(start)} - {format_date(end)}"),
        (_("Baseline question"), f"{indicator.baseline_poll.name}: {indicator.baseline_question.name}"),
        (_("Baseline value ({title})").format(title=title) if title else _("Baseline value"), _number(baseline)),
        (_("Baseline response rate (%)"), _("n/a") if baseline_rate is None else _number(baseline_rate)),
        (_("Follow up question"), f"{indicator.follow_up_poll.name}: {indicator.follow_up_question.name}"),
        (_("Follow up mean ({title})").format(title=title) if title else _("Follow up mean"), _number(mean)),
        (_("Follow up standard deviation"), _number(deviation)),
        (_("Follow up response rate (%)"), _number(rate)),
    )
    return IndicatorData(indicator.name, tuple(dates[p].astimezone(timezone).date() for p in pollruns), baseline,
                         baseline_rate, tuple(sums), mean, deviation, rate, table, indicator.y_axis_title)


@read_model(region_independent=True)
def indicator_list(session: Session, scope: Scope) -> tuple[tuple, ...]:
    """(id, name, start, end, baseline "poll: question", follow-up "poll: question"), newest first."""
    indicators = session.scalars(
        select(BaselineTerm).where(BaselineTerm.org_id == scope.org_id)
        .order_by(BaselineTerm.start_date.desc(), BaselineTerm.end_date.desc(), BaselineTerm.id.desc())
    ).all()
    return tuple(
        (i.id, i.name, i.start_date, i.end_date, f"{i.baseline_poll.name}: {i.baseline_question.name}",
         f"{i.follow_up_poll.name}: {i.follow_up_question.name}")
        for i in indicators
    )


@read_model
def featured_indicator(session: Session, scope: Scope) -> tuple[int, IndicatorData] | None:
    """Home's indicator: the first of the five ending last that has follow-up data in view."""
    recent = session.scalars(
        select(BaselineTerm.id).where(BaselineTerm.org_id == scope.org_id)
        .order_by(BaselineTerm.end_date.desc(), BaselineTerm.id.desc()).limit(5)
    ).all()
    for indicator_id in recent:
        data = indicator_data(session, scope, indicator_id)
        if data is not None and any(data.follow_up):
            return indicator_id, data
    return None
