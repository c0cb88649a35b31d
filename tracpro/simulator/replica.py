"""Late commits: what RapidPro's API can see of what has been written.

Mailroom stamps ``modified_on = NOW()``, the start of its transaction, and the API reads a
replica, so rows become visible some time after the instant they carry.  A transaction is
identified here by that instant: everything stamped with the same microsecond (a tie group,
one batch) appears together, ``delay(t)`` after ``t``, the delay a deterministic function of
the seed and ``t``.  Delays follow a long-tailed law: a few milliseconds at least, a median
near 60 ms, one in ten above a third of a second, one in a hundred above two seconds, and
never more than ``max_us``; whatever is older than that is always visible.
"""

from __future__ import annotations

import numpy as np

from .hashing import unit, vh
from .timefmt import US

FLOOR_US = 2_000  # a commit and its replication are never instantaneous
SCALE_US = 100_000  # Lomax (Pareto II) scale and shape: median ~60 ms, p90 ~0.36 s, p99 ~2 s
SHAPE = 1.5


class Replica:
    """When rows stamped at ``t`` (µs) become visible to the API, for delays up to ``max_us``."""

    def __init__(self, seed: int, max_us: int) -> None:
        if max_us <= FLOOR_US:
            raise ValueError(f"the longest commit delay must be above {FLOOR_US} µs")
        self.seed, self.max_us = seed, max_us

    @classmethod
    def of_seconds(cls, seed: int, max_s: float) -> Replica | None:
        """A replica lagging up to ``max_s`` seconds; None for 0 (every write visible at once)."""
        return cls(seed, int(max_s * US)) if max_s > 0 else None

    def delay_us(self, t: np.ndarray) -> np.ndarray:
        """The delay of the transaction that stamped each ``t``."""
        u = unit(vh(self.seed, "commit-delay", np.asarray(t, dtype=np.int64)))
        lomax = SCALE_US * ((1.0 - u) ** (-1.0 / SHAPE) - 1.0)
        return np.minimum(FLOOR_US + lomax, self.max_us).astype(np.int64)

    def settled(self, now: int) -> int:
        """Everything stamped at or before this instant is visible at ``now``."""
        return now - self.max_us

    def shows(self, t: np.ndarray, now: int) -> np.ndarray:
        """Which of the rows stamped ``t`` are visible at ``now`` (a mask)."""
        t = np.asarray(t, dtype=np.int64)
        out = t <= self.settled(now)
        recent = np.flatnonzero(~out)
        if len(recent):
            out[recent] = t[recent] + self.delay_us(t[recent]) <= now
        return out

    def shows_one(self, t: int, now: int) -> bool:
        return bool(self.shows(np.array([t]), now)[0])
