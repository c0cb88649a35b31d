"""Sends: broadcasts and flow starts (POST), recorded and acted out over simulated time.

A flow start gives every started contact a run (created a few simulated seconds later; with ties
on, 25 contacts a batch, each batch's runs sharing one modified_on, the NOW() of mailroom's one
transaction per batch, their created_on a little earlier, as the flow engine made each run);
with probability ``response_rate`` the contact answers, one question every few simulated
minutes, finishing or stopping part-way; the others wait until the flow's expiry.
``time_scale`` divides every delay, and run timestamps are the real times things appear.
"""

from __future__ import annotations

import random

import numpy as np

from .contact_view import membership
from .flows import answer_slots
from .hashing import h, uid, uuid7_str
from .pagination import View
from .schedule import START_BATCH
from .state import OverlayRun
from .timefmt import US, iso
from .validation import Errors, check_list, check_urns, non_field, require_object, to_bool
from .writes import post_contact

ENGINE_S = 0.02  # the flow engine's time to start one contact's run, seconds


def _recipients(ds, errors: Errors, body: dict) -> tuple[list[int], list[int], list[str]]:
    """The contacts, groups and URNs a send names. One unknown or deleted contact (or group) refuses
    the whole request, naming only the first: RapidPro's list field stops at the first item it
    cannot find (Django REST framework's ManyRelatedField)."""
    contacts = []
    for ref in check_list(errors, body, "contacts"):
        i = ds.contact_index_by_uuid(str(ref).strip().lower())
        if i is None or ds.is_deleted(i):
            errors.add("contacts", f"No such object: {ref}")
            break
        contacts.append(i)
    groups = []
    for ref in check_list(errors, body, "groups"):
        g = ds.group_index(str(ref))
        if g is None:
            errors.add("groups", f"No such object: {ref}")
            break
        groups.append(g)
    urns = check_urns(errors, body)
    return contacts, groups, urns


def _expand(ds, contacts: list[int], groups: list[int], urns: list[str]) -> list[int]:
    """Distinct contact indices: listed contacts, group members, URN owners (created if new)."""
    out = dict.fromkeys(contacts)
    ct, st = ds.ct, ds.state
    for g in groups:
        for lo in range(0, ct.live, 65536):
            idx = np.arange(lo, min(ct.live, lo + 65536))
            hit = idx[membership(ct, idx, g)]
            out.update(dict.fromkeys(i for i in hit.tolist() if i not in st.contacts))
        out.update(dict.fromkeys(i for i, oc in st.contacts.items()
                                 if g in oc.groups and not oc.deleted and oc.status == "active"))
    for u in urns:
        i = ds.contact_index_by_urn(u)
        if i is None:
            _, data = post_contact(ds, {}, {"urns": [u]})
            i = st.by_uuid[data["uuid"]]
        out[i] = None
    return list(out)


