"""Sending a contact edit to RapidPro without undoing what TracPro does not show.

RapidPro's contact update replaces the whole URN list and the whole set of static groups it is
given, and sets only the fields named. An edit therefore carries only what the user changed
(tracpro.actions.contacts), and where a list is replaced the list is built at push time from the
contact as RapidPro has it then: its other URNs, and its groups TracPro does not manage, stay.

Sending the same edit twice gives the same contact, so an edit whose answer was lost is simply
sent again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tracpro.rapidpro import MissingInRapidPro, RapidPro


def replaced_urns(current: Iterable[str], old: str | None, new: str) -> list[str]:
    """The contact's URNs with the one edited changed in place (RapidPro's order: messages go to the
    first), or the new one first when the old one is gone from RapidPro; each URN once."""
    current = list(current)
    urns = [new if urn == old else urn for urn in current] if old in current else [new, *current]
    return list(dict.fromkeys(urns))


def groups_to_set(current: Iterable[str], smart: set[str], managed: Iterable[str], chosen: Iterable[str]) -> list[str]:
    """The static groups to give RapidPro: the contact's groups TracPro does not manage (smart groups
    left out, RapidPro refuses them) and the managed ones chosen in TracPro."""
    managed = set(managed)
    kept = [uuid for uuid in current if uuid not in managed and uuid not in smart]
    return list(dict.fromkeys([*kept, *chosen]))


def change_of(payload: dict[str, Any]) -> dict[str, Any]:
    """The change an update_contact action carries. An edit stored before edits carried only their
    changes holds the whole contact before and after: its change is what differs between the two
    (the groups it added or removed are the ones it manages), so it too keeps the other URNs."""
    if "change" in payload:
        return payload["change"]
    before, after = payload["before"], payload["contact"]
    change: dict[str, Any] = {key: after[key] for key in ("name", "language") if after.get(key) != before.get(key)}
    new_urn = (after.get("urns") or [None])[0]
    if new_urn and new_urn != before.get("urn"):
        change["urn"] = {"from": before.get("urn"), "to": new_urn}
    old_fields = {key: "" if value is None else value for key, value in (before.get("fields") or {}).items()}
    fields = {key: value for key, value in (after.get("fields") or {}).items() if old_fields.get(key, "") != value}
    if fields:
        change["fields"] = fields
    touched = set(before.get("group_uuids") or []) ^ set(after.get("groups") or [])
    if touched:
        change["groups"] = {"managed": sorted(touched), "chosen": sorted(touched & set(after.get("groups") or []))}
    return change


def contact_update(rapidpro: RapidPro, uuid: str, change: dict[str, Any]) -> dict[str, Any]:
    """The body of RapidPro's contact update for `change` (as tracpro.actions.contacts stores it)."""
    body: dict[str, Any] = {key: change[key] for key in ("name", "language", "fields") if key in change}
    if "urn" in change or "groups" in change:
        found = rapidpro.all("contacts", uuid=uuid)
        if not found:
            raise MissingInRapidPro("RapidPro no longer has this contact (deleted there).")
        contact = found[0]
        if "urn" in change:
            body["urns"] = replaced_urns(contact.urns or [], change["urn"]["from"], change["urn"]["to"])
        if "groups" in change:
            smart = {group.uuid for group in rapidpro.all("groups") if group.query}
            body["groups"] = groups_to_set([group.uuid for group in contact.groups or []], smart,
                                           change["groups"]["managed"], change["groups"]["chosen"])
    return body
