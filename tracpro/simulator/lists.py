"""The small lists (flows, groups, fields, boundaries, broadcasts, flow starts) and definitions.

Each is ordered as RapidPro orders it: flows, groups, fields and broadcasts by created_on (newest
first), flow starts by modified_on (``reverse`` flips it), boundaries by osm_id.
"""

from __future__ import annotations

from .pagination import ApiError, Empty, Page, View, bounds, flag, list_page, one, uuid_param
from .timefmt import DAY, iso


def flows(ds, p: dict, view: View) -> Page:
    try:
        uuid = uuid_param(p, "uuid")
        lo, hi = bounds(p)
    except Empty:
        return Page([])
    ftype = one(p, "type")
    archived = one(p, "archived")
    counts = {k: dict(v) for k, v in ds.generated_flow_counts().items()}
    st = ds.state
    now = st.now()
    with st.lock:
        for r in st.runs:
            snap = r.snapshot(now, ds)
            if snap is not None:
                counts[r.flow][snap[1]["exit_type"] or "waiting"] += 1
    rows = []
    for f in ds.flows:
        modified = f.created_us + DAY
        if (uuid and f.uuid != uuid) or (ftype and ftype != f.api_type) or not lo <= modified <= hi:
            continue
        if archived is not None and flag(p, "archived"):
            continue
        rows.append(((f.created_us, f.index + 1), {
            "uuid": f.uuid, "name": f.name, "type": f.api_type, "archived": False, "labels": f.labels,
            "expires": f.expires, "runs": counts[f.index], "results": f.results, "parent_refs": [],
            "created_on": iso(f.created_us), "modified_on": iso(modified)}))
    return list_page(rows, p, view, desc=True)


def groups(ds, p: dict, view: View) -> Page:
    uuid, name = uuid_param(p, "uuid"), one(p, "name")
    if uuid is not None and name is not None:
        raise ApiError(400, {"detail": "You may only specify one of the uuid, name parameters"})
    counts = list(ds.generated_group_counts())
    org, st, ct = ds.org, ds.state, ds.ct
    with st.lock:
        for oc in st.contacts.values():
            if oc.index < ct.live:
                for g in ct.group_indices(ct.attrs([oc.index]), 0):
                    counts[g] -= 1
            if not oc.deleted and oc.status == "active":
                for g in oc.groups:
                    counts[g] += 1
    manual = flag(p, "manual_only")
    # A group being (re)initialized is left out, whatever the filters (RapidPro excludes it last).
    now, rev = st.now(), ds.reevaluations
    status = [rev.status(k, now) for k in range(len(org.groups))]
    rows = [((g.created_us, g.id), org.group_dict(g, counts[k], status[k], rev.query(k, now)))
            for k, g in enumerate(org.groups)
            if (uuid is None or g.uuid == uuid) and (name is None or g.name.lower() == name.strip().lower())
            and not (manual and g.query) and status[k] != "initializing"]
    return list_page(rows, p, view, desc=True)


def fields(ds, p: dict, view: View) -> Page:
    key = one(p, "key")
    rows = [((f.created_us, f.id), ds.org.field_dict(f)) for f in ds.org.fields if key is None or f.key == key]
    return list_page(rows, p, view, desc=True)


def boundaries(ds, p: dict, view: View) -> Page:
    rows = [((b["osm_id"], 0), b) for b in ds.org.boundaries()]
    return list_page(rows, p, view, desc=False, numeric=False, cutoff=1000)  # DRF's default offset cutoff


def broadcasts(ds, p: dict, view: View) -> Page:
    try:
        uuid = uuid_param(p, "uuid")
        lo, hi = bounds(p)
    except Empty:
        return Page([])
    with ds.state.lock:
        everything = ds.hist_broadcasts + list(ds.state.broadcasts)
    rows = [((d["_t"], d["id"]), {k: v for k, v in d.items() if not k.startswith("_")}) for d in everything
            if (uuid is None or d["uuid"] == uuid) and lo <= d["_t"] <= hi and view.shows(d["_t"])]
    return list_page(rows, p, view, desc=True)


def flow_starts(ds, p: dict, view: View) -> Page:
    try:
        uuid = uuid_param(p, "uuid")
        lo, hi = bounds(p)
    except Empty:
        return Page([])
    from .sends import start_as_seen

    with ds.state.lock:
        seen = [start_as_seen(d, view) for d in ds.state.flow_starts]
    everything = [d for d in ds.hist_starts if view.shows(d["_t"])] + [d for d in seen if d is not None]
    rows = [((d["_t"], d["id"]), {k: v for k, v in d.items() if not k.startswith("_")}) for d in everything
            if (uuid is None or d["uuid"] == uuid) and lo <= d["_t"] <= hi]
    return list_page(rows, p, view, desc=not flag(p, "reverse"))


def definitions(ds, p: dict) -> dict:
    deps = one(p, "dependencies")
    deps = "all" if deps is None else deps
    if deps not in ("none", "flows", "all"):
        raise ApiError(400, {"detail": "dependencies must be one of none, flows, all"})
    wanted = [v.strip().lower() for v in p.get("flow", [])]
    chosen = [ds.flow_by_uuid[u].definition for u in dict.fromkeys(wanted) if u in ds.flow_by_uuid]
    return {"version": "13", "site": "https://app.rapidpro.io", "flows": chosen, "campaigns": [], "triggers": [],
            "fields": [], "groups": []}
