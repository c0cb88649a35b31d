"""The big lists -- runs, contacts, messages: generated streams merged with the overlay.

Each query takes the request params and a :class:`View` and returns a :class:`Page`.  Through a
lagging replica (late commits), a record shows as its latest version whose commit is visible:
generated records are filtered by their ``modified_on`` (only those within the longest delay of
``now`` can be hidden), overlay records by their versions (state.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np

from .contact_view import contact_dicts, membership
from .messages import SENT_DELAY
from .pagination import (
    ApiError,
    Empty,
    Page,
    Pager,
    View,
    assemble,
    bounds,
    dumps,
    flag,
    merge,
    one,
    uuid_param,
)
from .schedule import RESPONDED
from .streams import Batch, Walker

__all__ = ["runs", "contacts", "messages", "ApiError"]

Mask = Callable[[Batch], np.ndarray]


def _visible(view: View, walker: Walker) -> Mask | None:
    """The replica's filter on generated records, when any of the walker's may still be hidden."""
    replica = view.replica
    if replica is None or walker.last <= replica.settled(view.now):
        return None
    return lambda b: replica.shows(b.t, view.now)


def _all(masks: list[Mask | None]) -> Mask | None:
    """Records every given mask keeps (None when there is none to apply)."""
    given = [m for m in masks if m is not None]
    if not given:
        return None

    def keep(b: Batch) -> np.ndarray:
        out = np.ones(len(b), dtype=bool)
        for m in given:
            out &= m(b)
        return out

    return keep


def _page(pager: Pager, batch: Batch, over: list[tuple[tuple, str]],
          render: Callable[[Batch], list[str]]) -> Page:
    gen = [((t, i), k) for k, (t, i) in enumerate(zip(batch.t.tolist(), batch.ids.tolist(), strict=True))]
    chosen, nxt, previous = pager.page(merge(gen, over, pager.desc, pager.want))
    return Page(assemble(chosen, lambda pos: render(batch.take(pos))), nxt, previous)


# -- runs --------------------------------------------------------------------------------------------


def runs(ds, p: dict, view: View) -> Page:
    pager = Pager(view, p, desc=not flag(p, "reverse"))
    try:
        flow_uuid, run_uuid = uuid_param(p, "flow"), uuid_param(p, "uuid")
        lo, hi = bounds(p)
        lo = max(lo, ds.archives.horizon)  # older runs are only in archives
        flow = None
        if flow_uuid is not None:
            spec = ds.flow_by_uuid.get(flow_uuid)
            if spec is None:
                raise Empty()
            flow = spec.index
    except Empty:
        return Page([])
    responded, paths = flag(p, "responded"), flag(p, "paths", True)
    st, sc, now = ds.state, ds.schedule, view.now
    with st.lock:
        overlay = [r.visible_snapshot(now, ds, view.replica) for r in st.runs if (flow is None or r.flow == flow)]
        overrides = st.visible_overrides(now, view.replica)
        overlay += list(overrides.values())
        deleted = np.array(sorted(st.deleted_indices()), dtype=np.int64)
        overridden = np.array(sorted(overrides), dtype=np.int64)
        refs = {i: dumps(ds.run_contact_ref(i)) for i, oc in st.contacts.items() if not oc.deleted}
    over = []
    for snap in overlay:
        if snap is None:
            continue
        t, d = snap
        key = (t, d["id"])
        if (lo <= t <= hi and pager.past(key) and (not responded or d["responded"])
                and (flow is None or d["flow"]["uuid"] == ds.flows[flow].uuid)
                and (run_uuid is None or d["uuid"] == run_uuid)
                and not (d["contact"]["uuid"] in ds.state.by_uuid
                         and st.contacts[ds.state.by_uuid[d["contact"]["uuid"]]].deleted)):
            if not paths:
                d = dict(d, path=None)
            over.append((key, dumps(d)))
    if run_uuid is not None:
        batch = _run_by_uuid(ds, run_uuid, flow, responded, lo, hi, view)
        if len(batch) and (not pager.past((int(batch.t[0]), int(batch.ids[0]))) or int(batch.ids[0]) in overrides):
            batch = batch.take(slice(0, 0))
    else:
        w = ds.walker(("runs", flow, responded), lambda: Walker(sc.streams, sc.select(flow, responded)))
        gone = (lambda b: ~np.isin(sc.contact_of(b.s, b.r), deleted)) if len(deleted) else None
        changed = (lambda b: ~np.isin(b.ids, overridden)) if len(overridden) else None
        batch = w.fetch(lo, hi, pager.key, pager.desc, pager.want, _all([gone, changed, _visible(view, w)]))
    return _page(pager, batch, over, lambda b: ds.rr.render(b, paths, refs))


def _run_by_uuid(ds, run_uuid: str, flow, responded: bool, lo: int, hi: int, view: View) -> Batch:
    empty = Batch(*(np.zeros(0, dtype=np.int64) for _ in range(4)))
    rid = ds.rr.id_of_uuid(run_uuid)
    loc = ds.schedule.locate(rid) if rid else None
    if loc is None:
        return empty
    s, r = loc
    sc = ds.schedule
    b = Batch(sc.streams.times(np.array([s]), np.array([r])), np.array([rid]), np.array([s]), np.array([r]))
    created = ds.rr.timeline(b)["created"]
    if (ds.rr.uuids(b.ids, created)[0] != run_uuid or (flow is not None and sc.s_flow[s] != flow)
            or (responded and not RESPONDED[sc.s_mode[s]]) or not lo <= int(b.t[0]) <= hi
            or ds.is_deleted(int(sc.contact_of(b.s, b.r)[0]))
            or (view.replica is not None and not view.replica.shows_one(int(b.t[0]), view.now))):
        return empty
    return b


# -- contacts ----------------------------------------------------------------------------------------


def contacts(ds, p: dict, view: View) -> Page:
    pager = Pager(view, p, desc=not flag(p, "reverse"))
    try:
        uuid = uuid_param(p, "uuid")
        lo, hi = bounds(p)
        group = None
        if one(p, "group") is not None:
            group = ds.contacts_group_index(one(p, "group"))
            if group is None:
                raise Empty()
        urn = one(p, "urn")
    except Empty:
        return Page([])
    deleted = flag(p, "deleted")
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
            return Page([])
    shown = st.visible_contacts(view.now, view.replica)
    over_idx = np.array(sorted(shown), dtype=np.int64)
    over = [((oc.modified_us, oc.id), dumps(oc.data)) for oc in shown.values()
            if oc.deleted == deleted and lo <= oc.modified_us <= hi and pager.past((oc.modified_us, oc.id))
            and (group is None or group in oc.groups) and (only is None or oc.index == only)]
    if only is not None:
        batch = _contact_by_index(ds, only, shown, deleted, group, lo, hi, view)
        if len(batch) and not pager.past((int(batch.t[0]), int(batch.ids[0]))):
            batch = batch.take(slice(0, 0))
    else:
        static = (lambda b: membership(ct, b.ids - 1, group)) if group is not None else None
        w = ds.walker(("contacts", deleted, group),
                      lambda: Walker(ct.streams, np.array([1 if deleted else 0]), target=2000, static_keep=static))
        written = (lambda b: ~np.isin(b.ids - 1, over_idx)) if len(over_idx) else None
        batch = w.fetch(lo, hi, pager.key, pager.desc, pager.want, _all([written, _visible(view, w)]))
    return _page(pager, batch, over, lambda b: [dumps(d) for d in contact_dicts(ct, b.ids - 1)])


def _contact_by_index(ds, index: int, shown: dict, deleted: bool, group: int | None, lo: int, hi: int,
                      view: View) -> Batch:
    """The generated contact ``index`` as a one-record batch, if the query shows it as generated."""
    ct = ds.ct
    empty = Batch(*(np.zeros(0, dtype=np.int64) for _ in range(4)))
    if index in shown or index >= ct.total or (index >= ct.live) != deleted:
        return empty
    idx = np.array([index])
    t = int(ct.modified_us(idx)[0])
    if (not lo <= t <= hi or (group is not None and not membership(ct, idx, group)[0])
            or (view.replica is not None and not view.replica.shows_one(t, view.now))):
        return empty
    return Batch(np.array([t]), idx + 1, np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64))


# -- messages ----------------------------------------------------------------------------------------

FOLDERS = {None: [0, 1, 2], "inbox": [0], "flows": [1], "sent": [2], "archived": [0, 1, 2], "outbox": [],
           "failed": []}


def messages(ds, p: dict, view: View) -> Page:
    pager = Pager(view, p, desc=True)
    folder = one(p, "folder")
    folder = folder.lower() if folder else None
    try:
        uuid = uuid_param(p, "uuid")
        lo, hi = bounds(p)
        lo = max(lo, ds.archives.horizon)  # older messages are only in archives
        if folder not in FOLDERS:
            raise Empty()
    except Empty:
        return Page([])
    # The sent folder is ordered (and its cursor positioned) by sent_on; the streams by created_on.
    shift = SENT_DELAY if folder == "sent" else 0
    st = ds.state
    with st.lock:
        archived = dict(st.archived)
        over = [((t + shift, i), dumps(d)) for t, i, d in st.messages
                if folder in (None, "sent") and lo <= t <= hi and pager.past((t + shift, i))
                and (uuid is None or d["uuid"] == uuid) and view.shows(t)]
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
    empty = Batch(*(np.zeros(0, dtype=np.int64) for _ in range(4)))
    if len(sel) == 0:
        return _page(pager, empty, over, lambda b: [])
    w = ds.walker(("messages", folder), lambda: Walker(ds.msgs.streams, sel))
    need_keep = uuid is not None or (len(arch_idx) and folder in ("inbox", "flows", "archived")) or folder == "archived"
    key = None if pager.key is None else (pager.key[0] - shift, pager.key[1])
    batch = w.fetch(lo, hi, key, pager.desc, pager.want, _all([keep if need_keep else None, _visible(view, w)]))
    shifted = Batch(batch.t + shift, batch.ids, batch.s, batch.r)
    return _page(pager, shifted, over,
                 lambda b: ds.msgs.render(Batch(b.t - shift, b.ids, b.s, b.r), archived))


def _msg_uuids(ds, b: Batch) -> list[str]:
    return [json.loads(j)["uuid"] for j in ds.msgs.render(b)]


