"""Every object has the keys and JSON types of reference_current_api_shapes.json, and deserializes."""

from __future__ import annotations

import pytest
from temba_client.v2 import types


def _shape(value):
    """A comparable skeleton: dict keys with their shapes, list of item shape, JSON type name."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def _same(ours, ref, path="") -> list[str]:
    """Differences between two skeletons; null is allowed where the reference has null."""
    problems = []
    if ours == "NoneType" and (path in NULLABLE or path.startswith(".fields.")):
        return []
    if isinstance(ref, dict) and path in (".params", ".extra"):
        return [] if isinstance(ours, dict) else [f"{path}: {ours} is not an object"]
    if isinstance(ref, dict) and path.endswith((".values", ".fields")):
        # Keyed by data (result keys, field keys): every entry has the reference entry's shape.
        if not isinstance(ours, dict):
            return [f"{path}: {ours} is not an object"]
        sample = next(iter(ref.values()), None)
        for k, v in ours.items():
            problems += _same(v, sample if path.endswith(".values") else "str", f"{path}.{k}")
    elif isinstance(ref, dict):
        if not isinstance(ours, dict):
            return [f"{path}: {ours} is not an object"]
        if set(ours) != set(ref):
            problems.append(f"{path}: keys {sorted(set(ours) ^ set(ref))}")
        for k in set(ours) & set(ref):
            problems += _same(ours[k], ref[k], f"{path}.{k}")
    elif isinstance(ref, list):
        if not isinstance(ours, list):
            problems.append(f"{path}: {ours} is not a list")
        elif ref and ours:
            problems += _same(ours[0], ref[0], path + "[]")
    elif ref != "NoneType" and ours != ref:
        problems.append(f"{path}: {ours} != {ref}")
    return problems


# Fields the server sends as null in some states (contact not in a flow, run still waiting...).
NULLABLE = {".flow", ".start", ".exited_on", ".exit_type", ".last_seen_on", ".name", ".category", ".query",
            ".parent", ".geometry", ".sent_on", ".urn", ".language", ".contact.urn", ".contact.urn_display",
            ".contact.name", ".broadcast", ".media"}

CASES = [  # (shape name, endpoint, params, temba type, pick)
    ("run", "runs", {}, types.Run, lambda items: [r for r in items if r["start"] and len(r["values"]) > 1]),
    ("contact", "contacts", {}, types.Contact, lambda items: [c for c in items if c["groups"] and c["urns"]]),
    ("deleted_contact", "contacts", {"deleted": "1"}, types.Contact, lambda items: items),
    ("flow", "flows", {}, types.Flow, lambda items: [f for f in items if f["labels"] and f["results"]]),
    ("group", "groups", {}, types.Group, lambda items: items[-1:]),
    ("field", "fields", {}, types.Field, lambda items: items),
    ("boundary", "boundaries", {}, types.Boundary, lambda items: [b for b in items if b["parent"] and b["aliases"]]),
    ("message", "messages", {"folder": "inbox"}, types.Message, lambda items: items),
    ("broadcast", "broadcasts", {}, types.Broadcast, lambda items: items),
    ("flow_start", "flow_starts", {}, types.FlowStart, lambda items: items),
]


@pytest.mark.parametrize("name, endpoint, params, clazz, pick", CASES, ids=[c[0] for c in CASES])
def test_shapes_match_reference(sim, http, shapes, name, endpoint, params, clazz, pick):
    url, ours = f"{sim.url}/api/v2/{endpoint}.json", None
    while ours is None and url:  # walk pages until one holds a fully populated example
        body = http.get(url, params=params).json()
        assert set(body) == {"next", "previous", "results"}
        for item in body["results"]:  # every object of the page deserializes
            clazz.deserialize(item)
        ours = next(iter(pick(body["results"])), None)
        url, params = body["next"], None
    assert _same(_shape(ours), _shape(shapes[name])) == []


def test_workspace_shape(sim, http, shapes):
    ours = http.get(sim.url + "/api/v2/org.json").json()
    assert _shape(ours) == _shape(shapes["workspace"])
    types.Org.deserialize(ours)


def test_value_and_field_details(sim, http, all_runs):
    run = next(r for r in all_runs if len(r["values"]) >= 2)
    for v in run["values"].values():
        assert set(v) == {"name", "value", "category", "node", "time"}
        assert isinstance(v["value"], str) and isinstance(v["category"], str) and len(v["time"]) == 27
    contact = http.get(sim.url + "/api/v2/contacts.json").json()["results"][0]
    keys = {f["key"] for f in http.get(sim.url + "/api/v2/fields.json").json()["results"]}
    assert set(contact["fields"]) == keys
    assert all(v is None or isinstance(v, str) for v in contact["fields"].values())
    boundary = http.get(sim.url + "/api/v2/boundaries.json").json()["results"][0]
    assert boundary["geometry"]["type"] == "MultiPolygon"
