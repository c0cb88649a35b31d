"""What an org tracks: which RapidPro groups are regions (with their tree and boundaries), which
are reporter groups, and which flows are polls. Used by the settings pages and the demo setup.

Each function changes the acting administrator's org (the demo setup acts as the deployment,
Actor.setup), and checks everything before changing anything: a bad choice raises ValueError and
leaves the org as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tracpro.auth.actor import Actor
from tracpro.auth.writes import Allowed, write
from tracpro.db.models import Boundary, ContactGroup, Org, Poll, Region, ReporterGroup
from tracpro.i18n import _
from tracpro.orgs import settings_events
from tracpro.orgs.regions import assign_contact_groups, deactivate_region


@dataclass(frozen=True)
class RegionChoice:
    uuid: str  # the RapidPro group
    parent_uuid: str | None = None  # another chosen group, or None for a top-level region
    boundary_osm_id: str | None = None


def _groups_by_uuid(session: Session, org_id: int, uuids: Iterable[str]) -> dict[str, ContactGroup]:
    groups = {
        group.uuid: group
        for group in session.scalars(
            select(ContactGroup).where(ContactGroup.org_id == org_id, ContactGroup.uuid.in_(list(uuids)))
        )
        if group.is_active
    }
    missing = set(uuids) - set(groups)
    if missing:
        raise ValueError(
            _("These groups are not in the org's RapidPro groups: {groups}.").format(groups=", ".join(sorted(missing)))
        )
    return groups


def _check_tree(choices: Sequence[RegionChoice]) -> None:
    parents = {choice.uuid: choice.parent_uuid for choice in choices}
    for uuid, parent in parents.items():
        if parent is not None and parent not in parents:
            raise ValueError(_("A region's parent must be one of the chosen regions, or none."))
        seen = {uuid}
        while parent is not None:
            if parent in seen:
                raise ValueError(_("The regions' parents make a cycle."))
            seen.add(parent)
            parent = parents[parent]


@write(Allowed.ADMINS)
def track_regions(session: Session, actor: Actor, choices: Sequence[RegionChoice]) -> None:
    """Make exactly these groups the org's regions, with this hierarchy and these boundaries."""
    org_id = actor.org_id
    _check_tree(choices)
    groups = _groups_by_uuid(session, org_id, [choice.uuid for choice in choices])
    osm_ids = {choice.boundary_osm_id for choice in choices if choice.boundary_osm_id}
    boundaries = {
        boundary.osm_id: boundary.id
        for boundary in session.scalars(
            select(Boundary).where(Boundary.org_id == org_id, Boundary.osm_id.in_(osm_ids))
        )
    }
    if osm_ids - set(boundaries):
        raise ValueError(_("A region's boundary must be one of the org's boundaries, or none."))

    existing = {region.uuid: region for region in session.scalars(select(Region).where(Region.org_id == org_id))}
    chosen = {choice.uuid for choice in choices}
    for region in existing.values():
        if region.is_active and region.uuid not in chosen:
            deactivate_region(session, region)
    for choice in choices:
        if choice.uuid not in existing:
            existing[choice.uuid] = Region(org_id=org_id, uuid=choice.uuid)
            session.add(existing[choice.uuid])
        region = existing[choice.uuid]
        region.name = groups[choice.uuid].name
        region.is_active = True
    session.flush()
    for choice in choices:
        region = existing[choice.uuid]
        region.parent_id = existing[choice.parent_uuid].id if choice.parent_uuid else None
        region.boundary_id = boundaries.get(choice.boundary_osm_id) if choice.boundary_osm_id else None
    session.flush()
    assign_contact_groups(session, org_id)
    settings_events.record_setting(session, org_id, "regions", regions=[groups[c.uuid].name for c in choices])


@write(Allowed.ADMINS)
def track_reporter_groups(session: Session, actor: Actor, uuids: Sequence[str]) -> None:
    """Make exactly these groups the org's reporter groups."""
    org_id = actor.org_id
    groups = _groups_by_uuid(session, org_id, uuids)
    existing = {
        group.uuid: group for group in session.scalars(select(ReporterGroup).where(ReporterGroup.org_id == org_id))
    }
    for uuid, tracked in existing.items():
        tracked.is_active = uuid in groups
    for uuid, group in groups.items():
        if uuid not in existing:
            session.add(ReporterGroup(org_id=org_id, uuid=uuid, name=group.name))
        else:
            existing[uuid].name = group.name
    session.flush()
    assign_contact_groups(session, org_id)
    settings_events.record_setting(session, org_id, "reporter_groups",
                                   reporter_groups=[group.name for group in groups.values()])


@write(Allowed.ADMINS)
def set_active_polls(session: Session, actor: Actor, flow_uuids: Sequence[str]) -> None:
    """The chosen flows become polls and every other flow of the org stops being one."""
    org_id = actor.org_id
    known = set(session.scalars(select(Poll.flow_uuid).where(Poll.org_id == org_id, Poll.flow_uuid.in_(flow_uuids))))
    unknown = set(flow_uuids) - known
    if unknown:
        raise ValueError(
            _("These flows are not in the org's RapidPro flows: {flows}.").format(flows=", ".join(sorted(unknown)))
        )
    session.execute(
        update(Poll).where(Poll.org_id == org_id).values(is_active=Poll.flow_uuid.in_(list(flow_uuids)))
    )
    settings_events.record_polls(session, org_id, flow_uuids)


