"""How far the org's sync has got, and roughly when the passes under way will be done.

A first sync of a large org takes hours of RapidPro's rate limit and goes on across many runs of
the sync job, so the Sync page says how far it is.

- Progress, per resource: by items when RapidPro reports how many the resource holds (a poll's
  runs: the flow's run counts), stored so far of that; by time otherwise (contacts), since a
  pass reads modified_on in order from its start to its end.
- The finish, for the org: the polls are read one after another, so the runs still to read of
  every poll (what RapidPro reports less what is stored) at the pace of the whole sync so far:
  the runs stored since the earliest pass under way began (by the job's clock, so the runs'
  waits for the rate limit and the time between runs are in it, as they will be in what is
  left). A pass without a total (contacts) is done at its own pace by time; the later of the
  two is the estimate.

Rough by nature: changes come in bursts, and RapidPro's run counts go on counting runs it has
archived, which its API no longer lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any


def progress(state: Any) -> float | None:
    """How far a SyncState's resource has got (0..1): by items when RapidPro reports a total,
    else by time while a pass is under way; None when nothing says."""
    if state.expected_total:
        return min(state.stored_total / state.expected_total, 1.0)
    if state.pass_started_at is None:
        return None
    return _by_time(state.pass_after, state.pass_position, state.pass_started_at)


def finish(states: Iterable[Any], now: datetime) -> datetime | None:
    """When every pass under way should be done at the sync's pace so far; None when none is
    under way, or one has no pace yet."""
    states = list(states)
    under_way = [state for state in states if state.pass_started_at is not None]
    if not under_way:
        return None
    finishes = [_by_items(states, under_way, now)] if any(state.expected_total for state in under_way) else []
    finishes += [_own_pace(state, now) for state in under_way if not state.expected_total]
    known = [moment for moment in finishes if moment is not None]
    return max(known) if known and len(known) == len(finishes) else None


def _by_items(states: list[Any], under_way: list[Any], now: datetime) -> datetime | None:
    counted = [state for state in states if state.expected_total]
    remaining = sum(max(state.expected_total - state.stored_total, 0) for state in counted)
    if remaining == 0:
        return now
    since = min(state.pass_started_at for state in under_way if state.expected_total)
    stored = sum(int((state.pass_counts or {}).get("created", 0)) for state in counted if state.pass_started_at)
    # Passes done since: their runs were stored in that time too.
    stored += sum(int((state.last_counts or {}).get("created", 0)) for state in counted
                  if state.pass_started_at is None and state.last_success_at and state.last_success_at >= since)
    if stored <= 0 or now <= since:
        return None
    return now + (now - since) * (remaining / stored)


def _own_pace(state: Any, now: datetime) -> datetime | None:
    done = _by_time(state.pass_after, state.pass_position, state.pass_started_at)
    if done is None or done <= 0 or now <= state.pass_started_at:
        return None
    return now + (now - state.pass_started_at) * ((1 - done) / done)


def _by_time(after: datetime | None, position: datetime | None, before: datetime) -> float | None:
    if after is None or position is None or before <= after:
        return None
    return min(max((position - after) / (before - after), 0.0), 1.0)
