"""The data a user may see in an org, as the original TracPro computed it.

- A user's regions are the regions given to them plus all their active descendants; an
  admin's are all the org's active regions.
- The selected region is the one chosen in the sidebar, if it is among the user's regions.
  An admin may select none ("All regions"); a supervisor falls back to their first region.
- The regions whose data is shown are the selected region and its descendants among the
  user's regions, or the selected region alone when sub-regions are switched off.
- The pollruns shown are all of the org's with every region in view; with a region selected,
  those of the region itself, those propagated from one of its ancestors, the universal and
  spoofed ones, and (with sub-regions on) those of its sub-regions. Read models and the writes
  on a pollrun keep to the same rule (pollrun_visible).

A Scope is built once per rerun, is frozen and hashable (it is part of every cache key), and
is required by every read model. tracpro.queries.scope turns its regions into SQL, in one
place; the pollrun rule is SQL here, beside the scope, because writes keep to it too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select, text
from sqlalchemy.orm import Session, aliased

from tracpro.db.models import PollRun, PollRunType, Region, Role
from tracpro.i18n import _


class NoRegions(Exception):
    """A supervisor with no active region may see no data at all."""


class NotFound(LookupError):
    """What was asked for is not in the user's org or scope, or does not exist: the two are told
    apart to nobody, so a page says "not found" and shows nothing. `str()` is that
    sentence, in the user's language. Raised by read models and by writes alike."""


@dataclass(frozen=True)
class Scope:
    org_id: int
    # None means every region of the org (an admin's "All regions"); otherwise a non-empty set.
    region_ids: frozenset[int] | None
    selected_region_id: int | None = None
    include_subregions: bool = True

    @property
    def all_regions(self) -> bool:
        return self.region_ids is None

    def sees_region(self, region_id: int | None) -> bool:
        return self.region_ids is None or region_id in self.region_ids


def subtree_ids(session: Session, org_id: int, region_ids: Sequence[int]) -> set[int]:
    """The given regions and all their active descendants."""
    if not region_ids:
        return set()
    rows = session.execute(
        text(
            """
            WITH RECURSIVE below AS (
                SELECT id, 0 AS depth FROM regions WHERE org_id = :org AND is_active AND id = ANY(:ids)
              UNION
                SELECT r.id, below.depth + 1 FROM regions r JOIN below ON r.parent_id = below.id
                WHERE r.is_active AND below.depth < 32
            )
            SELECT DISTINCT id FROM below
            """
        ),
        {"org": org_id, "ids": list(region_ids)},
    )
    return {row.id for row in rows}


def user_region_ids(session: Session, org_id: int, role: Role, given_region_ids: Iterable[int]) -> frozenset[int]:
    """The regions a user may see: all active ones for an admin, else the given ones and their subtrees."""
    if role == Role.ADMIN:
        return frozenset(session.scalars(select(Region.id).where(Region.org_id == org_id, Region.is_active)))
    return frozenset(subtree_ids(session, org_id, list(given_region_ids)))


def _first_region(session: Session, region_ids: frozenset[int]) -> int:
    """The supervisor's default: the highest of their regions in the tree, then the first by name."""
    regions = session.scalars(select(Region).where(Region.id.in_(region_ids))).all()
    by_id = {region.id: region for region in regions}

    def depth(region: Region) -> int:
        steps = 0
        while region.parent_id in by_id and steps < 32:
            region, steps = by_id[region.parent_id], steps + 1
        return steps

    return min(regions, key=lambda region: (depth(region), region.name.lower(), region.id)).id


def build_scope(
    session: Session,
    *,
    org_id: int,
    role: Role,
    given_region_ids: Iterable[int],
    selected_region_id: int | None,
    include_subregions: bool = True,
) -> Scope:
    """The user's scope for this rerun; raises NoRegions for a supervisor without regions."""
    visible = user_region_ids(session, org_id, role, given_region_ids)
    if selected_region_id not in visible:
        selected_region_id = None
    if selected_region_id is None:
        if role == Role.ADMIN:
            return Scope(org_id, None, None, include_subregions)
        if not visible:
            raise NoRegions(_("You don't have access to any regions. Contact your administrator."))
        selected_region_id = _first_region(session, visible)
    if include_subregions:
        region_ids = frozenset(subtree_ids(session, org_id, [selected_region_id])) & visible
    else:
        region_ids = frozenset({selected_region_id})
    return Scope(org_id, region_ids, selected_region_id, include_subregions)


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
