"""RapidPro groups: all of them are listed (for the settings pages); the tracked ones (regions,
reporter groups) follow their RapidPro names, and stop being tracked once RapidPro has dropped them.

RapidPro leaves a smart group out of groups.json while it re-initializes it (after its query is
changed, until mailroom starts re-evaluating it), so a group left out is only counted missing. It
is gone once it has been missing from `Absence.passes` passes in a row over at least
`Absence.after`: then it is no longer tracked (a region's sub-regions move up to its parent).
A group listed again before that keeps everything. A group RapidPro re-evaluated (missing or
evaluating before, its status or query changed) is marked for its members to be read again
(tracpro.sync.group_members), once it has settled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from tracpro.config import load_settings
from tracpro.db.models import ContactGroup, Region, ReporterGroup
from tracpro.db.results import rowcount
from tracpro.db.upsert import upsert
from tracpro.orgs.regions import assign_contact_groups, deactivate_region
from tracpro.sync.counts import Counts
from tracpro.sync.engine import SyncContext, sync_full_set


@dataclass(frozen=True)
class Absence:
    """How long a group must be left out of groups.json before it counts as gone: both hold."""

    passes: int = 3
    after: timedelta = timedelta(hours=1)

    @classmethod
    def from_settings(cls) -> Absence:
        settings = load_settings()
        return cls(settings.group_gone_passes, timedelta(seconds=settings.group_gone_after))

    def gone(self, group: ContactGroup, now: datetime) -> bool:
        since = group.missing_since or now
        return group.missing_passes >= self.passes and now - since >= self.after


def group_row(org_id: int, group: Any) -> dict[str, Any]:
    return {
        "org_id": org_id,
        "uuid": group.uuid,
        "name": group.name,
        "query": group.query,
        "is_system": bool(group.system),
        "contact_count": group.count or 0,
        "status": group.status or "ready",
        "is_active": True,
        "missing_passes": 0,
        "missing_since": None,
    }


def _reevaluated(held: ContactGroup, row: dict[str, Any]) -> bool:
    """Whether RapidPro may have re-evaluated the group since the last pass: its members may
    have changed all at once."""
    return (not held.is_active or held.missing_passes > 0 or held.status == "evaluating"
            or held.status != row["status"] or held.query != row["query"])


_RENAME = """
UPDATE {table} tracked SET name = g.name, updated_at = now()
FROM contact_groups g
WHERE g.org_id = tracked.org_id AND g.uuid = tracked.uuid AND tracked.org_id = :org AND tracked.name <> g.name
"""


def _untrack(session: Session, org_id: int, uuids: Sequence[str]) -> int:
    """Stop tracking the regions and reporter groups of groups gone from RapidPro."""
    if not uuids:
        return 0
    regions = session.scalars(
        select(Region).where(Region.org_id == org_id, Region.is_active, Region.uuid.in_(uuids))
    ).all()
    for region in regions:
        deactivate_region(session, region)
    groups = rowcount(session.execute(
        update(ReporterGroup)
        .where(ReporterGroup.org_id == org_id, ReporterGroup.is_active, ReporterGroup.uuid.in_(uuids))
        .values(is_active=False)
    ))
    if regions or groups:
        assign_contact_groups(session, org_id)
    return len(regions) + groups


def _count_missing(session: Session, missing: Sequence[ContactGroup], now: datetime, absence: Absence) -> list[str]:
    """One more pass without these groups; returns the uuids of those now gone."""
    gone = []
    for group in missing:
        group.missing_passes += 1
        group.missing_since = group.missing_since or now
        if absence.gone(group, now):
            group.is_active = False
            gone.append(group.uuid)
    session.flush()
    return gone


def sync_groups(ctx: SyncContext, absence: Absence | None = None) -> Counts:
    """`absence`: when a group left out is gone (by default from the settings)."""
    absence = absence or Absence.from_settings()
    rows = [group_row(ctx.org_id, group) for group in ctx.rapidpro.all("groups")]
    listed = {row["uuid"] for row in rows}

    def write(session: Session) -> Counts:
        held = {group.uuid: group for group in session.scalars(
            select(ContactGroup).where(ContactGroup.org_id == ctx.org_id)
        )}
        for row in rows:
            known = held.get(row["uuid"])
            row["members_stale"] = known is not None and (known.members_stale or _reevaluated(known, row))
        counts = Counts.of(upsert(session, ContactGroup.__table__, rows, key=("org_id", "uuid")))
        missing = [group for uuid, group in held.items() if group.is_active and uuid not in listed]
        gone = _count_missing(session, missing, ctx.now, absence)
        counts.deleted = len(gone)
        for table in ("regions", "reporter_groups"):
            session.execute(text(_RENAME.format(table=table)), {"org": ctx.org_id})
        _untrack(session, ctx.org_id, gone)
        return counts

    return sync_full_set(ctx, "groups", write)
