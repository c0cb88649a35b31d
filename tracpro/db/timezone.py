"""An org's timezone: the one every date and time about the org is shown in."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from tracpro.db.models import Org

UTC = ZoneInfo("UTC")


def org_zone(session: Session, org_id: int) -> ZoneInfo:
    """The org's timezone; UTC while the stored name is one this machine's tz database no longer
    knows (the Organization page asks an admin to choose again), so pages keep working."""
    try:
        return ZoneInfo(session.get_one(Org, org_id).timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC
