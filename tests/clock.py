"""Clocks for code that is handed one: a fixed instant that still moves."""

from __future__ import annotations

import time
from datetime import datetime, timedelta


class TickingClock:
    """A clock that reads `start` now and moves on as time passes (time.monotonic), or at once by
    as much as a test moves it on (advance): a fixed date, for code that also waits on its clock
    (the simulator's flow starts answer over its time), with no test waiting for that time."""

    def __init__(self, start: datetime) -> None:
        self._start, self._origin = start, time.monotonic()

    def __call__(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._origin)

    def advance(self, by: timedelta) -> None:
        self._start += by


def ticking_from(start: datetime) -> TickingClock:
    return TickingClock(start)


class SetClock:
    """A clock that reads `at` until the test moves it: for waiting on RapidPro's time without sleeping."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at
