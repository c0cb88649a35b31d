"""A local RapidPro (API v2) over a deterministic generated dataset.

>>> with Simulator(tier="demo", seed=1, token="secret-token") as sim:   # doctest: +SKIP
...     client = TembaClient(sim.url, "secret-token")
...     runs = client.get_runs(flow=sim.dataset.poll_flow_uuids[0]).all()

``sim.dataset`` is the ground truth (see :class:`Dataset`); ``sim.faults`` switches faults on
and off at run time (also ``POST /_control/faults`` with the same token).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

from .archives import RETENTION_DAYS
from .dataset import Dataset
from .faults import Faults
from .server import SimServer
from .tiers import TIERS, get_tier
from .timefmt import default_anchor, from_us, parse_param, to_us, wall_clock_us

__all__ = ["Simulator", "Faults", "Dataset", "TIERS"]


class Simulator:
    """A RapidPro API v2 server on 127.0.0.1 serving a generated workspace.

    - ``tier``: "demo" | "district" | "national"; ``seed``: the dataset's seed.
    - ``anchor``: the dataset's "now" (datetime, ISO string or int µs); the history covers the
      ~125 days before it (the last ~90 in runs.json, the rest in archives).  Default: today
      00:00 UTC, by ``clock``.  Every generated timestamp is <= anchor.
    - ``clock``: what the simulator takes the time from (an aware datetime each call), for what
      happens while it serves: writes, and the runs of flow starts.  Default: the wall clock.
    - ``response_rate``: share of contacts started by a flow start who answer.
    - ``time_scale``: simulated seconds per real second for flow-start runs (60: a minute a second).
    - ``retention_days``: RapidPro's retention (rp-archiver's, 90 days by default): runs and
      messages older than that, as of the anchor's day, have left runs.json and messages.json for
      archives.json.  None: no archiver, everything stays in the lists.
    - ``port``: 0 picks a free port; ``sim.url`` is the base URL for ``TembaClient``.
    """

    def __init__(self, tier: str = "demo", seed: int = 1, token: str = "secret-token", port: int = 0,
                 anchor: dt.datetime | str | int | None = None, response_rate: float = 0.7,
                 time_scale: float = 60.0, host: str = "127.0.0.1", faults: Faults | None = None,
                 clock: Callable[[], dt.datetime] | None = None,
                 retention_days: int | None = RETENTION_DAYS) -> None:
        self.tier, self.seed, self.token, self.host, self.port = get_tier(tier), seed, token, host, port
        self._clock_us = wall_clock_us if clock is None else (lambda: to_us(clock()))
        self.anchor_us = default_anchor(self._clock_us()) if anchor is None else _anchor(anchor)
        self.response_rate, self.time_scale = response_rate, time_scale
        self.faults = faults or Faults()
        self.dataset = Dataset(self.tier, seed, self.anchor_us, response_rate, time_scale, self._clock_us,
                               retention_days)
        self._server: SimServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Simulator:
        """Serve in a background thread; returns once the socket is listening."""
        if self._server is None:
            self._server = SimServer((self.host, self.port), self.dataset, self.token, self.faults)
            self.port = self._server.server_address[1]
            self._thread = threading.Thread(target=self._server.serve_forever, name="rapidpro-simulator",
                                            kwargs={"poll_interval": 0.1}, daemon=True)
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread (the CLI)."""
        if self._server is None:
            self._server = SimServer((self.host, self.port), self.dataset, self.token, self.faults)
            self.port = self._server.server_address[1]
        self._server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = self._thread = None

    def now(self) -> dt.datetime:
        """The time by the simulator's clock: RapidPro's "now"."""
        return from_us(self._clock_us())

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def broadcasts(self) -> list[dict]:
        """Broadcasts POSTed to this simulator, as API dicts (oldest first)."""
        with self.dataset.state.lock:
            return [{k: v for k, v in d.items() if not k.startswith("_")} for d in self.dataset.state.broadcasts]

    @property
    def flow_starts(self) -> list[dict]:
        """Flow starts POSTed to this simulator, as API dicts as they stand now (oldest first)."""
        from .sends import refresh_start

        with self.dataset.state.lock:
            return [{k: v for k, v in refresh_start(self.dataset, d).items() if not k.startswith("_")}
                    for d in self.dataset.state.flow_starts]

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _anchor(value) -> int:
    if isinstance(value, int):
        return value
    if isinstance(value, dt.datetime):
        return to_us(value)
    parsed = parse_param(str(value))
    if parsed is None:
        raise ValueError(f"unparseable anchor {value!r}")
    return parsed
