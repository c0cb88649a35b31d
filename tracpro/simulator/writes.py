"""Writes to contacts: create, update (by uuid or urn), delete, and contact actions.

Each validates like the server (400 with field errors), applies to the overlay (state.py)
and bumps ``modified_on`` of whatever it changes.  With ties on, a contact action changes all
its contacts in one transaction, so they share one ``modified_on``, as mailroom commits them.
"""

from __future__ import annotations

import copy
import json

import numpy as np

from .hashing import uid
from .pagination import ApiError, one
from .schedule import PARTIAL_WAIT, SILENT_WAIT
from .state import OverlayContact
from .streams import Batch
from .timefmt import iso
from .validation import (
    Errors,
    check_language,
    check_list,
    check_urns,
    field_value,
    non_field,
    normalize_urn,
    require_object,
)

ACTIONS = ["add", "remove", "block", "unblock", "interrupt", "archive_messages", "delete"]


def _overlay_copy(ds, index: int) -> OverlayContact:
    """The overlay record of a contact, created from its generated state on first write."""
    st = ds.state
    oc = st.contacts.get(index)
    if oc is not None:
        return copy.deepcopy(oc)
    data = copy.deepcopy(ds.contact_dict(index))
    groups = set(ds.ct.group_indices(ds.ct.attrs([index]), 0)) if index < ds.ct.live else set()
    return OverlayContact(index, index + 1, data["uuid"], data, 0, deleted=index >= ds.ct.live, groups=groups,
                          status=data["status"] or "active")


def _group_refs(ds, oc: OverlayContact) -> list[dict]:
    return [{"uuid": ds.org.groups[g].uuid, "name": ds.org.groups[g].name} for g in sorted(oc.groups)]


def _resolve_groups(ds, errors: Errors, refs: list, name: str) -> list[int]:
    out = []
    for ref in refs:
        g = ds.group_index(str(ref))
        if g is None:
            errors.add(name, f"No such object: {ref}")
        elif ds.org.groups[g].query:
            errors.add(name, f"Contact group must not be query based: {ds.org.groups[g].name}")
        else:
            out.append(g)
    return out


def _commit(ds, oc: OverlayContact, at: int | None = None) -> dict:
    oc.modified_us = ds.state.now() if at is None else at
    oc.data["modified_on"] = iso(oc.modified_us)
    if not oc.deleted:
        oc.data["groups"] = _group_refs(ds, oc) if oc.status == "active" else []
        age = oc.data["fields"].get("age")
        smart = ds.org.groups.index(ds.org.smart)
        oc.groups.discard(smart)
        if oc.status == "active" and age is not None and float(age) < 25:
            oc.groups.add(smart)
        oc.data["groups"] = _group_refs(ds, oc) if oc.status == "active" else []
    ds.state.put_contact(oc)
    return oc.data


# -- contacts ----------------------------------------------------------------------------------------


def post_contact(ds, params: dict, body) -> tuple[int, dict]:
    body = require_object(body)
    uuid, urn = one(params, "uuid"), one(params, "urn")
    if uuid is not None and urn is not None:
        raise ApiError(400, {"detail": "URL can only contain one of the following parameters: urn, uuid"})
    st = ds.state
    with st.lock:
        index, created = None, True
        if uuid is not None:
            index = ds.contact_index_by_uuid(uuid.strip().lower())
            if index is None:
                raise ApiError(404, {"detail": "Not found."})
            created = False
        elif urn is not None:
            norm = normalize_urn(urn)
            if norm is None:
                raise ApiError(400, {"detail": f"Invalid URN: {urn}"})
            if "urns" in body:
                raise ApiError(400, {"urns": ["Field not allowed when using URN in URL"]})
            index = ds.contact_index_by_urn(norm)
            created = index is None
            if created:
                body = dict(body, urns=[norm])
        if index is not None and ds.is_deleted(index):
            raise non_field("Deleted contacts can't be modified.")
        errors = Errors()
        name = body.get("name")
        if "name" in body and name is not None and (not isinstance(name, str) or len(name) > 64):
            errors.add("name", "Ensure this field has no more than 64 characters.")
        language = check_language(errors, body.get("language")) if "language" in body else None
        urns = check_urns(errors, body) if "urns" in body else None
        for k, u in enumerate(urns or []):
            owner = ds.contact_index_by_urn(u)
            if owner is not None and owner != index:
                errors.add("urns", f"URN belongs to another contact: {u}", k)
        groups = _resolve_groups(ds, errors, check_list(errors, body, "groups"), "groups") if "groups" in body else None
        fields = body.get("fields") if "fields" in body else None
        if fields is not None and not isinstance(fields, dict):
            errors.add("fields", "Must be a valid JSON object")
            fields = None
        types = {f.key: f.type for f in ds.org.fields}
        for key in fields or {}:
            if key not in types:
                errors.add("fields", f"Invalid contact field key: {key}")
        errors.raise_if_any()
        if created:
            index = st.next_index
            st.next_index += 1
            now = st.now()
            oc = OverlayContact(index, index + 1, uid(ds.seed, "new-contact", index), {
                "uuid": uid(ds.seed, "new-contact", index), "name": None, "status": "active", "language": None,
                "urns": [], "groups": [], "notes": [], "fields": {k: None for k in ds.org.field_keys}, "flow": None,
                "created_on": iso(now), "modified_on": iso(now), "last_seen_on": None, "blocked": False,
                "stopped": False}, now)
        else:
            assert index is not None  # not created: found by its uuid or urn
            oc = _overlay_copy(ds, index)
        if "name" in body:
            oc.data["name"] = name
        if "language" in body:
            oc.data["language"] = language
        if urns is not None:
            oc.data["urns"] = urns
        if groups is not None:
            smart = {g for g in oc.groups if ds.org.groups[g].query}
            oc.groups = set(groups) | smart
        for key, value in (fields or {}).items():
            oc.data["fields"][key] = field_value(ds, types[key], value)
        return (201 if created else 200), _commit(ds, oc)


