"""Which pollruns and responses a scope shows; read models answer anything else with "not found".

- Pollruns: with every region in view, all of the org's; with a region selected, those of the
  region itself, those propagated from one of its ancestors, the universal and spoofed ones,
  and (with sub-regions on) those of its sub-regions.
- Responses: active ones, of active contacts in an active region the scope sees.

Both are SQL conditions built from the scope, so every read model uses the same rule.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import aliased

from tracpro.auth.scope import Scope
from tracpro.db.models import Contact, PollRun, PollRunType, Region, Response
from tracpro.queries.scope import region_filter

UNIVERSAL_TYPES = (PollRunType.UNIVERSAL, PollRunType.SPOOFED)


def _ancestors_of(region_id: int):
    """A subquery of the ids of a region's ancestors."""
    walk = select(Region.id, Region.parent_id).where(Region.id == region_id).cte("ancestry", recursive=True)
    parent = aliased(Region)
    walk = walk.union_all(select(parent.id, parent.parent_id).join(walk, parent.id == walk.c.parent_id))
    return select(walk.c.id).where(walk.c.id != region_id)


def pollrun_visible(scope: Scope) -> ColumnElement[bool]:
    """Pollruns of the scope's org that a user with this scope may open."""
    in_org = PollRun.org_id == scope.org_id
    if scope.selected_region_id is None:
        return in_org
    region = scope.selected_region_id
    shown = [
        PollRun.region_id.is_(None),
        PollRun.region_id == region,
        and_(PollRun.pollrun_type == PollRunType.PROPAGATED, PollRun.region_id.in_(_ancestors_of(region))),
    ]
    if scope.include_subregions and scope.region_ids:
        shown.append(PollRun.region_id.in_(sorted(scope.region_ids)))
    return and_(in_org, or_(*shown))


def pollrun_charted(scope: Scope) -> ColumnElement[bool]:
    """Pollruns that poll charts include: with no region selected only universal and spoofed
    ones (regional runs would skew an all-regions chart), else the visible ones."""
    if scope.selected_region_id is None:
        return and_(PollRun.org_id == scope.org_id, PollRun.pollrun_type.in_(UNIVERSAL_TYPES))
    return pollrun_visible(scope)


def response_counted(scope: Scope, *, include_inactive: bool = False) -> ColumnElement[bool]:
    """Responses (joined to their Contact and its Region) that count for this scope."""
    conditions = [
        Response.org_id == scope.org_id,
        Contact.is_active,
        Region.is_active,
        region_filter(scope, Contact.region_id),
    ]
    if not include_inactive:
        conditions.append(Response.is_active)
    return and_(*conditions)


def responses_with_contacts():
    """Response joined to its contact and the contact's region, as response_counted expects."""
    return Response.__table__.join(Contact.__table__, Contact.id == Response.contact_id).join(
        Region.__table__, Region.id == Contact.region_id
    )

