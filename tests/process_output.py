"""A child process's output, line by line as it prints it, for tests that wait on what it says."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import IO


class OutputLines:
    """The lines of `stream` (a text pipe), read by a thread of their own, so the child never
    blocks on a full pipe and a test can wait for a line instead of for a time."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self.ended = False
        self._changed = threading.Condition()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self.ended = True
            self._changed.notify_all()

    def count(self, matching: Callable[[str], bool]) -> int:
        with self._changed:
            return self._seen(matching)

    def wait_for(self, matching: Callable[[str], bool], count: int = 1, seconds: float = 600) -> bool:
        """Until `count` lines `matching` have come (True) or the output has ended without them
        (False). `seconds` is a limit for a child that hangs, not a time anything should take."""
        with self._changed:
            self._changed.wait_for(lambda: self._seen(matching) >= count or self.ended, timeout=seconds)
            if self._seen(matching) >= count:
                return True
            assert self.ended, f"not {count} such lines after {seconds} s:\n" + "".join(self.lines)
            return False

    def wait_until_ended(self, seconds: float = 600) -> str:
        """All of the output, once the child has closed it."""
        with self._changed:
            assert self._changed.wait_for(lambda: self.ended, timeout=seconds), "".join(self.lines)
            return "".join(self.lines)

    def _seen(self, matching: Callable[[str], bool]) -> int:
        return sum(1 for line in self.lines if matching(line))
