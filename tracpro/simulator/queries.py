"""The big lists -- runs, contacts, messages: generated streams merged with the overlay.

Each query takes the request params and returns (JSON items, next keyset position).
"""

from __future__ import annotations

import json

import numpy as np

from .contact_view import contact_dicts, membership
from .messages import SENT_DELAY
from .pagination import (
    PAGE,
    ApiError,
    Empty,
    Key,
    assemble,
    bounds,
    decode_cursor,
    dumps,
    encode_cursor,
    flag,
    merge,
    one,
    page_of,
    past,
    uuid_param,
)
from .schedule import RESPONDED
from .streams import Batch, Walker

__all__ = ["runs", "contacts", "messages", "encode_cursor", "ApiError"]


# -- runs --------------------------------------------------------------------------------------------


def runs(ds, p: dict) -> tuple[list[str], Key | None]:
    try:
        flow_uuid, run_uuid = uuid_param(p, "flow"), uuid_param(p, "uuid")
        lo, hi = bounds(p)
        cursor = decode_cursor(p)
        flow = None
        if flow_uuid is not None:
            spec = ds.flow_by_uuid.get(flow_uuid)
            if spec is None:
                raise Empty()
            flow = spec.index
    except Empty:
        return [], None
    responded, desc, paths = flag(p, "responded"), not flag(p, "reverse"), flag(p, "paths", True)
    st, sc = ds.state, ds.schedule
    now = st.now()
    with st.lock:
        overlay = [r.snapshot(now, ds) for r in st.runs if (flow is None or r.flow == flow)]
        overlay += list(st.run_overrides.values())
        deleted = np.array(sorted(st.deleted_indices()), dtype=np.int64)
        overridden = np.array(sorted(st.run_overrides), dtype=np.int64)
        refs = {i: dumps(ds.run_contact_ref(i)) for i, oc in st.contacts.items() if not oc.deleted}
    over = []
    for snap in overlay:
        if snap is None:
            continue
        t, d = snap
        key = (t, d["id"])
        if (lo <= t <= hi and past(key, cursor, desc) and (not responded or d["responded"])
                and (flow is None or d["flow"]["uuid"] == ds.flows[flow].uuid)
                and (run_uuid is None or d["uuid"] == run_uuid)
                and not (d["contact"]["uuid"] in ds.state.by_uuid
                         and st.contacts[ds.state.by_uuid[d["contact"]["uuid"]]].deleted)):
            if not paths:
                d = dict(d, path=None)
            over.append((key, dumps(d)))
    if run_uuid is not None:
        batch = _run_by_uuid(ds, run_uuid, flow, responded, lo, hi)
    else:
        w = ds.walker(("runs", flow, responded), lambda: Walker(sc.streams, sc.select(flow, responded)))

        def keep(b: Batch) -> np.ndarray:
            m = np.ones(len(b), dtype=bool)
            if len(deleted):
                m &= ~np.isin(sc.contact_of(b.s, b.r), deleted)
            if len(overridden):
                m &= ~np.isin(b.ids, overridden)
            return m

        batch = w.fetch(lo, hi, cursor, desc, PAGE + 1, keep if len(deleted) or len(overridden) else None)
    gen = [((t, i), k) for k, (t, i) in enumerate(zip(batch.t.tolist(), batch.ids.tolist(), strict=True))]
    merged = merge(gen, over, desc)
    return page_of(assemble(merged, lambda pos: ds.rr.render(batch.take(pos), paths, refs)))


def _run_by_uuid(ds, run_uuid: str, flow, responded: bool, lo: int, hi: int) -> Batch:
    empty = Batch(*(np.zeros(0, dtype=np.int64) for _ in range(4)))
    rid = ds.rr.id_of_uuid(run_uuid)
    loc = ds.schedule.locate(rid) if rid else None
    if loc is None or rid in ds.state.run_overrides:
        return empty
    s, r = loc
    sc = ds.schedule
    b = Batch(sc.streams.times(np.array([s]), np.array([r])), np.array([rid]), np.array([s]), np.array([r]))
    created = ds.rr.timeline(b)["created"]
    if (ds.rr.uuids(b.ids, created)[0] != run_uuid or (flow is not None and sc.s_flow[s] != flow)
            or (responded and not RESPONDED[sc.s_mode[s]]) or not lo <= int(b.t[0]) <= hi
            or ds.is_deleted(int(sc.contact_of(b.s, b.r)[0]))):
        return empty
    return b


# -- contacts ----------------------------------------------------------------------------------------


