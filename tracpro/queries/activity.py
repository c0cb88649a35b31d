"""Activity (tracpro-behaviour §3.10, ARCHITECTURE decision 5): who answered lately, within the
user's scope, and how responses spread over languages and channels.

A response counts when it is active, not empty, of an active poll, and was updated in the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from tracpro.auth.scope import Scope
from tracpro.db.models import Contact, Poll, PollRun, Region, ReporterGroup, Response, ResponseStatus
from tracpro.db.models import contact_reporter_groups as members
from tracpro.queries.poll_base import org_timezone
from tracpro.queries.registry import read_model
from tracpro.queries.visibility import response_counted


@dataclass(frozen=True)
class MostActive:
    regions: pd.DataFrame  # region, responses
    reporter_groups: pd.DataFrame  # reporter_group, responses


def _recent(scope: Scope, now: datetime, days: int):
    """Counted, answered responses of active polls in (now - days, now]."""
    return (
        select(Response.id, Response.updated_on, Contact.id.label("contact_id"), Contact.language, Contact.urn,
               Region.name.label("region"))
        .join(Contact, Contact.id == Response.contact_id)
        .join(Region, Region.id == Contact.region_id)
        .join(PollRun, PollRun.id == Response.pollrun_id)
        .join(Poll, and_(Poll.id == PollRun.poll_id, Poll.is_active))
        .where(response_counted(scope), Response.status != ResponseStatus.EMPTY,
               Response.updated_on > now - timedelta(days=days), Response.updated_on <= now)
        .subquery()
    )


@read_model
def most_active(session: Session, scope: Scope, now: datetime | None = None, days: int = 30, limit: int = 5
                ) -> MostActive:
    recent = _recent(scope, now or datetime.now(UTC), days)
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
    "language": lambda recent: func.coalesce(recent.c.language, "unknown"),
    # The channel is the scheme of the contact's URN: tel, whatsapp, telegram, twitter ...
    "channel": lambda recent: func.coalesce(func.split_part(recent.c.urn, ":", 1), "none"),
}


@read_model
def responses_by(session: Session, scope: Scope, dimension: str = "language", now: datetime | None = None,
                 days: int = 90) -> pd.DataFrame:
    """Answered responses per org-local day and per language or channel: day, value, responses."""
    recent = _recent(scope, now or datetime.now(UTC), days)
    zone = org_timezone(session, scope).key
    day = func.date(func.timezone(zone, recent.c.updated_on))
    value = DIMENSIONS[dimension](recent)
    rows = session.execute(
        select(day.label("day"), value.label("value"), func.count()).group_by(day, value).order_by(day, value)
    ).all()
    return pd.DataFrame(rows, columns=["day", "value", "responses"])
