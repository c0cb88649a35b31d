"""Activity: who answered lately, within the user's scope (the original TracPro counted every region),
and how responses spread over languages and channels.

A response counts when it is active, answered (partial or complete), of an active poll, from an
active contact in an active region of the scope, and its latest answer fell on one of the last
`days` org-local days, today included. The counts come from the summaries the sync job keeps
(tracpro.sync.summaries), so they are as of the last sync.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from tracpro.auth.scope import Scope
from tracpro.db.models import (
    Region,
    ReporterGroup,
    activity_channel_totals,
    activity_days,
    activity_group_days,
    activity_group_totals,
    activity_language_totals,
    activity_region_totals,
)
from tracpro.queries.recent import active_poll_counts, last_days, total
from tracpro.queries.registry import read_model


@dataclass(frozen=True)
class MostActive:
    regions: pd.DataFrame  # region, responses
    reporter_groups: pd.DataFrame  # reporter_group, responses


@read_model
def most_active(session: Session, scope: Scope, *, today: date, days: int = 30, limit: int = 5) -> MostActive:
    """The regions and reporter groups with the most responses on the last `days` days to `today`."""
    first, last = last_days(today, days)
    counts = active_poll_counts(activity_region_totals, activity_days, scope, first, last)
    responses = total(counts.c.responses)
    regions = session.execute(
        select(Region.name, responses).select_from(counts).join(Region, _active_region(counts))
        .group_by(Region.name).having(responses > 0).order_by(responses.desc(), Region.name).limit(limit)
    ).all()
    counts = active_poll_counts(activity_group_totals, activity_group_days, scope, first, last, "reporter_group_id")
    in_groups = total(counts.c.responses)
    groups = session.execute(
        select(ReporterGroup.name, in_groups).select_from(counts).join(Region, _active_region(counts))
        .join(ReporterGroup, and_(ReporterGroup.id == counts.c.reporter_group_id, ReporterGroup.is_active))
        .group_by(ReporterGroup.name).having(in_groups > 0).order_by(in_groups.desc(), ReporterGroup.name).limit(limit)
    ).all()
    return MostActive(pd.DataFrame(regions, columns=["region", "responses"]),
                      pd.DataFrame(groups, columns=["reporter_group", "responses"]))


# The contact's language ("unknown" without one), or its channel: the scheme of its URN (tel,
# whatsapp, telegram, twitter ...; "none" without a URN).
DIMENSIONS = {"language": activity_language_totals, "channel": activity_channel_totals}


@read_model
def responses_by(session: Session, scope: Scope, dimension: str = "language", *, today: date,
                 days: int = 90) -> pd.DataFrame:
    """Answered responses per org-local day and per language or channel: day, value, responses;
    over the last `days` days to `today`."""
    first, last = last_days(today, days)
    counts = active_poll_counts(DIMENSIONS[dimension], activity_days, scope, first, last, "day", dimension)
    responses = total(counts.c.responses)
    day, value = counts.c.day.label("day"), counts.c[dimension].label("value")
    rows = session.execute(
        select(day, value, responses).select_from(counts).join(Region, _active_region(counts))
        .group_by(day, value).having(responses > 0).order_by(day, value)
    ).all()
    return pd.DataFrame(rows, columns=["day", "value", "responses"])


def _active_region(counts):
    return and_(Region.id == counts.c.region_id, Region.is_active)
