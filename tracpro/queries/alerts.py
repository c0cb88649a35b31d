"""Participation alerts for Home: regions whose participation in a poll's latest date fell well
below their own recent habit."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Float, and_, cast, func, select
from sqlalchemy.orm import Session

from tracpro.auth.scope import Scope, pollrun_visible
from tracpro.db.models import Poll, PollRun, Region, pollrun_region_counts
from tracpro.i18n import N_, _
from tracpro.queries.poll_base import org_timezone
from tracpro.queries.recent import total as summed
from tracpro.queries.registry import read_model
from tracpro.queries.scope import in_scope

HISTORY = 4  # earlier dates a region's habit is taken from
MIN_PARTICIPANTS = 5  # fewer people make a rate too jumpy to judge
MIN_HISTORY = 2
DROP = 0.5  # flagged below half the usual rate
# The query's float comparison keeps a region within this relative margin of the line; Python
# then judges it exactly.
SLACK = 1e-9

_ALERT_RULE = N_(
    "A region is flagged when, on a poll's latest date, the share of its participants who answered "
    "is less than half of its average over that poll's previous {history} dates. Only regions with at least "
    "{participants} participants on the latest date and on at least {earlier} earlier dates are judged."
)


def alert_rule() -> str:
    """The rule in the viewer's language (Home's caption)."""
    return _(_ALERT_RULE).format(history=HISTORY, participants=MIN_PARTICIPANTS, earlier=MIN_HISTORY)


ALERT_RULE = _ALERT_RULE.format(history=HISTORY, participants=MIN_PARTICIPANTS, earlier=MIN_HISTORY)  # in English


@dataclass(frozen=True)
class Alert:
    poll_id: int
    poll: str
    pollrun_id: int
    day: date
    region: str
    participants: int
    rate: float  # % who answered (partly or fully) on the latest date
    usual_rate: float  # their average over the earlier dates


@read_model
def participation_alerts(session: Session, scope: Scope) -> tuple[Alert, ...]:
    """Participants are the counted responses (active ones, of active contacts in active regions
    of the scope) of each pollrun, as of the last sync (the sync job's summaries count them).

    One query over every active poll: it keeps only the regions that may be flagged, with a hair
    of slack; Python then judges each with the rule's own arithmetic (fmean), so a rate sitting
    right on the line is judged as it always was."""
    timezone = org_timezone(session, scope)
    alerts = []
    for candidate in session.execute(_candidates(scope)).all():
        rate, usual = 100.0 * candidate.answered / candidate.total, statistics.fmean(candidate.habit)
        if rate < DROP * usual:
            alerts.append(Alert(candidate.poll_id, candidate.poll, candidate.pollrun_id,
                                candidate.conducted_on.astimezone(timezone).date(), candidate.region,
                                candidate.total, round(rate, 1), round(usual, 1)))
    return tuple(sorted(alerts, key=lambda alert: (alert.rate - alert.usual_rate, alert.poll, alert.region)))


def _candidates(scope: Scope):
    """Per active poll and region name: its figures on the poll's latest visible date and the
    rates of the HISTORY dates before that had enough participants; only where an alert is
    possible. No names or ordered aggregates in the grouping (national: 90,000 rows to group):
    the poll's name is joined to the few rows left."""
    newest_first = func.row_number().over(partition_by=PollRun.poll_id,
                                          order_by=(PollRun.conducted_on.desc(), PollRun.id.desc()))
    recent = (
        select(PollRun.id, PollRun.poll_id, PollRun.conducted_on, newest_first.label("position"))
        .join(Poll, and_(Poll.id == PollRun.poll_id, Poll.org_id == scope.org_id, Poll.is_active))
        .where(pollrun_visible(scope))
        .subquery()
    )
    counts = pollrun_region_counts.c
    # Grouped byte for byte: the same groups as the name (equal names are equal bytes), sorted
    # without the language's collation rules, several times faster.
    region = Region.name.collate("C")
    figures = (
        select(recent.c.poll_id, recent.c.id.label("pollrun_id"), recent.c.conducted_on, recent.c.position,
               region.label("region"),
               summed(counts.responses).label("total"), summed(counts.answered).label("answered"))
        .select_from(recent)
        .join(pollrun_region_counts, counts.pollrun_id == recent.c.id)
        .join(Region, and_(Region.id == counts.region_id, Region.is_active))
        .where(recent.c.position <= HISTORY + 1, in_scope(scope, counts.org_id, counts.region_id))
        .group_by(recent.c.poll_id, recent.c.id, recent.c.conducted_on, recent.c.position, region)
        .subquery()
    )
    latest, earlier = figures.c.position == 1, and_(figures.c.position > 1, figures.c.total >= MIN_PARTICIPANTS)

    def on_latest(column):
        return func.max(column).filter(latest)

    # Double precision, operation for operation as Python computes 100.0 * answered / total:
    # the habit's rates reach fmean exactly as Python would have computed them.
    rate = 100.0 * cast(figures.c.answered, Float) / cast(figures.c.total, Float)
    candidates = (
        select(
            figures.c.poll_id,
            figures.c.region,
            on_latest(figures.c.pollrun_id).label("pollrun_id"),
            on_latest(figures.c.conducted_on).label("conducted_on"),
            on_latest(figures.c.total).label("total"),
            on_latest(figures.c.answered).label("answered"),
            func.array_agg(rate).filter(earlier).label("habit"),
        )
        .group_by(figures.c.poll_id, figures.c.region)
        .having(
            and_(
                on_latest(figures.c.total) >= MIN_PARTICIPANTS,
                func.count().filter(earlier) >= MIN_HISTORY,
                on_latest(rate) < DROP * func.avg(rate).filter(earlier) * (1 + SLACK),
            )
        )
        .subquery()
    )
    return select(candidates, Poll.name.label("poll")).join(Poll, Poll.id == candidates.c.poll_id)
