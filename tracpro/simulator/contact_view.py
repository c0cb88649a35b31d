"""Generated contacts as API dicts, and group counts (the exact contacts.json shapes)."""

from __future__ import annotations

import numpy as np

from .contacts import ACTIVE, STATUS_NAMES, ContactTable
from .timefmt import iso


def contact_dicts(ct: ContactTable, idx: np.ndarray) -> list[dict]:
    """API dicts for generated contacts (live or deleted) by index."""
    idx = np.asarray(idx, dtype=np.int64)
    if len(idx) == 0:
        return []
    created = ct.created_us(idx).tolist()
    modified = ct.modified_us(idx).tolist()
    live_idx = np.where(idx < ct.live, idx, 0)
    a = ct.attrs(live_idx)
    uuids = ct.uuids(idx)
    groups = ct.org.groups
    out = []
    for k, i in enumerate(idx.tolist()):
        if i >= ct.live:
            out.append(deleted_dict(uuids[k], created[k], modified[k]))
            continue
        status = int(a.status[k])
        last_seen = ct.last_seen_us(i)
        out.append({
            "uuid": uuids[k],
            "name": ct.name(i, int(a.lang[k])),
            "status": STATUS_NAMES[status],
            "language": None if a.lang[k] < 0 else ["eng", "fra", "kin", "swa", "ara"][int(a.lang[k])],
            "urns": ct.urns(i, int(a.urn_kind[k])),
            "groups": [{"uuid": groups[g].uuid, "name": groups[g].name} for g in ct.group_indices(a, k)],
            "notes": [],
            "fields": ct.fields(a, k),
            "flow": None,
            "created_on": iso(created[k]),
            "modified_on": iso(modified[k]),
            "last_seen_on": iso(last_seen) if last_seen is not None else None,
            "blocked": status == 1,
            "stopped": status == 2,
        })
    return out


def deleted_dict(uuid: str, created_us: int, modified_us: int) -> dict:
    """The nulled shape a deleted contact has under ``deleted=true``."""
    return {"uuid": uuid, "name": None, "status": None, "language": None, "urns": [], "groups": [], "notes": [],
            "fields": {}, "flow": None, "created_on": iso(created_us), "modified_on": iso(modified_us),
            "last_seen_on": None, "blocked": None, "stopped": None}


def group_counts(ct: ContactTable, chunk: int = 65536) -> list[int]:
    """Generated membership count per org group (active contacts only), by group index."""
    org = ct.org
    n_reg, n_rep = len(org.regions), len(org.reporter_groups)
    counts = np.zeros(len(org.groups), dtype=np.int64)
    for lo in range(0, ct.live, chunk):
        a = ct.attrs(np.arange(lo, min(ct.live, lo + chunk)))
        active = a.status == ACTIVE
        for col in (a.region1, a.region2):
            sel = col[active & (col >= 0)]
            counts[:n_reg] += np.bincount(sel, minlength=n_reg)[:n_reg]
        for g in range(n_rep):
            counts[n_reg + g] += int(((a.reporters >> g) & 1)[active].sum())
        counts[n_reg + n_rep] += int((a.optout & active).sum())
        counts[n_reg + n_rep + 1] += int(((a.age >= 0) & (a.age < 25) & active).sum())
    return counts.tolist()


def membership(ct: ContactTable, idx: np.ndarray, group: int) -> np.ndarray:
    """Whether each generated contact is currently in org group ``group`` (vectorised)."""
    org = ct.org
    idx = np.asarray(idx, dtype=np.int64)
    is_live = idx < ct.live
    a = ct.attrs(np.where(is_live, idx, 0))
    active = (a.status == ACTIVE) & is_live
    n_reg, n_rep = len(org.regions), len(org.reporter_groups)
    if group < n_reg:
        return active & ((a.region1 == group) | (a.region2 == group))
    if group < n_reg + n_rep:
        return active & (((a.reporters >> (group - n_reg)) & 1) == 1)
    if group == n_reg + n_rep:
        return active & a.optout
    if group == n_reg + n_rep + 1:
        return active & (a.age >= 0) & (a.age < 25)
    return np.zeros(len(idx), dtype=bool)
