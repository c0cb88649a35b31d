"""When runs happen: weekly waves of each flow, split into cohorts, as rank streams.

Every flow is sent weekly (13 waves over the ~90 days before the anchor, and 2 before those,
older than RapidPro's retention: archives.py).  A wave reaches a
pseudo-random subset of live contacts (an affine permutation: position k -> contact) and its
runs fall into cohorts, each a rank stream (streams.py) whose timestamp is the run's
``modified_on``:

=============  ==========================================================  ===========
cohort         what happened                                               exit_type
=============  ==========================================================  ===========
COMPLETE       answered every question (minutes, hours or -- late -- days)  completed
REPEAT         same contact, same flow, same org-local day, second run     completed
PARTIAL_EXP    answered some questions, then the run expired (7 days)      expired
PARTIAL_WAIT   answered some, still waiting (the latest wave)              null
SILENT_EXP     never answered, expired                                     expired
SILENT_WAIT    never answered, still waiting (the latest wave)             null
TIMEOUT        never answered a question with a wait timeout: No Response  completed
INTERRUPTED    answered some, then interrupted                             interrupted
SINGLE         the "Single Message" flow: one message, no question         completed
=============  ==========================================================  ===========

With ties on, the runs a start creates and nothing has touched since (SINGLE, SILENT_WAIT) share
one ``modified_on`` per batch of ``START_BATCH`` ranks, as mailroom commits each batch of a start
in one transaction; answers, expiries and timeouts are each a transaction of their own.

REPEAT runs reuse the contacts of the earliest COMPLETE ranks (who finished within minutes
of the send), four hours later, so both runs fall on the same org-local day.
"""

from __future__ import annotations

import numpy as np

from .flows import FlowSpec
from .hashing import AffinePerm, h, uid
from .streams import Curve, StreamSet
from .tiers import Tier
from .timefmt import DAY, HOUR, MINUTE

(COMPLETE, REPEAT, PARTIAL_EXP, PARTIAL_WAIT, SILENT_EXP, SILENT_WAIT, TIMEOUT, INTERRUPTED,
 SINGLE) = range(9)
MODE_NAMES = ["complete", "repeat", "partial_expired", "partial_waiting", "silent_expired", "silent_waiting",
              "timeout", "interrupted", "single"]
RESPONDED = np.array([True, True, True, True, False, False, False, True, False])
EXIT_TYPES = ['"completed"', '"completed"', '"expired"', "null", '"expired"', "null", '"completed"',
              '"interrupted"', '"completed"']
EXIT_NAMES = ["completed", "completed", "expired", None, "expired", None, "completed", "interrupted", "completed"]

CURVES: list[Curve] = [
    # COMPLETE: most answer within hours; a tail answers days later (late answers, < 7 days).
    ([0, .05, .3, .55, .75, .88, .95, .985, 1], [60, 300, 1800, 7200, 28800, 86400, 259200, 432000, 600000]),
    ([0, 1], [120, 10800]),  # REPEAT, from send + 4h
    ([0, 1], [0, 1200]),  # a 20-minute send spread (expiries, silent waits, timeouts, single messages)
    ([0, .5, 1], [300, 3600, 86400]),  # PARTIAL_WAIT: last answer
    ([0, 1], [1800, 172800]),  # INTERRUPTED
]
REPEAT_OFFSET = 4 * HOUR
START_BATCH = 25  # contacts per start batch (mailroom's FlowStartBatchSize)


