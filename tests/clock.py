"""Clocks for code that is handed one: a fixed instant that still moves."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta


def ticking_from(start: datetime) -> Callable[[], datetime]:
    """A clock that reads `start` now and moves on as time passes (time.monotonic): a fixed date,
    for code that also waits on its clock (the simulator's flow starts answer over time)."""
    origin = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - origin)


class SetClock:
    """A clock that reads `at` until the test moves it: for waiting on RapidPro's time without sleeping."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at
