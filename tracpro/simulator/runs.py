"""Rendering generated runs as the exact JSON runs.json serves, a page at a time.

The hot path of the simulator: everything that can be is computed for the whole batch with
numpy (contacts, creation and answer times, answer choices, all timestamps formatted in one
call); the per-run Python work is string assembly from fragments pre-rendered per flow
(flows.py).  Key order and types follow reference_current_api_shapes.json's run.
"""

from __future__ import annotations

import numpy as np

from .contacts import ContactTable, contact_refs, languages_of
from .flows import FlowSpec, batch_answer_slots, timeout_value_suffix
from .hashing import h, low48_of, unscramble48, uuid7_many, vh, vscramble48
from .schedule import (
    COMPLETE,
    EXIT_TYPES,
    INTERRUPTED,
    PARTIAL_EXP,
    PARTIAL_WAIT,
    REPEAT,
    RESPONDED,
    SILENT_EXP,
    SILENT_WAIT,
    SINGLE,
    TIMEOUT,
    Schedule,
)
from .streams import Batch
from .timefmt import MINUTE, US, iso_many

QMAX = 4
ENGINE_US = 500_000  # a start batch's runs are made over up to this long before their transaction


class RunRenderer:
    def __init__(self, seed: int, schedule: Schedule, contacts: ContactTable) -> None:
        self.seed, self.sc, self.ct = seed, schedule, contacts
        self.flows: list[FlowSpec] = schedule.flows
        self.mask48 = h(seed, "run-mask") & ((1 << 48) - 1)
        self.start_json = ['{"uuid":"%s"}' % w[4] if w[4] else "null" for w in schedule.waves]
        self.timeout_suffix = [timeout_value_suffix(f) if f.timeout else "" for f in self.flows]

    def uuid(self, run_id: int, created_us: int) -> str:
        return self.uuids(np.array([run_id]), np.array([created_us]))[0]

    def uuids(self, ids: np.ndarray, created: np.ndarray) -> list[str]:
        """Version-7 UUIDs (time-ordered like RapidPro's), hiding the run id in the low bits."""
        return uuid7_many(created // 1000, vh(self.seed, "run-uuid", ids), vscramble48(ids, self.mask48))

    def id_of_uuid(self, uuid: str) -> int | None:
        low = low48_of(uuid)
        return None if low is None else unscramble48(low, self.mask48)

    def timeline(self, b: Batch) -> dict[str, np.ndarray]:
        """Per-run contact, created_on, answered count and answer times (vectorised)."""
        sc = self.sc
        s, mod, ids = b.s, b.t, b.ids
        mode = sc.s_mode[s]
        flow = sc.s_flow[s]
        nq = np.array([len(f.questions) for f in self.flows], dtype=np.int64)[flow]
        expires = np.array([f.expires * MINUTE for f in self.flows], dtype=np.int64)[flow]
        timeout = np.array([(f.timeout or 0) * US for f in self.flows], dtype=np.int64)[flow]
        x = vh(self.seed, "run", ids)
        send = sc.s_send[s]
        jit = (x % np.uint64(20 * 60 * US)).astype(np.int64)
        created = send + np.minimum(jit, (mod - send) // 2)
        created = np.where((mode == PARTIAL_EXP) | (mode == SILENT_EXP), mod - expires, created)
        created = np.where(mode == TIMEOUT, mod - timeout, created)
        # SINGLE and SILENT_WAIT: created, nothing since.  In a tied batch the transaction stamped
        # every run at once, a little after the flow engine made each one.
        inserted = (mode == SINGLE) | (mode == SILENT_WAIT)
        engine = np.where(sc.streams.block[s] > 1, (x >> np.uint64(44)).astype(np.int64) % ENGINE_US, 0)
        created = np.where(inserted, mod - engine, created)
        some = 1 + ((x >> np.uint64(20)) % np.uint64(1 << 16)).astype(np.int64) % np.maximum(nq - 1, 1)
        answered = np.where((mode == COMPLETE) | (mode == REPEAT), nq,
                            np.where((mode == PARTIAL_EXP) | (mode == PARTIAL_WAIT) | (mode == INTERRUPTED), some, 0))
        end = np.where(mode == INTERRUPTED, created + (mod - created) * 3 // 5, mod)
        quick = created + MINUTE + ((x >> np.uint64(40)) % np.uint64(6 * 3600)).astype(np.int64) * US
        end = np.where(mode == PARTIAL_EXP, quick, end)
        gap = np.minimum((30 + (x >> np.uint64(8)).astype(np.int64) % 90) * US, (end - created) // (answered + 1))
        times = np.zeros((len(s), QMAX), dtype=np.int64)
        for i in range(QMAX):
            times[:, i] = end - (answered - 1 - i) * gap
        return {"mode": mode, "flow": flow, "created": created, "answered": answered, "times": times,
                "contact": sc.contact_of(s, b.r), "x": x}

    def render(self, b: Batch, paths: bool = True, overrides: dict[int, str] | None = None) -> list[str]:
        """JSON text of each run of the batch, in batch order."""
        if len(b) == 0:
            return []
        tl = self.timeline(b)
        n = len(b)
        stamps = iso_many(np.concatenate([tl["created"], b.t, tl["times"].T.ravel()]))
        created_s, mod_s = stamps[:n], stamps[n:2 * n]
        t_s = [stamps[2 * n + i * n: 2 * n + (i + 1) * n] for i in range(QMAX)]
        langs = languages_of(self.ct, tl["contact"])
        langs = np.where(langs < 0, 0, langs).tolist()
        refs = contact_refs(self.ct, tl["contact"])
        if overrides:
            refs.update({c: j for c, j in overrides.items() if c in refs})
        slot_x = batch_answer_slots(self.seed, self.flows, tl["flow"], tl["contact"], tl["x"], QMAX)
        flows, waves = self.flows, self.sc.s_wave[b.s].tolist()
        uuids = self.uuids(b.ids, tl["created"])
        out = []
        for k, (rid, mode, fi, ans, c) in enumerate(zip(b.ids.tolist(), tl["mode"].tolist(), tl["flow"].tolist(),
                                                        tl["answered"].tolist(), tl["contact"].tolist(), strict=True)):
            f = flows[fi]
            created = created_s[k]
            pp = f.path_prefix
            vals = []
            if mode == TIMEOUT:
                path = [pp[0], created, '"},', pp[-1], mod_s[k], '"}']
                vals = [f.timeout_prefix, mod_s[k], self.timeout_suffix[fi], mod_s[k], '"}']
            elif mode == SINGLE:
                path = [pp[0], created, '"}']
            else:
                path = [pp[0], created, '"}']
                lang = langs[k]
                for i in range(ans):
                    t = t_s[i][k]
                    path += [",", pp[i + 1], t, '"}']
                    if i:
                        vals.append(",")
                    vals += [f.value_slots[i][lang][slot_x[i][k]], t, '"}']
            exit_type = EXIT_TYPES[mode]
            out.append("".join([
                '{"id":', str(rid), ',"uuid":"', uuids[k], '","flow":', f.ref_json,
                ',"contact":', refs[c], ',"start":', self.start_json[waves[k]],
                ',"responded":', "true" if RESPONDED[mode] else "false",
                ',"path":', "[" + "".join(path) + "]" if paths else "null",
                ',"values":{', "".join(vals), '},"created_on":"', created, '","modified_on":"', mod_s[k],
                '","exited_on":', "null" if exit_type == "null" else '"' + mod_s[k] + '"',
                ',"exit_type":', exit_type, "}"]))
        return out
