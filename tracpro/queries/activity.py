"""Activity (tracpro-behaviour §3.10, ARCHITECTURE decision 5): who answered lately, within the
user's scope, and how responses spread over languages and channels.

A response counts when it is active, answered (partial or complete), of an active poll, from an
active contact in an active region of the scope, and its latest answer fell on one of the last
`days` org-local days, today included. The counts come from the summaries the sync job keeps
(tracpro.sync.summaries), so they are as of the last sync.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import and_
from sqlalchemy.orm import Session

from tracpro.auth.scope import Scope
from tracpro.db.models import Region, ReporterGroup, activity_days, activity_group_days
from tracpro.queries.recent import activity_rows, last_days, total
from tracpro.queries.registry import read_model


@dataclass(frozen=True)
class MostActive:
    regions: pd.DataFrame  # region, responses
    reporter_groups: pd.DataFrame  # reporter_group, responses


@read_model
def most_active(session: Session, scope: Scope, now: datetime | None = None, days: int = 30, limit: int = 5
                ) -> MostActive:
    first, last = last_days(session, scope, days, now)
    responses = total(activity_days.c.responses)
    regions = session.execute(
        activity_rows(activity_days, scope, first, last).add_columns(Region.name, responses)
        .group_by(Region.name).order_by(responses.desc(), Region.name).limit(limit)
    ).all()
    in_groups = total(activity_group_days.c.responses)
    groups = session.execute(
        activity_rows(activity_group_days, scope, first, last)
        .join(ReporterGroup, and_(ReporterGroup.id == activity_group_days.c.reporter_group_id,
                                  ReporterGroup.is_active))
        .add_columns(ReporterGroup.name, in_groups)
        .group_by(ReporterGroup.name).order_by(in_groups.desc(), ReporterGroup.name).limit(limit)
    ).all()
    return MostActive(pd.DataFrame(regions, columns=["region", "responses"]),
                      pd.DataFrame(groups, columns=["reporter_group", "responses"]))


# The contact's language ("unknown" without one), or its channel: the scheme of its URN (tel,
# whatsapp, telegram, twitter ...; "none" without a URN).
DIMENSIONS = {"language": activity_days.c.language, "channel": activity_days.c.channel}


@read_model
def responses_by(session: Session, scope: Scope, dimension: str = "language", now: datetime | None = None,
                 days: int = 90) -> pd.DataFrame:
    """Answered responses per org-local day and per language or channel: day, value, responses."""
    first, last = last_days(session, scope, days, now)
    day, value = activity_days.c.day, DIMENSIONS[dimension]
    rows = session.execute(
        activity_rows(activity_days, scope, first, last)
        .add_columns(day.label("day"), value.label("value"), total(activity_days.c.responses))
        .group_by(day, value).order_by(day, value)
    ).all()
    return pd.DataFrame(rows, columns=["day", "value", "responses"])
