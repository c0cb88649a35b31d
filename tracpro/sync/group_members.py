"""The members of the tracked groups (regions, reporter groups), read again from RapidPro when
the ones we hold may be off.

RapidPro bumps a contact's modified_on for every group it joins or leaves (mailroom does so for a
smart group's re-evaluation too), so the contacts pass normally brings every membership change.
This stage checks that, cheaply, and repairs what it finds, after the contacts pass:

- a tracked group RapidPro re-evaluated (tracpro.sync.groups marks it) is walked once it has
  settled (listed, and no longer evaluating);
- a tracked group whose RapidPro count moved since we last agreed with it is counted in our
  database, and walked when the two numbers differ.

Other groups cost nothing. A walk (`contacts?group=`, oldest change first, so a contact changed
meanwhile comes again at the end instead of being skipped) rebuilds the group's membership: the
contacts it lists are in the group, the contacts we hold in it that it does not list are out.
Contacts with a TracPro edit still on its way to RapidPro are left alone: RapidPro does not know
the edit yet, and the contacts pass brings them once it does.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

from tracpro.db.connection import session_scope
from tracpro.db.models import ContactGroup, Region, ReporterGroup
from tracpro.orgs.regions import assign_contact_groups
from tracpro.sync.contacts import write_contacts
from tracpro.sync.counts import Counts
from tracpro.sync.engine import SyncContext

RESOURCE = "group_members"

# Contacts whose TracPro edit (create, update, delete) is not yet done or refused in RapidPro.
_EDITED = """
    SELECT CAST(payload->>'contact_id' AS integer) FROM outbox_actions
    WHERE org_id = :org AND status NOT IN ('done', 'failed') AND payload ? 'contact_id'
"""

# Members as RapidPro counts them: contacts it lists in the group (ours not yet in RapidPro aside).
_HELD_COUNTS = text("""
SELECT member.uuid, count(*) AS members
FROM contacts c CROSS JOIN LATERAL jsonb_array_elements_text(c.group_uuids) AS member(uuid)
WHERE c.org_id = :org AND c.rapidpro_status NOT IN ('deleted', 'pending') AND member.uuid = ANY(:groups)
GROUP BY member.uuid
""")

_JOIN = text(f"""
UPDATE contacts SET updated_at = now(), group_uuids = (
    SELECT jsonb_agg(member ORDER BY member COLLATE "C")
    FROM jsonb_array_elements_text(contacts.group_uuids || jsonb_build_array(CAST(:group AS text))) AS member
)
WHERE org_id = :org AND uuid = ANY(:uuids) AND NOT group_uuids @> jsonb_build_array(CAST(:group AS text))
  AND id NOT IN ({_EDITED})
RETURNING id
""")

_LEAVE = text(f"""
UPDATE contacts SET updated_at = now(), group_uuids = group_uuids - CAST(:group AS text)
WHERE org_id = :org AND group_uuids @> jsonb_build_array(CAST(:group AS text)) AND NOT (uuid = ANY(:seen))
  AND rapidpro_status <> 'pending' AND id NOT IN ({_EDITED})
RETURNING id
""")


def _tracked_groups(session: Session, org_id: int) -> list[ContactGroup]:
    """The org's tracked groups as RapidPro last listed them, settled (not evaluating)."""
    regions = select(Region.uuid).where(Region.org_id == org_id, Region.is_active)
    reporter_groups = select(ReporterGroup.uuid).where(ReporterGroup.org_id == org_id, ReporterGroup.is_active)
    return list(session.scalars(
        select(ContactGroup).where(
            ContactGroup.org_id == org_id, ContactGroup.is_active, ContactGroup.missing_passes == 0,
            ContactGroup.status != "evaluating",
            or_(ContactGroup.uuid.in_(regions), ContactGroup.uuid.in_(reporter_groups)),
        ).order_by(ContactGroup.name)
    ))


def groups_to_walk(session: Session, org_id: int) -> list[str]:
    """Uuids of the tracked groups whose members must be read again; a group whose count moved
    but agrees with ours is recorded as checked."""
    groups = _tracked_groups(session, org_id)
    moved = [g for g in groups if not g.members_stale and g.members_checked_count != g.contact_count]
    held: dict[str, int] = {}
    if moved:
        rows = session.execute(_HELD_COUNTS, {"org": org_id, "groups": [g.uuid for g in moved]})
        held = {uuid: members for uuid, members in rows}
    for group in moved:
        if held.get(group.uuid, 0) == group.contact_count:
            group.members_checked_count = group.contact_count
    session.flush()
    return [g.uuid for g in groups if g.members_stale or g.members_checked_count != g.contact_count]


def _join(session: Session, org_id: int, group_uuid: str, contacts: list[Any]) -> Counts:
    """The contacts of one page are in the group; those we never had are stored whole."""
    uuids = [contact.uuid for contact in contacts]
    parameters = {"org": org_id, "group": group_uuid}
    known = set(session.scalars(text("SELECT uuid FROM contacts WHERE org_id = :org AND uuid = ANY(:uuids)"),
                                {**parameters, "uuids": uuids}))
    counts = write_contacts(session, org_id, [contact for contact in contacts if contact.uuid not in known])
    joined = list(session.scalars(_JOIN, {**parameters, "uuids": uuids}))
    if joined:
        assign_contact_groups(session, org_id, joined)
    return Counts(created=counts.created, updated=len(joined), unchanged=len(contacts) - counts.created - len(joined))


def _leave(session: Session, org_id: int, group_uuid: str, seen: set[str]) -> int:
    left = list(session.scalars(_LEAVE, {"org": org_id, "group": group_uuid, "seen": list(seen)}))
    if left:
        assign_contact_groups(session, org_id, left)
    return len(left)


def walk_group(ctx: SyncContext, group_uuid: str) -> Counts:
    """Rebuild one group's membership from `contacts?group=`; then it is checked at RapidPro's count."""
    counts, seen = Counts(), set[str]()
    with ctx.progress.bar(ctx.slug, f"{RESOURCE}:{group_uuid}") as advance:
        for page in ctx.rapidpro.pages("contacts", group=group_uuid, reverse=True):
            with session_scope() as session:
                counts.add(_join(session, ctx.org_id, group_uuid, page.items))
            counts.malformed += len(page.malformed)
            # A malformed item cannot be read, so its contact's membership is left as it is.
            seen.update(contact.uuid for contact in page.items)
            seen.update(str(raw.get("uuid")) for raw, _reason in page.malformed if isinstance(raw, dict))
            advance(len(page.items) + len(page.malformed))
    with session_scope() as session:
        counts.updated += _leave(session, ctx.org_id, group_uuid, seen)
        group = session.scalars(
            select(ContactGroup).where(ContactGroup.org_id == ctx.org_id, ContactGroup.uuid == group_uuid)
        ).one()
        group.members_stale, group.members_checked_count = False, group.contact_count
    return counts


def sync_group_members(ctx: SyncContext) -> Counts:
    """Walk the tracked groups whose members may be off (see the module's docstring)."""
    ctx.resource = RESOURCE
    started = time.monotonic()
    with session_scope() as session:
        to_walk = groups_to_walk(session, ctx.org_id)
    counts = Counts()
    for group_uuid in to_walk:
        counts.add(walk_group(ctx, group_uuid))
    ctx.progress.finished(ctx.slug, RESOURCE, counts, time.monotonic() - started)
    return counts

