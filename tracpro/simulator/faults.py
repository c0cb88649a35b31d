"""Switchable faults for tests: throttling, server errors, slow answers, malformed items, and
writes whose answer is lost after the server acted.

Faults apply to ``/api/v2/`` requests only (never to the control endpoint).  "Every N"
settings count requests (or list items) since the setting was changed; "next N" settings
inject exactly N faults on the next requests and then switch themselves off.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field, fields

# How a bad server or proxy breaks an item so that temba_client raises
# TembaSerializationException for the page (a list field null or missing, an int as text).
BREAKERS = {
    "runs": lambda d: d.update(values=None),
    "contacts": lambda d: d.pop("groups", None),
    "messages": lambda d: d.pop("quick_replies", None),
    "flows": lambda d: d.update(results=None),
    "groups": lambda d: d.update(count=str(d.get("count"))),
    "boundaries": lambda d: d.update(level=str(d.get("level"))),
    "broadcasts": lambda d: d.update(contacts=None),
    "flow_starts": lambda d: d.update(groups=None),
}


@dataclass
class Decision:
    status: int = 0  # 0: answer normally
    retry_after: int = 0
    sleep_s: float = 0.0


@dataclass(frozen=True)
class LostAnswer:
    status: int  # 0: no answer at all, the connection is closed
    delay_s: float


@dataclass
class Faults:
    """Fault switches; every attribute can be set from Python, the CLI or ``POST /_control/faults``."""

    throttle_every: int = 0  # every Nth API request gets 429
    throttle_next: int = 0  # the next N API requests get 429
    retry_after: int = 1  # integer seconds in the Retry-After header
    error_every: int = 0  # every Nth API request gets error_status
    error_next: int = 0
    error_status: int = 500
    slow_ms: int = 0  # every API request sleeps this long first ...
    slow_next: int = 0  # ... or only the next N requests (when slow_ms is set) ...
    slow_every: int = 0  # ... or only every Nth request (when slow_ms is set)
    malformed_every: int = 0  # every Nth list item served is broken
    malformed_next: int = 0  # the next N list responses each carry one broken item (their first)
    # A write (POST or DELETE) carried out, whose answer never reaches the client: a proxy's 502/504
    # once the server acted, a connection reset, or an answer later than the client waits.
    lost_answer_next: int = 0  # the next N writes ...
    lost_answer_every: int = 0  # ... or every Nth write
    lost_answer_status: int = 504  # what the client gets instead; 0: the connection closes unanswered
    lost_answer_delay_ms: int = 0  # how long after acting that comes (past the client's timeout: a timeout)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _requests: int = field(default=0, repr=False, compare=False)
    _items: int = field(default=0, repr=False, compare=False)
    _writes: int = field(default=0, repr=False, compare=False)

    def update(self, **values) -> None:
        """Change settings at run time (unknown names raise ValueError); counters restart."""
        names = {f.name for f in fields(self) if not f.name.startswith("_")}
        with self._lock:
            for key, value in values.items():
                if key not in names:
                    raise ValueError(f"unknown fault setting {key!r}")
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise ValueError(f"{key} must be a non-negative integer")
                setattr(self, key, value)
            self._requests = self._items = self._writes = 0

    def reset(self) -> None:
        self.update(**Faults().to_dict())

    def to_dict(self) -> dict:
        with self._lock:
            return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}

    def decide(self) -> Decision:
        """What to do with the API request now arriving."""
        with self._lock:
            self._requests += 1
            n = self._requests
            d = Decision()
            if self.slow_ms:
                sleep_s = self.slow_ms / 1000  # read first: the last "next" slow request switches it off
                slow = self._take("slow_next") if self.slow_next else not self.slow_every or n % self.slow_every == 0
                if slow:
                    d.sleep_s = sleep_s
            if self.throttle_next:
                self.throttle_next -= 1
                d.status, d.retry_after = 429, self.retry_after
            elif self.throttle_every and n % self.throttle_every == 0:
                d.status, d.retry_after = 429, self.retry_after
            elif self.error_next:
                self.error_next -= 1
                d.status = self.error_status
            elif self.error_every and n % self.error_every == 0:
                d.status = self.error_status
            return d

    def lose_answer(self) -> LostAnswer | None:
        """Whether the answer to the write now arriving is lost once the write is done, and how."""
        with self._lock:
            self._writes += 1
            if self.lost_answer_next:
                self.lost_answer_next -= 1
            elif not (self.lost_answer_every and self._writes % self.lost_answer_every == 0):
                return None
            return LostAnswer(self.lost_answer_status, self.lost_answer_delay_ms / 1000)

    def _take(self, name: str) -> bool:
        value = getattr(self, name)
        if value:
            setattr(self, name, value - 1)
            if value == 1:
                self.slow_ms = 0  # the last of the "next N" slow requests
            return True
        return False

    def malform(self, resource: str, items: list[str]) -> list[str]:
        """Break some items of a list response, as configured."""
        breaker = BREAKERS.get(resource)
        if breaker is None or not items:
            return items
        with self._lock:
            targets = set()
            if self.malformed_next:
                self.malformed_next -= 1
                targets.add(0)
            if self.malformed_every:
                for k in range(len(items)):
                    self._items += 1
                    if self._items % self.malformed_every == 0:
                        targets.add(k)
        if not targets:
            return items
        out = list(items)
        for k in targets:
            d = json.loads(out[k])
            breaker(d)
            out[k] = json.dumps(d, ensure_ascii=True, separators=(",", ":"))
        return out