class Schedule:
    """All generated runs of a dataset, as one StreamSet plus per-stream descriptions."""

    def __init__(self, seed: int, tier: Tier, flows: list[FlowSpec], live: int, anchor_us: int,
                 ties: bool = True) -> None:
        self.seed, self.flows, self.anchor = seed, flows, anchor_us
        first_week = anchor_us - 91 * DAY
        waves = []  # (flow index, week, start µs, n, start uuid or None)
        # The older weeks (negative) come last, so the recent waves keep their indices, and their
        # runs their ids, whatever the length of the older history.
        recent = [(f, week) for f in flows for week in range(tier.weeks)]
        older = [(f, week) for f in flows for week in range(-tier.archived_weeks, 0)]
        for f, week in recent + older:
            if f.weeks is not None and week not in f.weeks:
                continue
            day = (f.index * 3) % 7
            start = first_week + week * 7 * DAY + day * DAY + (7 + f.index % 3) * HOUR \
                + h(seed, "wave-min", f.index, week) % 50 * MINUTE
            if start >= anchor_us - 12 * HOUR:
                continue
            # A wave reaches 85 % to 115 % of the usual share; a school's routine report (enrolment,
            # attendance) 97 % to 103 %, so a week's total counts about as many schools as the baseline.
            spread = 0.06 if f.reports_figures else 0.3
            frac = tier.wave_fraction * (1 - spread / 2 + spread * (h(seed, "wave-n", f.index, week) % 1000) / 1000)
            n = min(live, max(1, int(live * frac * (0.5 if not f.is_poll else 1.0))))
            # Starts past the retention are gone: the archiver deletes them once their runs are archived.
            started = f.is_poll and week % 4 == 2 and week >= 0
            waves.append((f.index, week, start, n, uid(seed, "wave-start", f.index, week) if started else None))
        self.waves = waves
        self.wave_perm = [AffinePerm(live, seed, "wave-perm", w) for w in range(len(waves))]
        self.perm_a = np.array([p.a for p in self.wave_perm], dtype=np.int64)
        self.perm_b = np.array([p.b for p in self.wave_perm], dtype=np.int64)
        self.live = live
        # Waves whose contacts were moved between positions (outage.py): the contact at each of the
        # wave's positions, and the new position of each contact moved.
        self.moved: dict[int, np.ndarray] = {}
        self.moved_back: dict[int, dict[int, int]] = {}
        rows = []  # (wave, mode, t0, base, n, k_offset, curve)
        for w, (fi, _week, start, n, _) in enumerate(waves):
            f = flows[fi]
            if not f.is_poll:
                rows.append((w, SINGLE, start, start, n, 0, 2))
                continue
            q = len(f.questions)
            expires = f.expires * MINUTE
            waiting = start + expires + 20 * MINUTE > anchor_us
            n_partial = int(n * 0.12) if q > 1 else 0
            n_silent = int(n * 0.25)
            n_int = int(n * 0.05) if q > 1 else 0
            n_complete = n - n_partial - n_silent - n_int
            k = 0
            rows.append((w, COMPLETE, start, start, n_complete, k, 0))
            k += n_complete
            if n_partial:
                if waiting:
                    rows.append((w, PARTIAL_WAIT, start, start, n_partial, k, 3))
                else:
                    rows.append((w, PARTIAL_EXP, start + expires, start, n_partial, k, 2))
                k += n_partial
            if f.timeout:
                rows.append((w, TIMEOUT, start + f.timeout * 1_000_000, start, n_silent, k, 2))
            elif waiting:
                rows.append((w, SILENT_WAIT, start, start, n_silent, k, 2))
            else:
                rows.append((w, SILENT_EXP, start + expires, start, n_silent, k, 2))
            k += n_silent
            if n_int:
                rows.append((w, INTERRUPTED, start, start, n_int, k, 4))
            rows.append((w, REPEAT, start + REPEAT_OFFSET, start + REPEAT_OFFSET, max(1, int(n * 0.025)), 0, 1))
        arr = np.array(rows, dtype=np.int64)
        self.s_wave, self.s_mode, t0, self.s_send, n, self.s_koff, curve = arr.T
        self.s_n = n  # runs per stream
        self.s_flow = np.array([waves[w][0] for w in self.s_wave], dtype=np.int64)
        base_id = np.concatenate([[0], np.cumsum(n)[:-1]])
        batched = np.isin(self.s_mode, [SINGLE, SILENT_WAIT]) & ties
        self.streams = StreamSet(seed, "runs", t0, np.ones(len(rows)), n, curve, CURVES, base_id, anchor_us,
                                 block=np.where(batched, START_BATCH, 1), tied=batched.astype(np.float64))
        self.base_id = base_id
        self.total = int(self.streams.n_eff.sum())

    def contact_of(self, s: np.ndarray, r: np.ndarray) -> np.ndarray:
        """Contact index of runs (s, r): position k in the wave's permutation of live contacts."""
        w = self.s_wave[s]
        k = self.s_koff[s] + r
        contacts = (self.perm_a[w] * k + self.perm_b[w]) % self.live
        for wave, table in self.moved.items():  # waves with an outage (outage.py)
            mine = w == wave
            if mine.any():
                contacts = np.where(mine, table[np.where(mine, k, 0)], contacts)
        return contacts

    def ids_of(self, s: np.ndarray, r: np.ndarray) -> np.ndarray:
        return self.base_id[s] + r + 1

    def locate(self, run_id: int) -> tuple[int, int] | None:
        """(stream, rank) of a generated run id, or None."""
        if run_id < 1:
            return None
        s = int(np.searchsorted(self.base_id, run_id - 1, side="right") - 1)
        r = run_id - 1 - int(self.base_id[s])
        return (s, r) if 0 <= r < int(self.streams.n_eff[s]) else None

    def select(self, flow: int | None = None, responded: bool = False) -> np.ndarray:
        """Stream indices for a runs.json filter."""
        mask = np.ones(len(self.s_wave), dtype=bool)
        if flow is not None:
            mask &= self.s_flow == flow
        if responded:
            mask &= RESPONDED[self.s_mode]
        return np.flatnonzero(mask)

    def runs_of_contact(self, c: int, flow: int | None = None) -> list[tuple[int, int]]:
        """(stream, rank) of every generated run of live contact c."""
        out = []
        for w, perm in enumerate(self.wave_perm):
            if flow is not None and self.waves[w][0] != flow:
                continue
            k = self.moved_back[w].get(c, perm.inverse(c)) if w in self.moved_back else perm.inverse(c)
            for s in np.flatnonzero(self.s_wave == w).tolist():
                mode, koff = int(self.s_mode[s]), int(self.s_koff[s])
                r = k if mode == REPEAT else k - koff
                if 0 <= r < int(self.streams.n_eff[s]):
                    out.append((s, r))
        return out

    def flow_counts(self) -> dict[int, dict[str, int]]:
        """Runs per flow by exit state, as flows.json ``runs`` reports them."""
        out = {f.index: {"active": 0, "waiting": 0, "completed": 0, "interrupted": 0, "expired": 0, "failed": 0}
               for f in self.flows}
        for s in range(len(self.s_wave)):
            name = EXIT_NAMES[int(self.s_mode[s])] or "waiting"
            out[int(self.s_flow[s])][name] += int(self.streams.n_eff[s])
        return out
