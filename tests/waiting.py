"""Waiting for a state that nothing announces, such as rows another process writes."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(condition: Callable[[], bool], failure: str, seconds: float = 300, pause: float = 0.05) -> None:
    """Until `condition()` holds, checked again every `pause` seconds. Where an event can be waited
    on (a line of output, an element), wait on that instead; `seconds` is a limit for a state that
    never comes, not a time anything should take."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(pause)
