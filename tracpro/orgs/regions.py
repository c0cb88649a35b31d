"""Regions and reporter groups of contacts, derived from the RapidPro groups they are in.

One rule, applied in SQL by the sync (per page of contacts) and whenever an admin changes
which groups are tracked:

- A contact's region is the **deepest** active tracked region among its RapidPro groups (a
  contact in "Northern Province" and in its district "Gicumbi" belongs to Gicumbi); between
  regions at the same depth, the first by name, then by uuid.
- Its reporter groups are all the active tracked reporter groups among its RapidPro groups.
- It is active when RapidPro has it active or stopped (stopped contacts answered before they
  opted out), or it was just created in TracPro and is on its way to RapidPro ("pending"), it
  has a URN, and it is in a tracked region. Blocked and deleted contacts are inactive.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from tracpro.db.models import Region
from tracpro.db.results import rowcount

# Active regions with their depth in the tree; the depth limit guards against a cycle.
_TREE = """
WITH RECURSIVE tree AS (
    SELECT id, uuid, name, 0 AS depth FROM regions
    WHERE org_id = :org AND is_active AND parent_id IS NULL
  UNION ALL
    SELECT r.id, r.uuid, r.name, tree.depth + 1 FROM regions r JOIN tree ON r.parent_id = tree.id
    WHERE r.is_active AND tree.depth < 32
)
"""

_CONTACTS = "c.org_id = :org AND (CAST(:ids AS integer[]) IS NULL OR c.id = ANY(CAST(:ids AS integer[])))"

_ASSIGN_REGIONS = text(
    _TREE
    + f"""
, choice AS (
    SELECT DISTINCT ON (c.id) c.id AS contact_id, tree.id AS region_id
    FROM contacts c
    CROSS JOIN LATERAL jsonb_array_elements_text(c.group_uuids) AS member(uuid)
    JOIN tree ON tree.uuid = member.uuid
    WHERE {_CONTACTS}
    ORDER BY c.id, tree.depth DESC, tree.name, tree.uuid
), wanted AS (
    SELECT c.id, choice.region_id,
           (c.rapidpro_status IN ('active', 'stopped', 'pending') AND c.urn IS NOT NULL
            AND choice.region_id IS NOT NULL) AS is_active
    FROM contacts c LEFT JOIN choice ON choice.contact_id = c.id
    WHERE {_CONTACTS}
)
UPDATE contacts SET region_id = wanted.region_id, is_active = wanted.is_active, updated_at = now()
FROM wanted
WHERE contacts.id = wanted.id
  AND (contacts.region_id, contacts.is_active) IS DISTINCT FROM (wanted.region_id, wanted.is_active)
"""
)

_WANTED_LINKS = f"""
    SELECT c.id AS contact_id, g.id AS reporter_group_id
    FROM contacts c
    CROSS JOIN LATERAL jsonb_array_elements_text(c.group_uuids) AS member(uuid)
    JOIN reporter_groups g ON g.org_id = c.org_id AND g.uuid = member.uuid AND g.is_active
    WHERE {_CONTACTS}
"""

_REMOVE_LINKS = text(
    f"""
DELETE FROM contact_reporter_groups link USING contacts c
WHERE link.contact_id = c.id AND {_CONTACTS}
  AND (link.contact_id, link.reporter_group_id) NOT IN ({_WANTED_LINKS})
"""
)

_ADD_LINKS = text(
    f"INSERT INTO contact_reporter_groups (contact_id, reporter_group_id) {_WANTED_LINKS} ON CONFLICT DO NOTHING"
)


def assign_contact_groups(session: Session, org_id: int, contact_ids: Sequence[int] | None = None) -> int:
    """Apply the rule above to the given contacts (all of the org's when None).

    Returns how many contacts changed region or activity.
    """
    parameters = {"org": org_id, "ids": list(contact_ids) if contact_ids is not None else None}
    changed = rowcount(session.execute(_ASSIGN_REGIONS, parameters))
    session.execute(_REMOVE_LINKS, parameters)
    session.execute(_ADD_LINKS, parameters)
    return changed


def deactivate_region(session: Session, region: Region) -> None:
    """Take a region out of the tree: its children move up to its parent."""
    session.execute(
        update(Region)
        .where(Region.org_id == region.org_id, Region.parent_id == region.id)
        .values(parent_id=region.parent_id)
    )
    region.parent_id = None
    region.is_active = False
    session.flush()


def active_regions(session: Session, org_id: int) -> list[Region]:
    return list(session.scalars(select(Region).where(Region.org_id == org_id, Region.is_active).order_by(Region.name)))
