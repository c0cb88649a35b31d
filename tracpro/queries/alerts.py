"""Participation alerts for Home: regions whose participation in a poll's latest date fell well
below their own recent habit."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from tracpro.auth.scope import Scope
from tracpro.db.models import Poll, PollRun, Region, pollrun_region_counts
from tracpro.i18n import N_, _
from tracpro.queries.poll_base import org_timezone
from tracpro.queries.recent import total as summed
from tracpro.queries.registry import read_model
from tracpro.queries.scope import in_scope
from tracpro.queries.visibility import pollrun_visible

HISTORY = 4  # earlier dates a region's habit is taken from
MIN_PARTICIPANTS = 5  # fewer people make a rate too jumpy to judge
MIN_HISTORY = 2
DROP = 0.5  # flagged below half the usual rate

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
    of the scope) of each pollrun, as of the last sync (the sync job's summaries count them)."""
    timezone = org_timezone(session, scope)
    alerts = []
    for poll_id, poll in session.execute(select(Poll.id, Poll.name).where(Poll.org_id == scope.org_id,
                                                                          Poll.is_active)).all():
        recent = session.execute(
            select(PollRun.id, PollRun.conducted_on).where(PollRun.poll_id == poll_id, pollrun_visible(scope))
            .order_by(PollRun.conducted_on.desc(), PollRun.id.desc()).limit(HISTORY + 1)
        ).all()
        if len(recent) < MIN_HISTORY + 1:
            continue
        counts = pollrun_region_counts.c
        rows = session.execute(
            select(counts.pollrun_id, Region.name, summed(counts.responses), summed(counts.answered))
            .join(Region, and_(Region.id == counts.region_id, Region.is_active))
            .where(in_scope(scope, counts.org_id, counts.region_id), counts.pollrun_id.in_([row.id for row in recent]))
            .group_by(counts.pollrun_id, Region.name)
        ).all()
        figures = {(pollrun, region): (total, answered) for pollrun, region, total, answered in rows}
        latest, earlier = recent[0], recent[1:]
        for region in sorted({region for _pollrun, region in figures}):
            total, answered = figures.get((latest.id, region), (0, 0))
            habit = [100.0 * a / t for t, a in (figures.get((row.id, region), (0, 0)) for row in earlier)
                     if t >= MIN_PARTICIPANTS]
            if total < MIN_PARTICIPANTS or len(habit) < MIN_HISTORY:
                continue
            rate, usual = 100.0 * answered / total, statistics.fmean(habit)
            if rate < DROP * usual:
                alerts.append(Alert(poll_id, poll, latest.id, latest.conducted_on.astimezone(timezone).date(), region,
                                    total, round(rate, 1), round(usual, 1)))
    return tuple(sorted(alerts, key=lambda alert: (alert.rate - alert.usual_rate, alert.poll, alert.region)))