def delete_contact(ds, params: dict) -> None:
    uuid, urn = one(params, "uuid"), one(params, "urn")
    if uuid is None and urn is None:
        raise ApiError(400, {"detail": "URL must contain one of the following parameters: urn, uuid"})
    with ds.state.lock:
        index = ds.contact_index_by_uuid(uuid.strip().lower()) if uuid is not None else \
            ds.contact_index_by_urn(normalize_urn(urn) or "")
        if index is None or ds.is_deleted(index):
            raise ApiError(404, {"detail": "Not found."})
        _delete(ds, index)


def _delete(ds, index: int, at: int | None = None) -> None:
    oc = _overlay_copy(ds, index)
    oc.deleted, oc.groups, oc.status = True, set(), "active"
    now = ds.state.now() if at is None else at
    from .contact_view import deleted_dict

    oc.data = deleted_dict(oc.uuid, 0, now)
    oc.data["created_on"] = ds.contact_dict(index)["created_on"]
    oc.modified_us = now
    ds.state.put_contact(oc)


# -- contact actions ---------------------------------------------------------------------------------


def contact_actions(ds, body) -> None:
    body = require_object(body)
    errors = Errors()
    action = body.get("action")
    if action is None:
        errors.add("action", "This field is required.")
    elif action not in ACTIONS:
        errors.add("action", f'"{action}" is not a valid choice.')
    refs = check_list(errors, body, "contacts")
    if "contacts" not in body:
        errors.add("contacts", "This field is required.")
    with ds.state.lock:
        indices = []
        for ref in refs:
            ref = str(ref)
            i = ds.contact_index_by_urn(normalize_urn(ref) or "") if ":" in ref else \
                ds.contact_index_by_uuid(ref.strip().lower())
            if i is None or ds.is_deleted(i):
                errors.add("contacts", f"No such object: {ref}")  # the first only, as for sends
                break
            indices.append(i)
        group = None
        if body.get("group") is not None:
            found = _resolve_groups(ds, errors, [body["group"]], "group")
            group = found[0] if found else None
        errors.raise_if_any()
        if action in ("add", "remove") and body.get("group") is None:
            raise non_field(f'For action "{action}" you should also specify a group')
        if action not in ("add", "remove") and body.get("group") is not None:
            raise non_field(f'For action "{action}" you should not specify a group')
        if action == "add":
            inactive = [ds.contact_dict(i)["uuid"] for i in indices if ds.contact_dict(i)["status"] != "active"]
            if inactive:
                raise non_field("Non-active contacts can't be added to groups: " + ", ".join(inactive))
        at = ds.state.now() if ds.ties else None
        for i in indices:
            _act(ds, i, action, group, at)


def _act(ds, index: int, action: str, group: int | None, at: int | None) -> None:
    if action == "delete":
        _delete(ds, index, at)
        return
    if action == "archive_messages":
        ds.state.archived[index] = ds.state.now() if at is None else at
        return
    if action == "interrupt":
        interrupt(ds, index, at)
        return
    oc = _overlay_copy(ds, index)
    if action == "add":
        assert group is not None  # an "add" without a known group was refused
        oc.groups.add(group)
    elif action == "remove":
        oc.groups.discard(group)
    elif action == "block":
        oc.status, oc.groups = "blocked", set()
        interrupt(ds, index, at)
    elif action == "unblock":
        oc.status = "active"
    oc.data.update(status=oc.status, blocked=oc.status == "blocked", stopped=oc.status == "stopped")
    _commit(ds, oc, at)


def interrupt(ds, index: int, at: int | None = None) -> None:
    """Interrupt the contact's waiting runs (flow-start runs and generated ones), at ``at`` or now."""
    now = ds.state.now() if at is None else at
    for r in ds.state.runs:
        if r.contact == index and r.interrupted_us is None:
            snap = r.snapshot(now, ds)
            if snap is None or snap[1]["exit_type"] is None:
                r.interrupted_us = now
    if index < ds.ct.live:
        sc = ds.schedule
        for s, rank in sc.runs_of_contact(index):
            if int(sc.s_mode[s]) in (PARTIAL_WAIT, SILENT_WAIT):
                b = Batch(sc.streams.times(np.array([s]), np.array([rank])),
                          sc.ids_of(np.array([s]), np.array([rank])), np.array([s]), np.array([rank]))
                d = json.loads(ds.rr.render(b)[0])
                d.update(modified_on=iso(now), exited_on=iso(now), exit_type="interrupted")
                ds.state.run_overrides[int(b.ids[0])] = (now, d)
