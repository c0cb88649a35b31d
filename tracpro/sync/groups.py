"""RapidPro groups: all of them are listed (for the settings pages); the tracked ones (regions,
reporter groups) follow their RapidPro names, and stop being tracked when RapidPro drops them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from tracpro.db.models import ContactGroup, Region, ReporterGroup
from tracpro.db.results import rowcount
from tracpro.db.upsert import upsert
from tracpro.orgs.regions import assign_contact_groups, deactivate_region
from tracpro.sync.counts import Counts
from tracpro.sync.engine import SyncContext, sync_full_set


def group_row(org_id: int, group: Any) -> dict[str, Any]:
    return {
        "org_id": org_id,
        "uuid": group.uuid,
        "name": group.name,
        "query": group.query,
        "is_system": bool(group.system),
        "contact_count": group.count or 0,
        "is_active": True,
    }


_RENAME = """
UPDATE {table} tracked SET name = g.name, updated_at = now()
FROM contact_groups g
WHERE g.org_id = tracked.org_id AND g.uuid = tracked.uuid AND tracked.org_id = :org AND tracked.name <> g.name
"""


def _untrack_missing(session: Session, org_id: int, uuids: set[str]) -> int:
    regions = session.scalars(
        select(Region).where(Region.org_id == org_id, Region.is_active, Region.uuid.not_in(uuids))
    ).all()
    for region in regions:
        deactivate_region(session, region)
    groups = rowcount(session.execute(
        update(ReporterGroup)
        .where(ReporterGroup.org_id == org_id, ReporterGroup.is_active, ReporterGroup.uuid.not_in(uuids))
        .values(is_active=False)
    ))
    if regions or groups:
        assign_contact_groups(session, org_id)
    return len(regions) + groups


def sync_groups(ctx: SyncContext) -> Counts:
    rows = [group_row(ctx.org_id, group) for group in ctx.rapidpro.all("groups")]
    uuids = {row["uuid"] for row in rows}

    def write(session: Session) -> Counts:
        counts = Counts.of(upsert(session, ContactGroup.__table__, rows, key=("org_id", "uuid")))
        counts.deleted = rowcount(session.execute(
            update(ContactGroup)
            .where(ContactGroup.org_id == ctx.org_id, ContactGroup.is_active, ContactGroup.uuid.not_in(uuids))
            .values(is_active=False)
        ))
        for table in ("regions", "reporter_groups"):
            session.execute(text(_RENAME.format(table=table)), {"org": ctx.org_id})
        _untrack_missing(session, ctx.org_id, uuids)
        return counts

    return sync_full_set(ctx, "groups", write)
