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
