"""How far a resource's pass under way has got, and roughly when it will be done.

A first sync of a large org takes hours of RapidPro's rate limit and goes on across many runs of
the sync job, so the Sync page says how far it is. Two measures, the better one that is known:

- by items, when RapidPro reports how many the resource holds (a poll's runs: the flow's run
  counts): stored so far of that, and the pace is what this pass stored since it began;
- by time otherwise (contacts): a pass reads modified_on in order from its start to its end, so
  where it stands between the two says how far it is.

The finish is the pace so far carried on: since the pass began (its first run, by the job's
clock) it includes the runs' waits for the rate limit and the time between runs, which is what
its remaining part will meet too. Rough by nature: changes come in bursts, and RapidPro's counts
include runs its API no longer lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Estimate:
    progress: float | None  # 0..1; None when nothing says
    finish: datetime | None  # None when not under way, or no pace yet


def estimate(state: Any, now: datetime) -> Estimate:
    """The estimate for a SyncState (its pass under way, stored_total and expected_total) at `now`."""
    started = state.pass_started_at
    if started is None:
        done = _by_items(state.stored_total, state.expected_total)
        return Estimate(None if done is None else min(done, 1.0), None)
    elapsed = (now - started).total_seconds()
    created = int((state.pass_counts or {}).get("created", 0))
    if state.expected_total:
        done = min(state.stored_total / state.expected_total, 1.0)
        remaining = max(state.expected_total - state.stored_total, 0)
        if remaining == 0:
            return Estimate(done, now)
        if created <= 0 or elapsed <= 0:
            return Estimate(done, None)
        return Estimate(done, now + (now - started) * (remaining / created))
    done = _by_time(state.pass_after, state.pass_position, started)
    if done is None or done <= 0 or elapsed <= 0:
        return Estimate(done, None)
    return Estimate(done, now + (now - started) * ((1 - done) / done))


def _by_items(stored: int, expected: int | None) -> float | None:
    return stored / expected if expected else None


def _by_time(after: datetime | None, position: datetime | None, before: datetime) -> float | None:
    if after is None or position is None or before <= after:
        return None
    return min(max((position - after) / (before - after), 0.0), 1.0)
