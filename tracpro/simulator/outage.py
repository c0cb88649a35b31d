"""A network outage in one district: its participation dropped on the latest poll dates.

A tier with ``outage_days`` (the demo's) has one district, the first with wards, lose its
network for the last ``outage_days`` before the anchor: in the latest wave of each poll sent in
that time, most of the district's contacts who would have answered are swapped, position for
position in the wave's permutation, with contacts elsewhere who stayed silent. The wave reaches the
same contacts and as many answer, but in the district hardly anyone does (one in ten still gets
through), so TracPro's participation alerts flag it (tracpro.queries.alerts).
"""

from __future__ import annotations

import numpy as np

from .contacts import ContactTable
from .hashing import vh
from .regions import Org
from .schedule import SILENT_EXP, SILENT_WAIT, TIMEOUT, Schedule
from .tiers import Tier
from .timefmt import DAY

GETS_THROUGH = 10  # one contact in this many still answers


def outage_district(org: Org) -> int | None:
    """The region index of the district that lost its network: the first with wards."""
    return next((r.index for r in org.regions if r.level == 2 and r.children), None)


def _subtree(org: Org, top: int) -> list[int]:
    out, pending = [], [top]
    while pending:
        region = pending.pop()
        out.append(region)
        pending += org.regions[region].children
    return out


def apply_outage(schedule: Schedule, contacts: ContactTable, org: Org, tier: Tier, anchor_us: int) -> None:
    """Move the district's answering contacts out of the latest waves of the outage (see the module)."""
    district = outage_district(org) if tier.outage_days else None
    if district is None:
        return
    attrs = contacts.attrs(np.arange(contacts.live))
    inside = np.isin(attrs.region1, _subtree(org, district))
    latest: dict[int, int] = {}  # poll flow index -> its latest wave
    for w, (fi, _week, start, _n, _start_uuid) in enumerate(schedule.waves):
        if schedule.flows[fi].is_poll and (fi not in latest or start > schedule.waves[latest[fi]][2]):
            latest[fi] = w
    for w in latest.values():
        if schedule.waves[w][2] < anchor_us - tier.outage_days * DAY:
            continue
        n = schedule.waves[w][3]
        table = (schedule.perm_a[w] * np.arange(n, dtype=np.int64) + schedule.perm_b[w]) % schedule.live
        silent = np.zeros(n, dtype=bool)
        for s in np.flatnonzero(schedule.s_wave == w).tolist():
            if schedule.s_mode[s] in (SILENT_EXP, SILENT_WAIT, TIMEOUT):
                silent[schedule.s_koff[s]:schedule.s_koff[s] + schedule.s_n[s]] = True
        through = vh(contacts.seed, "outage", table) % np.uint64(GETS_THROUGH) == 0
        movers = np.flatnonzero(~silent & inside[table] & ~through)
        fillers = np.flatnonzero(silent & ~inside[table])
        m = min(len(movers), len(fillers))
        movers, fillers = movers[:m], fillers[:m]
        table[movers], table[fillers] = table[fillers], table[movers]
        schedule.moved[w] = table
        schedule.moved_back[w] = {int(table[k]): int(k) for k in np.concatenate([movers, fillers]).tolist()}
