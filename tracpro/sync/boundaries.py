"""Map boundaries: the whole set each pass, rings normalised for plotly, parents linked by osm id.
Boundaries gone from RapidPro are deleted (regions pointing at them lose their boundary)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from tracpro.db.models import Boundary
from tracpro.db.results import rowcount
from tracpro.db.upsert import upsert
from tracpro.geometry import clockwise_rings
from tracpro.sync.counts import Counts
from tracpro.sync.engine import SyncContext, sync_full_set


def boundary_row(org_id: int, boundary: Any) -> dict[str, Any]:
    geometry = boundary.geometry
    if geometry is not None:
        geometry = clockwise_rings({"type": geometry.type, "coordinates": geometry.coordinates})
    return {
        "org_id": org_id,
        "osm_id": boundary.osm_id,
        "name": boundary.name,
        "level": boundary.level or 0,
        "aliases": list(boundary.aliases or []),
        "geometry": geometry,
    }


_LINK_PARENTS = text(
    """
UPDATE boundaries child SET parent_id = parent.id, updated_at = now()
FROM jsonb_to_recordset(CAST(:links AS jsonb)) AS link(osm_id text, parent_osm_id text)
LEFT JOIN boundaries parent ON parent.org_id = :org AND parent.osm_id = link.parent_osm_id
WHERE child.org_id = :org AND child.osm_id = link.osm_id AND child.parent_id IS DISTINCT FROM parent.id
RETURNING child.osm_id
"""
)


def sync_boundaries(ctx: SyncContext) -> Counts:
    remote = ctx.rapidpro.all("boundaries", geometry=True)
    rows = [boundary_row(ctx.org_id, boundary) for boundary in remote]
    links = [
        {"osm_id": boundary.osm_id, "parent_osm_id": boundary.parent.osm_id if boundary.parent else None}
        for boundary in remote
    ]

    def write(session: Session) -> Counts:
        result = upsert(session, Boundary.__table__, rows, key=("org_id", "osm_id"), returning=("osm_id",))
        relinked = set(session.execute(_LINK_PARENTS, {"org": ctx.org_id, "links": json.dumps(links)}).scalars())
        # A boundary whose only change is its parent is updated too.
        only_relinked = relinked - set(result.created) - set(result.updated)
        counts = Counts.of(result)
        counts.updated += len(only_relinked)
        counts.unchanged -= len(only_relinked)
        counts.deleted = rowcount(session.execute(
            delete(Boundary).where(Boundary.org_id == ctx.org_id, Boundary.osm_id.not_in([r["osm_id"] for r in rows]))
        ))
        return counts

    return sync_full_set(ctx, "boundaries", write)
