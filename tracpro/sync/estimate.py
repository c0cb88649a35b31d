"""How far the org's sync has got, and roughly when the passes under way will be done.

A first sync of a large org takes hours of RapidPro's rate limit and goes on across many runs of
the sync job, so the Sync page says how far it is.

- Progress, per resource: by items when RapidPro reports how many the resource holds (a poll's
  runs: the flow's run counts), stored so far of that; by time otherwise (contacts), since a
  pass reads modified_on in order from its start to its end.
- The finish, for the org: the polls are read one after another, so it is the runs every poll
  still has to read (what RapidPro reports less what is stored) at the pace of the whole
  catch-up so far: the runs stored since it began (tracpro.sync.state.catch_up, by the job's
  clock, so the runs' waits for the rate limit and the time between runs are in it, as they will
  be in what is left). A pass without a total (contacts) is done at its own pace by time; the
  later of the two is the estimate.

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


def finish(states: Iterable[Any], catch_up: tuple[datetime, int] | None, now: datetime) -> datetime | None:
    """When every pass under way should be done at the sync's pace so far (`catch_up`: when the
    catch-up began and the runs stored then); None when none is under way, or there is no pace yet."""
    states = list(states)
    under_way = [state for state in states if state.pass_started_at is not None]
    if not under_way:
        return None
    counted = [state for state in states if state.expected_total]
    finishes = [_by_items(counted, catch_up, now)] if any(state.expected_total for state in under_way) else []
    finishes += [_own_pace(state, now) for state in under_way if not state.expected_total]
    known = [moment for moment in finishes if moment is not None]
    return max(known) if known and len(known) == len(finishes) else None


def _by_items(counted: list[Any], catch_up: tuple[datetime, int] | None, now: datetime) -> datetime | None:
    # What a poll synced once still lacks of RapidPro's count is runs archived out of its API.
    left = [state for state in counted if state.pass_started_at is not None or state.last_success_at is None]
    remaining = sum(max(state.expected_total - state.stored_total, 0) for state in left)
    if remaining == 0:
        return now
    if catch_up is None:
        return None
    since, stored_then = catch_up
    stored = sum(state.stored_total for state in counted) - stored_then
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