def contacts(ds, p: dict) -> tuple[list[str], Key | None]:
    try:
        uuid = uuid_param(p, "uuid")
        lo, hi = bounds(p)
        cursor = decode_cursor(p)
        group = None
        if one(p, "group") is not None:
            group = ds.contacts_group_index(one(p, "group"))
            if group is None:
                raise Empty()
        urn = one(p, "urn")
    except Empty:
        return [], None
    deleted, desc = flag(p, "deleted"), not flag(p, "reverse")
    st, ct = ds.state, ds.ct
    only: int | None = None
    if uuid is not None or urn is not None:
        if urn is not None:
            from .validation import normalize_urn

            norm = normalize_urn(urn)
            if norm is None:
                raise ApiError(400, {"detail": f"Invalid URN: {urn}"})
            only = ds.contact_index_by_urn(norm)
        if uuid is not None:
            i = ds.contact_index_by_uuid(uuid)
            only = i if only is None or only == i else None
        if only is None:
            return [], None
    with st.lock:
        over_idx = np.array(sorted(st.contacts), dtype=np.int64)
        over = [((oc.modified_us, oc.id), dumps(oc.data)) for oc in st.contacts.values()
                if oc.deleted == deleted and lo <= oc.modified_us <= hi and past((oc.modified_us, oc.id), cursor, desc)
                and (group is None or group in oc.groups) and (only is None or oc.index == only)]
    if only is not None:
        if only in st.contacts or ds.is_deleted(only) != deleted or only >= ct.total:
            return page_of(over)
        t = int(ct.modified_us(np.array([only]))[0])
        if not lo <= t <= hi or (group is not None and not membership(ct, np.array([only]), group)[0]):
            return [], None
        return [dumps(contact_dicts(ct, np.array([only]))[0])], None
    static = (lambda b: membership(ct, b.ids - 1, group)) if group is not None else None
    w = ds.walker(("contacts", deleted, group),
                  lambda: Walker(ct.streams, np.array([1 if deleted else 0]), target=2000, static_keep=static))
    keep = (lambda b: ~np.isin(b.ids - 1, over_idx)) if len(over_idx) else None
    batch = w.fetch(lo, hi, cursor, desc, PAGE + 1, keep)
    gen = [((t, i), k) for k, (t, i) in enumerate(zip(batch.t.tolist(), batch.ids.tolist(), strict=True))]
    merged = merge(gen, over, desc)
    return page_of(assemble(merged, lambda pos: [dumps(d) for d in contact_dicts(ct, batch.ids[pos] - 1)]))


# -- messages ----------------------------------------------------------------------------------------

FOLDERS = {None: [0, 1, 2], "inbox": [0], "flows": [1], "sent": [2], "archived": [0, 1, 2], "outbox": [],
           "failed": []}


def messages(ds, p: dict) -> tuple[list[str], Key | None]:
    folder = one(p, "folder")
    folder = folder.lower() if folder else None
    try:
        uuid = uuid_param(p, "uuid")
        lo, hi = bounds(p)
        cursor = decode_cursor(p)
        if folder not in FOLDERS:
            raise Empty()
    except Empty:
        return [], None
    shift = SENT_DELAY if folder == "sent" else 0  # the sent folder is keyed by sent_on
    if cursor is not None:
        cursor = (cursor[0] - shift, cursor[1])
    st = ds.state
    with st.lock:
        archived = dict(st.archived)
        over = [((t, i), dumps(d)) for t, i, d in st.messages
                if folder in (None, "sent") and lo <= t <= hi and past((t, i), cursor, True)
                and (uuid is None or d["uuid"] == uuid)]
    arch_idx = np.array(sorted(archived), dtype=np.int64)
    arch_t = np.array([archived[i] for i in sorted(archived)], dtype=np.int64)

    def keep(b: Batch) -> np.ndarray:
        c = ds.msgs.contact_of(b.ids)
        pos = np.searchsorted(arch_idx, c)
        hit = (pos < len(arch_idx)) & (arch_idx[np.minimum(pos, len(arch_idx) - 1)] == c) if len(arch_idx) else \
            np.zeros(len(b), dtype=bool)
        hit &= b.t <= (arch_t[np.minimum(pos, len(arch_t) - 1)] if len(arch_t) else 0)
        m = hit if folder == "archived" else ~hit if folder in ("inbox", "flows") else np.ones(len(b), dtype=bool)
        if uuid is not None:
            m &= np.array([u == uuid for u in _msg_uuids(ds, b)], dtype=bool)
        return m

    sel = np.array(FOLDERS[folder], dtype=np.int64)
    if len(sel) == 0:
        return page_of(over)
    w = ds.walker(("messages", folder), lambda: Walker(ds.msgs.streams, sel))
    need_keep = uuid is not None or (len(arch_idx) and folder in ("inbox", "flows", "archived")) or folder == "archived"
    batch = w.fetch(lo, hi, cursor, True, PAGE + 1, keep if need_keep else None)
    gen = [((t, i), k) for k, (t, i) in enumerate(zip(batch.t.tolist(), batch.ids.tolist(), strict=True))]
    merged = merge(gen, over, True)
    items = assemble(merged, lambda pos: ds.msgs.render(batch.take(pos), archived))
    return page_of([((k[0] + shift, k[1]), j) for k, j in items])


def _msg_uuids(ds, b: Batch) -> list[str]:
    return [json.loads(j)["uuid"] for j in ds.msgs.render(b)]