def post_broadcast(ds, body) -> dict:
    body = require_object(body)
    errors = Errors()
    text = body.get("text")
    if text is not None and not isinstance(text, (str, dict)):
        errors.add("text", "Not a valid string.")
    with ds.state.lock:
        contacts, groups, urns = _recipients(ds, errors, body)
        errors.raise_if_any()
        if not text and not body.get("attachments"):
            raise non_field("Must provide either text or attachments.")
        if not (contacts or groups or urns):
            raise non_field("Must provide either urns, contacts or groups.")
        st = ds.state
        now = st.now()
        bid = 1000 + st.next_id()
        translations = text if isinstance(text, dict) else {"eng": text or ""}
        d = {"uuid": uid(ds.seed, "api-broadcast", bid), "id": bid, "status": "queued",
             "progress": {"total": -1, "started": 0}, "urns": urns,
             "contacts": [{"uuid": ds.contact_dict(i)["uuid"], "name": ds.contact_dict(i)["name"]} for i in contacts],
             "groups": [{"uuid": ds.org.groups[g].uuid, "name": ds.org.groups[g].name} for g in groups],
             "text": translations, "attachments": {lang: [] for lang in translations},
             "quick_replies": {lang: [] for lang in translations}, "base_language": body.get("base_language", "eng"),
             "created_on": iso(now), "_t": now}
        st.broadcasts.append(d)
        recipients = _expand(ds, contacts, groups, urns)
        message = translations.get("eng") or next(iter(translations.values()), "")
        for k, i in enumerate(recipients):
            c = ds.contact_dict(i)
            if c["status"] != "active" or not c["urns"]:
                continue
            mid = 100_000_000 + st.next_id()
            t = now + k
            st.messages.append((t, mid, {
                "uuid": uuid7_str(t // 1000, h(ds.seed, "bmsg", mid), mid), "id": mid, "broadcast": bid,
                "contact": {"uuid": c["uuid"], "name": c["name"]}, "urn": c["urns"][0],
                "channel": {"uuid": uid(ds.seed, "channel"), "name": "Vonage"}, "direction": "out", "type": "text",
                "status": "wired", "archived": False, "visibility": "visible", "text": message, "labels": [],
                "flow": None, "attachments": [], "quick_replies": [], "media": None, "created_on": iso(t),
                "sent_on": iso(t + 2 * US), "modified_on": iso(t + 2 * US)}))
        d["progress"] = {"total": len(recipients), "started": len(recipients)}
        d["status"] = "completed"
        return {k: v for k, v in d.items() if not k.startswith("_")} | {"status": "queued",
                                                                          "progress": {"total": -1, "started": 0}}


def post_flow_start(ds, body) -> dict:
    body = require_object(body)
    errors = Errors()
    flow_ref = body.get("flow")
    spec = None
    if flow_ref is None:
        errors.add("flow", "This field is required.")
    else:
        spec = ds.flow_by_uuid.get(str(flow_ref).strip().lower())
        if spec is None:
            errors.add("flow", f"No such object: {flow_ref}")
    params = body.get("params", body.get("extra"))
    if params is not None and not isinstance(params, dict):
        errors.add("params", "Must be a valid JSON object")
    with ds.state.lock:
        contacts, groups, urns = _recipients(ds, errors, body)
        errors.raise_if_any()
        if not (contacts or groups or urns):
            raise non_field("Must specify at least one group, contact or URN")
        return _start(ds, spec, contacts, groups, urns, params or {},
                      to_bool(body.get("restart_participants"), True), to_bool(body.get("exclude_active"), False))


def _start(ds, spec, contacts, groups, urns, params, restart: bool, exclude_active: bool) -> dict:
    st = ds.state
    now = st.now()
    sid = st.next_id()
    start_uuid = uid(ds.seed, "api-start", sid)
    scale = max(ds.time_scale, 1e-6)
    runs_at = now
    targets = []
    for i in _expand(ds, contacts, groups, urns):
        c = ds.contact_dict(i)
        if c["status"] != "active" or ds.is_deleted(i):
            continue
        if exclude_active and any(r.contact == i and (r.snapshot(now, ds) or (0, {"exit_type": None}))[1]["exit_type"]
                                  is None for r in st.runs):
            continue
        if not restart and (any(r.contact == i and r.flow == spec.index for r in st.runs)
                            or (i < ds.ct.live and ds.schedule.runs_of_contact(i, spec.index))):
            continue
        targets.append(i)
    for k, i in enumerate(targets):
        rng = random.Random(h(ds.seed, "start-run", sid, i))
        created = now + int((5 + rng.random() * 55) / scale * US)
        inserted = None
        if ds.ties:
            # The batch's transaction stamps its runs at one instant, just after the engine made them.
            batch = random.Random(h(ds.seed, "start-batch", sid, k // START_BATCH))
            inserted = now + int((5 + batch.random() * 55) / scale * US)
            created = inserted - int((START_BATCH - k % START_BATCH) * ENGINE_S / scale * US)
        answers = []
        nq = len(spec.questions)
        complete = True
        if nq and rng.random() < ds.response_rate:
            count = nq if nq == 1 or rng.random() < 0.8 else rng.randint(1, nq - 1)
            t = created
            for qi in range(count):
                t += int((30 + rng.random() * 270) / scale * US)
                x = np.array([rng.getrandbits(64)], dtype=np.uint64)
                answers.append((t, int(answer_slots(ds.seed, spec.questions[qi], qi, np.array([i]), x)[0])))
            complete = count == nq
        elif nq:
            complete = False
        rid = 2_000_000_000 + st.next_id()
        st.runs.append(OverlayRun(rid, uuid7_str(created // 1000, h(ds.seed, "orun", rid), rid), spec.index, i,
                                  start_uuid, created, answers, complete,
                                  created + int(spec.expires * 60 / scale * US), inserted_us=inserted))
        runs_at = max(runs_at, created if inserted is None else inserted)
    d = {"uuid": start_uuid, "id": 500 + sid, "flow": spec.ref, "status": "pending",
         "progress": {"total": -1, "started": 0},
         "groups": [{"uuid": ds.org.groups[g].uuid, "name": ds.org.groups[g].name} for g in groups],
         "contacts": [{"uuid": ds.contact_dict(i)["uuid"], "name": ds.contact_dict(i)["name"]} for i in contacts],
         "params": params, "created_on": iso(now), "modified_on": iso(now), "extra": params,
         "restart_participants": restart, "exclude_active": exclude_active,
         "_t": now, "_created": now, "_runs_at": runs_at, "_total": len(targets)}
    st.flow_starts.append(d)
    return {k: v for k, v in d.items() if not k.startswith("_")}


def start_as_seen(d: dict, view: View) -> dict | None:
    """A recorded flow start as a request sees it: None until its creation's commit shows, then
    pending, then completed once all its runs exist and mailroom's update of it shows."""
    if not view.shows(d["_created"]):
        return None
    if view.now < d["_runs_at"] or not view.shows(d["_runs_at"]):
        return d
    total = d["_total"]
    return dict(d, status="completed", progress={"total": total, "started": total},
                modified_on=iso(d["_runs_at"]), _t=d["_runs_at"])
