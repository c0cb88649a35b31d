"""Lists of polls and their dates (the poll list and a poll's Dates tab)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracpro.auth.scope import Scope, pollrun_visible
from tracpro.db.models import Poll, PollRun, PollRunType, Question, Region, ResponseStatus, User
from tracpro.i18n import _
from tracpro.queries.poll_base import counted_responses, org_timezone, require_poll
from tracpro.queries.pollrun_summary import require_pollrun
from tracpro.queries.registry import read_model

PROPAGATED = PollRunType.PROPAGATED
COLUMNS = ["pollrun_id", "poll_id", "poll", "day", "region", "participants", "complete", "partial"]


def _listing(session: Session, scope: Scope, where, limit: int | None = None) -> pd.DataFrame:
    """Visible pollruns of active polls, newest first, with their participation in the scope."""
    query = (
        select(PollRun.id, PollRun.poll_id, Poll.name, PollRun.conducted_on, Region.name.label("region"))
        .join(Poll, Poll.id == PollRun.poll_id)
        .outerjoin(Region, Region.id == PollRun.region_id)
        .where(pollrun_visible(scope), Poll.is_active, where)
        .order_by(PollRun.conducted_on.desc(), PollRun.id.desc())
        .limit(limit)
    )
    pollruns = session.execute(query).all()
    if not pollruns:
        return pd.DataFrame(columns=COLUMNS)
    responses = counted_responses(scope, [row.id for row in pollruns]).subquery()
    counts = {
        row.pollrun_id: row
        for row in session.execute(
            select(
                responses.c.pollrun_id,
                func.count().label("participants"),
                func.count().filter(responses.c.status == ResponseStatus.COMPLETE).label("complete"),
                func.count().filter(responses.c.status == ResponseStatus.PARTIAL).label("partial"),
            ).group_by(responses.c.pollrun_id)
        )
    }
    timezone = org_timezone(session, scope)
    everywhere = _("All")  # the region of universal pollruns (a label: the cache is kept per language)
    rows = []
    for pollrun in pollruns:
        count = counts.get(pollrun.id)
        rows.append([pollrun.id, pollrun.poll_id, pollrun.name, pollrun.conducted_on.astimezone(timezone).date(),
                     pollrun.region or everywhere, count.participants if count else 0,
                     count.complete if count else 0, count.partial if count else 0])
    return pd.DataFrame(rows, columns=COLUMNS)


@read_model
def recent_pollruns(session: Session, scope: Scope, limit: int = 5) -> pd.DataFrame:
    """The most recent poll dates the user may see (Home)."""
    return _listing(session, scope, True, limit)


@read_model
def poll_dates(session: Session, scope: Scope, poll_id: int) -> pd.DataFrame:
    """Every date of one poll (the Dates tab)."""
    require_poll(session, scope, poll_id)
    return _listing(session, scope, PollRun.poll_id == poll_id)


@read_model
def poll_list(session: Session, scope: Scope) -> pd.DataFrame:
    """Active polls: questions, dates the user may see, last conducted (org-local day)."""
    questions = (
        select(Question.poll_id, func.count().label("questions"))
        .where(Question.is_active).group_by(Question.poll_id).subquery()
    )
    dates = (
        select(PollRun.poll_id, func.count().label("dates"), func.max(PollRun.conducted_on).label("last"))
        .where(pollrun_visible(scope)).group_by(PollRun.poll_id).subquery()
    )
    rows = session.execute(
        select(Poll.id, Poll.name, func.coalesce(questions.c.questions, 0), func.coalesce(dates.c.dates, 0),
               dates.c.last)
        .outerjoin(questions, questions.c.poll_id == Poll.id)
        .outerjoin(dates, dates.c.poll_id == Poll.id)
        .where(Poll.org_id == scope.org_id, Poll.is_active)
        .order_by(func.lower(Poll.name))
    ).all()
    timezone = org_timezone(session, scope)
    return pd.DataFrame(
        [[poll_id, name, count, dates_, last.astimezone(timezone).date() if last else None]
         for poll_id, name, count, dates_, last in rows],
        columns=["poll_id", "poll", "questions", "dates", "last_conducted"],
    )


@dataclass(frozen=True)
class PollHeader:
    poll_id: int
    name: str


@read_model(region_independent=True)
def poll_header(session: Session, scope: Scope, poll_id: int) -> PollHeader:
    """The poll page's heading: an active poll of the scope's org, or NotFound."""
    poll = require_poll(session, scope, poll_id)
    return PollHeader(poll.id, poll.name)


@dataclass(frozen=True)
class PollRunHeader:
    pollrun_id: int
    poll_id: int
    poll: str
    day: date
    region: str  # "All" for universal and spoofed pollruns
    started_by: str  # "RapidPro" when it came from RapidPro
    pollrun_type: PollRunType


@read_model
def pollrun_header(session: Session, scope: Scope, pollrun_id: int) -> PollRunHeader:
    pollrun = require_pollrun(session, scope, pollrun_id)
    started_by = session.get_one(User, pollrun.started_by_id).name if pollrun.started_by_id else "RapidPro"
    return PollRunHeader(pollrun.id, pollrun.poll_id, pollrun.poll.name,
                         pollrun.conducted_on.astimezone(org_timezone(session, scope)).date(),
                         pollrun.region.name if pollrun.region else _("All"), started_by, pollrun.pollrun_type)


def covers_region(session: Session, pollrun: PollRun, region_id: int) -> bool:
    """Whether a pollrun covers a region, sub-regions aside: it has no region, is the region's own, or was
    propagated from one of the region's ancestors."""
    if pollrun.region_id is None or pollrun.region_id == region_id:
        return True
    if pollrun.pollrun_type != PROPAGATED:
        return False
    region = session.get(Region, region_id)
    while region is not None and region.parent_id is not None:
        if region.parent_id == pollrun.region_id:
            return True
        region = session.get(Region, region.parent_id)
    return False


def is_last_for_region(session: Session, pollrun: PollRun, region_id: int) -> bool:
    """Whether the pollrun is the region's last: it covers the region, and no later pollrun of its poll does."""
    if not covers_region(session, pollrun, region_id):
        return False
    later = session.scalars(
        select(PollRun).where(PollRun.poll_id == pollrun.poll_id, PollRun.conducted_on > pollrun.conducted_on)
    ).all()
    return not any(covers_region(session, other, region_id) for other in later)