@write(Allowed.ADMINS)
def update_region_tree(session: Session, actor: Actor, data: object) -> str:
    """Set every active region's parent and boundary at once, from
    {region id: [parent id or None, boundary id or None]} (or the same as JSON text).

    Returns the confirmation to show; raises ValueError with TracPro's message otherwise.
    """
    org_id = actor.org_id
    if data is None or data == "":
        raise ValueError(_("No data was provided."))
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError as error:
            raise ValueError(_("Data must be valid JSON.")) from error
    if not isinstance(data, dict):
        raise ValueError(_("Data must map each region id to (parent id, boundary id)."))
    if not all(isinstance(value, list | tuple) and len(value) == 2 for value in data.values()):
        raise ValueError(_("All data values must be of the format (parent id, boundary id)."))
    regions = {r.id: r for r in session.scalars(select(Region).where(Region.org_id == org_id, Region.is_active))}
    try:
        wanted = {int(key): (value[0], value[1]) for key, value in data.items()}
    except (TypeError, ValueError) as error:
        raise ValueError(_("Data must map every active region of this org to its parent.")) from error
    if set(wanted) != set(regions):
        raise ValueError(_("Data must map every active region of this org to its parent."))
    boundaries = set(session.scalars(select(Boundary.id).where(Boundary.org_id == org_id)))
    for parent, boundary in wanted.values():
        if parent is not None and parent not in regions:
            raise ValueError(_("A region's parent must be a region of the same org, or none."))
        if boundary is not None and boundary not in boundaries:
            raise ValueError(_("A region's boundary must be a boundary of the same org, or none."))
    for region_id in wanted:  # no region may be its own ancestor
        seen, parent = {region_id}, wanted[region_id][0]
        while parent is not None:
            if parent in seen:
                raise ValueError(_("A region cannot be inside one of its own sub-regions."))
            seen.add(parent)
            parent = wanted[parent][0]
    for region_id, (parent, boundary) in wanted.items():
        regions[region_id].parent_id, regions[region_id].boundary_id = parent, boundary
    session.flush()
    assign_contact_groups(session, org_id)  # the deepest region of a contact may have changed
    settings_events.record_region_tree(session, org_id)
    return _("{org} regions have been updated.").format(org=session.get_one(Org, org_id).name)


@write(Allowed.ADMINS)
def choose_regions(session: Session, actor: Actor, uuids: Sequence[str]) -> list[str]:
    """Track exactly these groups as regions, keeping the tree of those already tracked.

    A region keeps its boundary, and its parent when that stays chosen; under a parent that is
    dropped it moves up to the nearest chosen ancestor. A newly chosen group, or one
    chosen again, starts at the top (one chosen again with its old boundary). Returns the
    names of the regions dropped.
    """
    org_id = actor.org_id
    current = {r.uuid: r for r in session.scalars(select(Region).where(Region.org_id == org_id, Region.is_active))}
    # Looked up by parent_id, which is None at the top.
    by_id: dict[int | None, Region] = {region.id: region for region in current.values()}
    chosen = set(uuids)
    boundary_osm = dict(session.execute(  # a region chosen again gets its boundary back
        select(Region.uuid, Boundary.osm_id).join(Boundary, Boundary.id == Region.boundary_id)
        .where(Region.org_id == org_id)
    ).all())

    def chosen_ancestor(region: Region | None) -> str | None:
        seen: set[int] = set()
        parent = by_id.get(region.parent_id) if region is not None else None
        while parent is not None and parent.uuid not in chosen and parent.id not in seen:
            seen.add(parent.id)
            parent = by_id.get(parent.parent_id)
        return parent.uuid if parent is not None and parent.uuid in chosen else None

    choices = [RegionChoice(uuid, chosen_ancestor(current.get(uuid)), boundary_osm.get(uuid)) for uuid in uuids]
    dropped = sorted((region.name for uuid, region in current.items() if uuid not in chosen), key=str.lower)
    track_regions(session, actor, choices)
    return dropped


@write(Allowed.ADMINS)
def stop_tracking_region(session: Session, actor: Actor, region_id: int) -> tuple[str, list[str], str | None]:
    """Deactivate one region: its sub-regions move up to its parent and its contacts leave it.

    Returns (its name, the names of the sub-regions moved, the name of their new parent or None
    for the top); raises ValueError for a region that is not an active region of the org.
    """
    org_id = actor.org_id
    region = session.get(Region, region_id)
    if region is None or region.org_id != org_id or not region.is_active:
        raise ValueError(_("This region does not exist or is already deactivated."))
    children = sorted(session.scalars(select(Region.name).where(Region.parent_id == region.id, Region.is_active)),
                      key=str.lower)
    parent = session.get(Region, region.parent_id) if region.parent_id else None
    deactivate_region(session, region)
    assign_contact_groups(session, org_id)
    settings_events.record_setting(session, org_id, "region_deactivated", region=region.name, moved_up=children)
    return region.name, children, parent.name if parent is not None else None
