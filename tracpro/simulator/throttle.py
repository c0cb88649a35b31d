"""RapidPro's rate limits: per workspace and scope, a sliding window as Django REST framework keeps it.

RapidPro throttles every API request made with a token (temba/api/support.py OrgUserRateThrottle,
a ScopedRateThrottle keyed by workspace) at a rate per scope (settings REST_FRAMEWORK
DEFAULT_THROTTLE_RATES): "v2.contacts" (contacts.json, reads and writes), "v2.messages",
"v2.runs", and "v2" for every other endpoint; the community fork v9 gives broadcasts a scope of
their own. DRF's SimpleRateThrottle remembers when each allowed request came within the last
`duration`; a request arriving while that window holds the rate's number is refused (and not
remembered), with Retry-After the seconds until the oldest request leaves the window, rounded up.
So a client that spends its hour's requests in ten minutes is told to wait about fifty.

Time is the simulator's clock. `scale` shortens the window for benchmarks (the limit's hour lasts
3600 / scale seconds of the clock), and Retry-After counts the clock's seconds likewise.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable

US = 1_000_000
HOUR_US = 3600 * US

# Requests an hour per scope (nyaruka/rapidpro temba/settings_common.py; rapidpro/rapidpro v9.0.0).
RATES: dict[str, dict[str, int]] = {
    "v26": {"v2": 3600, "v2.contacts": 3600, "v2.messages": 3600, "v2.runs": 3600},
    "v9": {"v2": 2500, "v2.contacts": 2500, "v2.messages": 2500, "v2.runs": 2500, "v2.broadcasts": 36000},
}
# Each endpoint's throttle_scope (temba/api/v2/views.py); every endpoint not named is "v2".
ENDPOINT_SCOPES = {"contacts": "v2.contacts", "messages": "v2.messages", "runs": "v2.runs",
                   "broadcasts": "v2.broadcasts"}


class RateLimits:
    """The rate limits of one workspace (`rates`: requests an hour by scope; None: no limits)."""

    def __init__(self, rates: str | dict[str, int] | None = "v26", scale: float = 1.0,
                 clock_us: Callable[[], int] | None = None) -> None:
        if isinstance(rates, str):
            if rates not in RATES:
                raise ValueError(f"unknown rate limits {rates!r}: one of {', '.join(RATES)}, or none")
            rates = RATES[rates]
        if scale <= 0:
            raise ValueError("the rate limits' scale must be more than 0")
        self.rates = dict(rates or {})
        self.window_us = HOUR_US / scale
        self._clock_us = clock_us
        self._history: dict[str, deque[int]] = {}
        self._allowed: dict[str, int] = {}
        self._refused: dict[str, int] = {}
        self._lock = threading.Lock()

    def scope_of(self, endpoint: str) -> str:
        """The scope an endpoint's requests count against."""
        scope = ENDPOINT_SCOPES.get(endpoint, "v2")
        return scope if scope in self.rates else "v2"

    def admit(self, endpoint: str, now_us: int | None = None) -> int | None:
        """Count a request to `endpoint` arriving now; None when allowed, else its Retry-After (seconds)."""
        scope = self.scope_of(endpoint)
        limit = self.rates.get(scope)
        if not limit:
            return None
        if now_us is None:
            assert self._clock_us is not None, "RateLimits needs a clock, or the time of each request"
            now_us = self._clock_us()
        with self._lock:
            history = self._history.setdefault(scope, deque())
            while history and history[0] <= now_us - self.window_us:
                history.popleft()
            if len(history) >= limit:
                self._refused[scope] = self._refused.get(scope, 0) + 1
                # DRF: (duration - (now - oldest)) / (limit - len(history) + 1), then rounded up.
                return max(1, math.ceil((self.window_us - (now_us - history[0])) / US))
            history.append(now_us)
            self._allowed[scope] = self._allowed.get(scope, 0) + 1
            return None

    def counts(self) -> dict[str, dict[str, int]]:
        """Requests allowed and refused so far, by scope: {"v2.runs": {"allowed": n, "refused": m}, ...}."""
        with self._lock:
            return {scope: {"allowed": self._allowed.get(scope, 0), "refused": self._refused.get(scope, 0)}
                    for scope in sorted(set(self._allowed) | set(self._refused))}

    def to_dict(self) -> dict:
        return {"rates": dict(self.rates), "hour_seconds": self.window_us / US, "counts": self.counts()}
