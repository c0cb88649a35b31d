"""Contacts: those changed since the watermark, then those deleted over the same window.

Every RapidPro contact is stored, tracked or not; region, reporter groups and activity are
then derived from its groups by tracpro.orgs.regions (the one place that rule lives), so
contacts outside every tracked region are kept but inactive.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import any_, literal, select, text, update
from sqlalchemy.orm import Session

from tracpro.db.models import Contact
from tracpro.db.results import rowcount
from tracpro.db.upsert import upsert
from tracpro.orgs.regions import assign_contact_groups
from tracpro.sync.counts import Counts
from tracpro.sync.engine import SyncContext, sync_pages


def contact_row(org_id: int, contact: Any) -> dict[str, Any]:
    urns = contact.urns or []
    return {
        "org_id": org_id,
        "uuid": contact.uuid,
        "name": contact.name or "",
        # RapidPro lists URNs by priority: the first is the one messages go to.
        "urn": urns[0] if urns else None,
        "language": contact.language,
        "fields": dict(contact.fields or {}),
        "group_uuids": sorted(group.uuid for group in contact.groups or []),
        "rapidpro_status": contact.status or "active",
        "created_on": contact.created_on,
        "modified_on": contact.modified_on,
    }


# Contacts with a TracPro edit not yet done or refused in RapidPro. RapidPro's copy of them is
# older than ours until the edit lands there (which bumps its modified_on, so a later pass reads
# it): every pass re-reads an overlap, and must not put the old copy back meanwhile.
_EDITED_UUIDS = text("""
SELECT uuid FROM contacts WHERE org_id = :org AND uuid = ANY(:uuids) AND id IN (
    SELECT CAST(payload->>'contact_id' AS integer) FROM outbox_actions
    WHERE org_id = :org AND status NOT IN ('done', 'failed') AND payload ? 'contact_id')
""")


def write_contacts(session: Session, org_id: int, contacts: list[Any]) -> Counts:
    """Store RapidPro's contacts, but for those with a TracPro edit on its way (counted unchanged)."""
    uuids = [contact.uuid for contact in contacts]
    edited = set(session.scalars(_EDITED_UUIDS, {"org": org_id, "uuids": uuids})) if uuids else set()
    rows = [contact_row(org_id, contact) for contact in contacts if contact.uuid not in edited]
    result = upsert(session, Contact.__table__, rows, key=("org_id", "uuid"), returning=("id",))
    changed = result.created + result.updated
    if changed:
        assign_contact_groups(session, org_id, changed)
    return Counts.of(result).add(Counts(unchanged=len(edited)))


def write_deleted_contacts(session: Session, org_id: int, contacts: list[Any]) -> Counts:
    """Deleted contacts keep their rows (and their past responses) but become inactive."""
    deleted = 0
    for contact in contacts:
        deleted += rowcount(session.execute(
            update(Contact)
            .where(Contact.org_id == org_id, Contact.uuid == contact.uuid, Contact.rapidpro_status != "deleted")
            .values(rapidpro_status="deleted", is_active=False, modified_on=contact.modified_on)
        ))
    return Counts(deleted=deleted, unchanged=len(contacts) - deleted)


def ensure_contacts(
    session: Session, org_id: int, uuids: set[str], known: dict[str, int] | None = None
) -> dict[str, int]:
    """Contact ids by uuid, adding an inactive placeholder for any contact not synced yet.

    A run can name a contact created after this pass's contact window closed; the placeholder
    is filled in by the next contact pass, whose window covers that contact's creation.
    `known` (the pass's SyncContext.contact_ids) remembers ids already read: a contact row is
    never deleted, so an id read once stays right. Only ids read before this transaction wrote
    anything go in it, so a page rolled back leaves no id of a row that does not exist.
    """
    known = known if known is not None else {}
    ids = {uuid: known[uuid] for uuid in uuids if uuid in known}
    wanted = uuids - ids.keys()
    if wanted:
        found = dict(session.execute(
            select(Contact.uuid, Contact.id)
            .where(Contact.org_id == org_id, Contact.uuid == any_(literal(list(wanted))))
        ).all())
        if len(known) + len(found) > _KNOWN_CONTACTS_MAX:
            known.clear()  # bounded memory at any tier: reading again is only slower
        known.update(found)
        ids.update(found)
    missing = uuids - ids.keys()
    if missing:
        rows = [{"org_id": org_id, "uuid": uuid, "rapidpro_status": "unknown", "is_active": False} for uuid in missing]
        upsert(session, Contact.__table__, rows, key=("org_id", "uuid"), update=())
        ids.update(
            session.execute(
                select(Contact.uuid, Contact.id)
                .where(Contact.org_id == org_id, Contact.uuid == any_(literal(list(missing))))
            ).all()
        )
    return ids


# About 150 bytes an entry: at most ~30 MB however many contacts the org has.
_KNOWN_CONTACTS_MAX = 200_000


def sync_contacts(ctx: SyncContext) -> Counts:
    counts = sync_pages(
        ctx, "contacts", "contacts", lambda session, page: write_contacts(session, ctx.org_id, page.items)
    )
    deleted = sync_pages(
        ctx,
        "deleted_contacts",
        "contacts",
        lambda session, page: write_deleted_contacts(session, ctx.org_id, page.items),
        filters={"deleted": True},
    )
    return counts.add(Counts(deleted=deleted.deleted, malformed=deleted.malformed))
