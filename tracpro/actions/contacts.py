"""Creating, editing and deleting contacts from TracPro, pushed to RapidPro through the outbox.

The change shows in TracPro at once; the action carries what to send and what to put back if
RapidPro refuses it, so a refused change does not linger as if it had happened.

An edit carries only what the user changed: TracPro shows one URN of a contact that may have
several, and may not have seen changes made in RapidPro since the last sync. The changed URN and
the groups TracPro manages (regions and reporter groups) are merged into what RapidPro holds when
the edit is pushed (tracpro.outbox.contact_edits).

Each is a write of anyone working in the org, on contacts in their scope (tracpro.auth.writes).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracpro.actions.contact_validation import ContactInput, same_field_value, validate_contact
from tracpro.audit.trail import record
from tracpro.auth.actor import Actor, NotAllowed
from tracpro.auth.scope import Scope
from tracpro.auth.writes import Allowed, write
from tracpro.db.models import Contact, ContactGroup, DataField, OutboxAction, Region, ReporterGroup
from tracpro.db.models.audit import AuditKind
from tracpro.i18n import _
from tracpro.orgs.regions import assign_contact_groups

# A contact created in TracPro is "pending" (with a uuid of ours) until RapidPro accepts it and
# gives it its own uuid.
PENDING = "pending"


def _managed_uuids(session: Session, org_id: int) -> set[str]:
    """The RapidPro groups TracPro manages: those it tracks as regions or reporter groups."""
    managed = set(session.scalars(select(Region.uuid).where(Region.org_id == org_id, Region.is_active)))
    return managed | set(session.scalars(
        select(ReporterGroup.uuid).where(ReporterGroup.org_id == org_id, ReporterGroup.is_active)))


def _chosen_uuids(session: Session, region_id: int | None, reporter_groups: list[ReporterGroup]) -> set[str]:
    region = session.get(Region, region_id) if region_id is not None else None
    return {*([region.uuid] if region else []), *(group.uuid for group in reporter_groups)}


def _edit(session: Session, contact: Contact, clean: dict) -> tuple[dict, dict]:
    """What the user changed, as (the change to send RapidPro, the contact's values before it)."""
    change: dict = {}
    before: dict = {}
    for name in ("name", "language"):
        if clean[name] != getattr(contact, name):
            change[name], before[name] = clean[name], getattr(contact, name)
    if clean["urn"] != contact.urn:
        change["urn"], before["urn"] = {"from": contact.urn, "to": clean["urn"]}, contact.urn
    kinds = dict(session.execute(select(DataField.key, DataField.value_type)
                                 .where(DataField.org_id == contact.org_id)).all())
    fields = {key: value for key, value in clean["fields"].items()
              if not same_field_value(kinds[key], contact.fields.get(key), value)}
    if fields:
        change["fields"] = {key: "" if value is None else value for key, value in fields.items()}
        before["fields"] = {key: contact.fields.get(key) for key in fields}
    groups_before = {group.id for group in contact.reporter_groups if group.is_active}  # as the form showed them
    if clean["region_id"] != contact.region_id or {group.id for group in clean["reporter_groups"]} != groups_before:
        chosen = _chosen_uuids(session, clean["region_id"], clean["reporter_groups"])
        change["groups"] = {"managed": sorted(_managed_uuids(session, contact.org_id)), "chosen": sorted(chosen)}
        before.update(group_uuids=list(contact.group_uuids), region_id=contact.region_id,
                      reporter_group_ids=sorted(g.id for g in contact.reporter_groups))
    return change, before


def _rapidpro_payload(session: Session, contact: Contact) -> dict:
    """What RapidPro is told. Its groups are all the contact's manual groups: RapidPro replaces
    the list it is given, and smart or system groups cannot be set."""
    settable = set(session.scalars(select(ContactGroup.uuid).where(
        ContactGroup.org_id == contact.org_id, ContactGroup.query.is_(None), ContactGroup.is_system.is_(False))))
    groups = [uuid_ for uuid_ in contact.group_uuids if uuid_ in settable]
    return {"name": contact.name, "language": contact.language, "urns": [contact.urn], "groups": groups,
            "fields": {key: ("" if value is None else value) for key, value in contact.fields.items()}}


def _apply(contact: Contact, clean: dict) -> None:
    contact.name, contact.urn, contact.language = clean["name"], clean["urn"], clean["language"]
    contact.region_id = clean["region_id"]
    contact.reporter_groups = clean["reporter_groups"]
    contact.fields = {**contact.fields, **clean["fields"]}


def _apply_edit(contact: Contact, clean: dict, change: dict) -> None:
    """The edit in TracPro: what changed only (the rest stays as the last sync brought it)."""
    for name in ("name", "language"):
        if name in change:
            setattr(contact, name, clean[name])
    if "urn" in change:
        contact.urn = clean["urn"]
    if "fields" in change:
        contact.fields = {**contact.fields, **{key: clean["fields"][key] for key in change["fields"]}}
    if "groups" in change:
        contact.region_id, contact.reporter_groups = clean["region_id"], clean["reporter_groups"]


@write(Allowed.MEMBERS)
def create_contact(session: Session, actor: Actor, data: ContactInput, now: datetime) -> tuple[Contact, OutboxAction]:
    """The contact, in one of the actor's regions in TracPro from `now` on, and the action that
    creates it in RapidPro."""
    scope, user_id = actor.require_scope(), actor.user_id
    clean = validate_contact(session, scope, data)
    contact = Contact(org_id=scope.org_id, uuid=str(uuid.uuid4()), created_by_id=user_id,
                      fields={}, group_uuids=[], rapidpro_status=PENDING, is_active=True,
                      created_on=now, modified_on=now)
    _apply(contact, clean)
    session.add(contact)
    session.flush()
    _sync_groups(session, contact)
    action = OutboxAction(org_id=scope.org_id, kind="create_contact", created_by_id=user_id,
                          payload={"contact_id": contact.id, "contact": _rapidpro_payload(session, contact)})
    session.add(action)
    session.flush()
    record(session, AuditKind.CONTACT_CREATED, scope.org_id, _about(contact), region_id=contact.region_id)
    return contact, action


def _visible_contact(session: Session, scope: Scope, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if (
        contact is None
        or contact.org_id != scope.org_id
        or not contact.is_active
        or not scope.sees_region(contact.region_id)
    ):
        raise NotAllowed(_("This contact does not exist, or you may not see it."))
    return contact


@write(Allowed.MEMBERS)
def update_contact(session: Session, actor: Actor, contact_id: int, data: ContactInput) -> OutboxAction:
    """The edit of a contact in the actor's view, in TracPro at once, and the action that sends
    RapidPro what the user changed."""
    scope, user_id = actor.require_scope(), actor.user_id
    contact = _visible_contact(session, scope, contact_id)
    clean = validate_contact(session, scope, data, contact_id=contact.id)
    change, before = _edit(session, contact, clean)
    _apply_edit(contact, clean, change)
    session.flush()
    if "groups" in change:
        _sync_groups(session, contact)
    action = OutboxAction(org_id=scope.org_id, kind="update_contact", created_by_id=user_id,
                          payload={"contact_id": contact.id, "uuid": contact.uuid, "name": contact.name,
                                   "change": change, "before": before})
    session.add(action)
    session.flush()
    record(session, AuditKind.CONTACT_EDITED, scope.org_id, {**_about(contact), "changed": sorted(change)},
           region_id=contact.region_id)
    return action


@write(Allowed.MEMBERS)
def delete_contact(session: Session, actor: Actor, contact_id: int) -> OutboxAction:
    """A contact in the actor's view leaves TracPro at once, and RapidPro with the action."""
    scope, user_id = actor.require_scope(), actor.user_id
    contact = _visible_contact(session, scope, contact_id)
    contact.is_active = False
    contact.rapidpro_status = "deleted"
    action = OutboxAction(org_id=scope.org_id, kind="delete_contact", created_by_id=user_id,
                          payload={"contact_id": contact.id, "uuid": contact.uuid, "name": contact.name})
    session.add(action)
    session.flush()
    record(session, AuditKind.CONTACT_DELETED, scope.org_id, _about(contact), region_id=contact.region_id)
    return action


def _about(contact: Contact) -> dict[str, object]:
    """How an audit event names a contact: its id, and its name and URN as they are."""
    return {"contact": contact.id, "name": contact.name, "urn": contact.urn}


def _sync_groups(session: Session, contact: Contact) -> None:
    """Put the form's region and reporter groups in the contact's RapidPro groups (what regions
    are derived from), keeping the groups TracPro does not track (an opt-out list, say)."""
    managed = _managed_uuids(session, contact.org_id)
    kept = [uuid_ for uuid_ in contact.group_uuids if uuid_ not in managed]
    contact.group_uuids = sorted({*kept, *_chosen_uuids(session, contact.region_id, contact.reporter_groups)})
    session.flush()
    assign_contact_groups(session, contact.org_id, [contact.id])
