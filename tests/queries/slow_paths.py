"""The reference ("slow path") implementations of the read models that now read the sync job's
summaries: the same questions asked of responses, contacts, regions and pollruns directly.
tests/queries/test_summaries.py requires the summaries to answer exactly as these do.

Same windows as the read models: the last N org-local days including today.
"""

from __future__ import annotations

import statistics
from datetime import date

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from tracpro.auth.scope import Scope, pollrun_visible
from tracpro.db.models import Contact, Poll, PollRun, Region, ReporterGroup, Response, ResponseStatus
from tracpro.db.models import contact_reporter_groups as members
from tracpro.queries.activity import MostActive
from tracpro.queries.alerts import DROP, HISTORY, MIN_HISTORY, MIN_PARTICIPANTS, Alert
from tracpro.queries.home import RECENT_DAYS
from tracpro.queries.poll_base import counted_responses, org_timezone
from tracpro.queries.recent import last_days
from tracpro.queries.scope import in_scope
from tracpro.queries.visibility import response_counted
from tracpro.sync.summaries import channel_of, language_of, local_day


def _recent(session: Session, scope: Scope, today: date, days: int):
    """Counted, answered responses of active polls whose latest answer fell in the window."""
    first, last = last_days(today, days)
    zone = org_timezone(session, scope).key
    return (
        select(Response.id, local_day(zone, Response.updated_on).label("day"), Contact.id.label("contact_id"),
               Contact.language, Contact.urn, Region.name.label("region"))
        .join(Contact, Contact.id == Response.contact_id)
        .join(Region, Region.id == Contact.region_id)
        .join(PollRun, PollRun.id == Response.pollrun_id)
        .join(Poll, and_(Poll.id == PollRun.poll_id, Poll.is_active))
        .where(response_counted(scope), Response.status != ResponseStatus.EMPTY,
               local_day(zone, Response.updated_on).between(first, last))
        .subquery()
    )


def most_active(session: Session, scope: Scope, *, today: date, days: int = 30, limit: int = 5) -> MostActive:
    recent = _recent(session, scope, today, days)
    regions = session.execute(
        select(recent.c.region, func.count()).group_by(recent.c.region)
        .order_by(func.count().desc(), recent.c.region).limit(limit)
    ).all()
    groups = session.execute(
        select(ReporterGroup.name, func.count())
        .select_from(recent)
        .join(members, members.c.contact_id == recent.c.contact_id)
        .join(ReporterGroup, and_(ReporterGroup.id == members.c.reporter_group_id, ReporterGroup.is_active))
        .group_by(ReporterGroup.name).order_by(func.count().desc(), ReporterGroup.name).limit(limit)
    ).all()
    return MostActive(pd.DataFrame(regions, columns=["region", "responses"]),
                      pd.DataFrame(groups, columns=["reporter_group", "responses"]))


DIMENSIONS = {
    "language": lambda recent: language_of(recent.c.language),
    "channel": lambda recent: channel_of(recent.c.urn),
}


def responses_by(session: Session, scope: Scope, dimension: str = "language", *, today: date,
                 days: int = 90) -> pd.DataFrame:
    recent = _recent(session, scope, today, days)
    value = DIMENSIONS[dimension](recent)
    rows = session.execute(
        select(recent.c.day, value.label("value"), func.count()).group_by(recent.c.day, value)
        .order_by(recent.c.day, value)
    ).all()
    return pd.DataFrame(rows, columns=["day", "value", "responses"])


def recent_responses(session: Session, scope: Scope, *, today: date) -> int:
    """scope_summary's recent_responses: active responses of contacts in scope started in the window."""
    first, last = last_days(today, RECENT_DAYS)
    zone = org_timezone(session, scope).key
    return session.execute(
        select(func.count())
        .select_from(Response)
        .join(Contact, Contact.id == Response.contact_id)
        .where(Response.org_id == scope.org_id, in_scope(scope, Contact.org_id, Contact.region_id),
               Response.is_active, local_day(zone, Response.created_on).between(first, last))
    ).scalar_one()


def reporter_groups_in_view(session: Session, scope: Scope) -> int:
    """scope_summary's reporter_groups, object by object: active groups with an active member in scope."""
    contacts = session.scalars(select(Contact).where(in_scope(scope, Contact.org_id, Contact.region_id),
                                                     Contact.is_active)).all()
    return len({group.id for contact in contacts for group in contact.reporter_groups if group.is_active})


def participation_alerts(session: Session, scope: Scope) -> tuple[Alert, ...]:
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
        responses = counted_responses(scope, [row.id for row in recent]).subquery()
        rows = session.execute(
            select(responses.c.pollrun_id, responses.c.region_name, func.count(),
                   func.count().filter(responses.c.status != ResponseStatus.EMPTY))
            .group_by(responses.c.pollrun_id, responses.c.region_name)
        ).all()
        figures = {(pollrun, region): (total, answered) for pollrun, region, total, answered in rows}
        latest, earlier = recent[0], recent[1:]
        for region in sorted({region for _, region in figures}):
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
