"""Rank streams: the device that lets the national tier stream without being materialised.

A *stream* is a sequence of ``n`` records whose timestamps rise with their rank:
``t(r) = t0 + scale * Q((r + jitter(r)) / n)`` where ``Q`` is a piecewise-linear quantile
curve (seconds) and ``jitter`` a hash in [0, 1).  Because ``t`` is monotone in ``r``, the
records of any time window are an interval of ranks found by inverting ``Q`` -- so a page
anywhere in the dataset costs the same as the first one, and nothing before it is built.

A stream can *tie* its records: ranks come in blocks of ``block`` (aligned on multiples of it),
and a share ``tied`` of the blocks (chosen by hash) give every record the timestamp of the
block's last rank, as a batch written in one transaction shares one ``NOW()``.  Timestamps
stay non-decreasing in rank, so windows are still rank intervals (widened by a block).

A :class:`StreamSet` holds many streams as parallel numpy arrays (one stream per
wave-and-cohort for runs; one per kind for contacts and messages).  :class:`Walker` turns
"records after this keyset position, in this direction, within these bounds" into sorted
arrays, caching one window of a few thousand records so consecutive pages are cheap.
Memory is bounded by the window size, whatever the tier.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .hashing import unit, vh
from .timefmt import US

Curve = tuple[list[float], list[float]]  # (quantiles 0..1, seconds), both strictly rising
NEG, POS = -(1 << 62), 1 << 62


class StreamSet:
    """Parallel arrays describing streams; every record is (stream s, rank r)."""

    def __init__(self, seed: int, name: str, t0, scale, n, curve, curves: list[Curve], base_id,
                 limit_us: int, id_fn: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
                 block=None, tied=None) -> None:
        self.seed, self.name = seed, name
        self.t0 = np.asarray(t0, dtype=np.int64)
        self.scale = np.asarray(scale, dtype=np.float64)
        self.n = np.asarray(n, dtype=np.int64)
        self.curve = np.asarray(curve, dtype=np.int64)
        self.curves = [(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)) for x, y in curves]
        self.base_id = np.asarray(base_id, dtype=np.int64)
        self.salt = np.arange(len(self.t0), dtype=np.int64)
        self.id_fn = id_fn
        self.block = np.ones(len(self.t0), dtype=np.int64) if block is None else np.asarray(block, dtype=np.int64)
        self.tied = np.zeros(len(self.t0)) if tied is None else np.asarray(tied, dtype=np.float64)
        self.ties = bool(((self.block > 1) & (self.tied > 0)).any())
        self.n_eff = self._count_until(limit_us)

    def __len__(self) -> int:
        return len(self.t0)

    def times(self, s: np.ndarray, r: np.ndarray) -> np.ndarray:
        """Timestamps (int µs) of records (s, r)."""
        s = np.asarray(s, dtype=np.int64)
        r = np.asarray(r, dtype=np.int64)
        if len(s) == 0:
            return np.zeros(0, dtype=np.int64)
        if self.ties:
            r = self._tie(s, r)
        u = (r + unit(vh(self.seed, self.name, self.salt[s], r))) / np.maximum(self.n[s], 1)
        secs = np.empty(len(s), dtype=np.float64)
        cs = self.curve[s]
        for c in np.unique(cs).tolist():
            m = cs == c
            xs, ys = self.curves[c]
            secs[m] = np.interp(u[m], xs, ys)
        return self.t0[s] + (secs * self.scale[s] * US).astype(np.int64)

    def _tie(self, s: np.ndarray, r: np.ndarray) -> np.ndarray:
        """The rank whose timestamp each record takes: its block's last for tied blocks, its own otherwise."""
        block = self.block[s]
        maybe = np.flatnonzero(block > 1)
        if len(maybe) == 0:
            return r
        sm, rm, bm = s[maybe], r[maybe], block[maybe]
        first = rm - rm % bm
        tied = unit(vh(self.seed, self.name + "-tie", self.salt[sm], first)) < self.tied[sm]
        out = r.copy()
        out[maybe] = np.where(tied, np.minimum(first + bm - 1, self.n[sm] - 1), rm)
        return out

    def ids(self, s: np.ndarray, r: np.ndarray) -> np.ndarray:
        if self.id_fn is not None:
            return self.id_fn(s, r)
        return self.base_id[s] + r + 1

    def rank_bounds(self, sel: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """For each selected stream, a rank interval [a, b) holding every record with
        lo <= t <= hi (a superset by a rank or two; callers filter exactly)."""
        n = self.n[sel]
        a = np.zeros(len(sel), dtype=np.int64)
        b = np.zeros(len(sel), dtype=np.int64)
        cs = self.curve[sel]
        for c in np.unique(cs).tolist():
            m = cs == c
            xs, ys = self.curves[c]
            base = self.t0[sel][m]
            sc = self.scale[sel][m] * US
            ulo = np.interp((max(lo, NEG // 2) - base) / sc, ys, xs)
            uhi = np.interp((min(hi, POS // 2) - base) / sc, ys, xs)
            # A tied block takes its last rank's time: ranks up to a block before the window may fall in it.
            a[m] = np.floor(ulo * n[m]).astype(np.int64) - 1 - (self.block[sel][m] - 1)
            b[m] = np.floor(uhi * n[m]).astype(np.int64) + 2
        a = np.clip(a, 0, self.n_eff[sel])
        b = np.clip(b, 0, self.n_eff[sel])
        return a, np.maximum(a, b)

    def window(self, sel: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, ...]:
        """All records of the selected streams with lo <= t <= hi, sorted by (t, id)."""
        a, b = self.rank_bounds(sel, lo, hi)
        counts = b - a
        total = int(counts.sum())
        if total == 0:
            z = np.zeros(0, dtype=np.int64)
            return z, z, z, z
        s = np.repeat(sel, counts)
        starts = np.cumsum(counts) - counts
        r = np.arange(total, dtype=np.int64) - np.repeat(starts - a, counts)
        t = self.times(s, r)
        keep = (t >= lo) & (t <= hi)
        s, r, t = s[keep], r[keep], t[keep]
        ids = self.ids(s, r)
        order = np.lexsort((ids, t))
        return t[order], ids[order], s[order], r[order]

    def estimate(self, sel: np.ndarray, lo: int, hi: int) -> int:
        a, b = self.rank_bounds(sel, lo, hi)
        return int((b - a).sum())

    def bounds(self, sel: np.ndarray) -> tuple[int, int]:
        """Earliest and latest timestamp among the selected streams' records."""
        live = sel[self.n_eff[sel] > 0]
        if len(live) == 0:
            return 0, -1
        first = self.times(live, np.zeros(len(live), dtype=np.int64))
        last = self.times(live, self.n_eff[live] - 1)
        return int(first.min()), int(last.max())

    def _count_until(self, limit_us: int) -> np.ndarray:
        """How many leading ranks of each stream have t <= limit (binary search, vectorised)."""
        lo = np.zeros(len(self.t0), dtype=np.int64)
        hi = self.n.copy()
        idx = np.arange(len(self.t0), dtype=np.int64)
        while True:
            active = lo < hi
            if not active.any():
                return lo
            s = idx[active]
            mid = (lo[active] + hi[active]) // 2
            ok = self.times(s, mid) <= limit_us
            lo[s[ok]] = mid[ok] + 1
            hi[s[~ok]] = mid[~ok]


@dataclass
class Batch:
    """Records in walk order: timestamps, ids, stream and rank of each."""

    t: np.ndarray
    ids: np.ndarray
    s: np.ndarray
    r: np.ndarray

    def __len__(self) -> int:
        return len(self.t)

    def take(self, m: np.ndarray | slice) -> Batch:
        return Batch(self.t[m], self.ids[m], self.s[m], self.r[m])

    @staticmethod
    def concat(parts: list[Batch]) -> Batch:
        if not parts:
            z = np.zeros(0, dtype=np.int64)
            return Batch(z, z, z, z)
        return Batch(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("t", "ids", "s", "r")))


class Walker:
    """Keyset walks over a selection of streams.

    ``fetch`` returns up to ``limit`` records strictly past ``cursor`` (a (t, id) pair) in
    the walk direction, within inclusive bounds [lo, hi], after ``keep`` (a mask function
    applied at fetch time, for things that change at run time such as deletions).  The last
    window computed is cached, so a walk builds each window once.
    """

    def __init__(self, streams: StreamSet, sel: np.ndarray, target: int = 4000,
                 static_keep: Callable[[Batch], np.ndarray] | None = None) -> None:
        self.st = streams
        self.sel = np.asarray(sel, dtype=np.int64)
        self.target = target
        self.static_keep = static_keep
        self.first, self.last = streams.bounds(self.sel)
        total = int(streams.n_eff[self.sel].sum()) if len(self.sel) else 0
        span = max(self.last - self.first, 1)
        self.width = max(int(span * target / max(total, 1)), US)
        self._cache: tuple[int, int, Batch] | None = None
        self._lock = threading.Lock()

    def fetch(self, lo: int, hi: int, cursor: tuple[int, int] | None, desc: bool, limit: int,
              keep: Callable[[Batch], np.ndarray] | None = None) -> Batch:
        lo, hi = max(lo, self.first), min(hi, self.last)
        if desc and cursor is not None:
            hi = min(hi, cursor[0])
        if not desc and cursor is not None:
            lo = max(lo, cursor[0])
        parts: list[Batch] = []
        got = 0
        edge = hi if desc else lo  # next timestamp still to cover
        width = self.width
        while got < limit and lo <= hi and (edge >= lo if desc else edge <= hi):
            wlo, whi, batch = self._window(edge, lo, hi, desc, width)
            part = batch.take((batch.t >= max(lo, wlo)) & (batch.t <= min(hi, whi)))
            if cursor is not None:
                ct, cid = cursor
                if desc:
                    part = part.take((part.t < ct) | ((part.t == ct) & (part.ids < cid)))
                else:
                    part = part.take((part.t > ct) | ((part.t == ct) & (part.ids > cid)))
            if desc:
                part = part.take(slice(None, None, -1))
                part = part.take(part.t <= edge)
                edge = wlo - 1
            else:
                part = part.take(part.t >= edge)
                edge = whi + 1
            if keep is not None and len(part):
                part = part.take(keep(part))
            parts.append(part)
            got += len(part)
            width *= 2
        return Batch.concat(parts).take(slice(0, limit))

    def _window(self, edge: int, lo: int, hi: int, desc: bool, width: int) -> tuple[int, int, Batch]:
        cached = self._cache
        if cached is not None:
            wlo, whi, batch = cached
            if wlo <= edge <= whi:
                return cached
        if desc:
            wlo, whi = max(lo, edge - width), edge
        else:
            wlo, whi = edge, min(hi, edge + width)
        est = self.st.estimate(self.sel, wlo, whi)
        while est > 4 * self.target and whi - wlo > US:  # dense spot: shrink
            if desc:
                wlo = whi - (whi - wlo) // 4
            else:
                whi = wlo + (whi - wlo) // 4
            est = self.st.estimate(self.sel, wlo, whi)
        batch = Batch(*self.st.window(self.sel, wlo, whi))
        if self.static_keep is not None and len(batch):
            batch = batch.take(self.static_keep(batch))
        self._cache = (wlo, whi, batch)
        return self._cache
