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
from collections.abc import Callable, Iterable

from . import writes
from .archives import RETENTION_DAYS
from .dataset import Dataset
from .faults import Faults
from .reevaluation import EVALUATING_S, INITIALIZING_S
from .server import SimServer
from .throttle import RateLimits
from .tiers import TIERS, get_tier
from .timefmt import default_anchor, from_us, parse_param, to_us, wall_clock_us

__all__ = ["Simulator", "Faults", "Dataset", "RateLimits", "TIERS"]

DEFAULT_REEVALUATE_EVERY = 6 * 3600.0  # a smart group's query edited a few times a day


class Simulator:
    """A RapidPro API v2 server on 127.0.0.1 serving a generated workspace.

    - ``tier``: "demo" | "district" | "national"; ``seed``: the dataset's seed.
    - ``anchor``: the dataset's "now" (datetime, ISO string or int µs); the history covers the
      ~105 days before it (the last ~90 in runs.json, the rest in archives).  Default: today
      00:00 UTC, by ``clock``.  Every generated timestamp is <= anchor.
    - ``clock``: what the simulator takes the time from (an aware datetime each call), for what
      happens while it serves: writes, and the runs of flow starts.  Default: the wall clock.
    - ``response_rate``: share of contacts started by a flow start who answer.
    - ``time_scale``: simulated seconds per real second for flow-start runs (60: a minute a second).
    - ``reevaluate_every``: the smart group's query is saved again this often (seconds of ``clock``,
      from the start), so it goes initializing (left out of groups.json), evaluating, ready; None: never.
    - ``retention_days``: RapidPro's retention (rp-archiver's, 90 days by default): runs and
      messages older than that, as of the anchor's day, have left runs.json and messages.json for
      archives.json.  None: no archiver, everything stays in the lists.
    - ``port``: 0 picks a free port; ``sim.url`` is the base URL for ``TembaClient``.
    - ``flows``: flows to serve beside the generated ones -- exports (``{"flows": [...]}``),
      single definitions, or paths to export files (given.py); ``sim.dataset.given_flow_uuids``.
    - ``flow_runs``: their runs: how many to generate per given flow, or the run dicts to serve.
    - ``message_shape``: "current" (the hosted server's messages, with ``uuid``) or "v9" (a
      self-hosted v9 server's: an integer ``id``, no ``uuid``, no ``quick_replies``).

    RapidPro's own behaviours, each on by default and switchable off for a focused test:

    - ``commit_delay``: late commits.  A record stamped ``modified_on = t`` shows in the API only
      once the clock passes ``t`` plus its transaction's delay (deterministic per seed and ``t``,
      long-tailed, at most this many seconds); 0 shows every write at once.
    - ``ties``: batches written in one transaction share one ``modified_on`` (a start's runs 25
      at a time, bulk contact updates).
    - ``drf_cursor``: Django REST framework's cursor (a ``modified_on`` position plus an offset,
      with its skip when a tied item changes between pages); False: a keyset cursor that never skips.
    - ``rate_limits``: RapidPro's rate limits per scope (throttle.py): "v26" (3,600 requests an
      hour per scope, as hosted RapidPro), "v9" (2,500), a dict of requests an hour by scope, or
      None for none; ``rate_limit_scale``: the limits' hour lasts 3600 / scale seconds of ``clock``
      (benchmarks). ``sim.limits.counts()``: requests allowed and refused per scope.
    """

    def __init__(self, tier: str = "demo", seed: int = 1, token: str = "secret-token", port: int = 0,
                 anchor: dt.datetime | str | int | None = None, response_rate: float = 0.7,
                 time_scale: float = 60.0, host: str = "127.0.0.1", faults: Faults | None = None,
                 clock: Callable[[], dt.datetime] | None = None, flows: Iterable = (),
                 flow_runs: int | list[dict] = 20, message_shape: str = "current",
                 reevaluate_every: float | None = DEFAULT_REEVALUATE_EVERY,
                 commit_delay: float = 5.0, ties: bool = True, drf_cursor: bool = True,
                 retention_days: int | None = RETENTION_DAYS,
                 rate_limits: str | dict[str, int] | None = "v26", rate_limit_scale: float = 1.0) -> None:
        self.tier, self.seed, self.token, self.host, self.port = get_tier(tier), seed, token, host, port
        self._clock_us = wall_clock_us if clock is None else (lambda: to_us(clock()))
        self.anchor_us = default_anchor(self._clock_us()) if anchor is None else _anchor(anchor)
        self.response_rate, self.time_scale = response_rate, time_scale
        self.faults = faults or Faults()
        self.limits = RateLimits(rate_limits, rate_limit_scale, self._clock_us)
        self.dataset = Dataset(self.tier, seed, self.anchor_us, response_rate, time_scale, self._clock_us,
                               flows=flows, flow_runs=flow_runs, message_shape=message_shape,
                               reevaluate_every=reevaluate_every, retention_days=retention_days,
                               commit_delay=commit_delay, ties=ties, drf_cursor=drf_cursor)
        self._server: SimServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Simulator:
        """Serve in a background thread; returns once the socket is listening."""
        if self._server is None:
            self._server = SimServer((self.host, self.port), self.dataset, self.token, self.faults, self.limits)
            self.port = self._server.server_address[1]
            self._thread = threading.Thread(target=self._server.serve_forever, name="rapidpro-simulator",
                                            kwargs={"poll_interval": 0.1}, daemon=True)
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread (the CLI)."""
        if self._server is None:
            self._server = SimServer((self.host, self.port), self.dataset, self.token, self.faults, self.limits)
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

    def delete_contact(self, uuid: str) -> None:
        """Delete a contact now, as a RapidPro user does on its own pages: not through the API, so
        neither its rate limits nor the faults apply. Its runs leave runs.json as the API's DELETE
        makes them; ApiError 404 when there is no such contact."""
        writes.delete_contact(self.dataset, {"uuid": [uuid]})

    def reevaluate_group(self, group: str, *, join: Iterable[str] = (), leave: Iterable[str] = (),
                         query: str | None = None, initializing: float = INITIALIZING_S,
                         evaluating: float = EVALUATING_S, touch_contacts: bool = True) -> None:
        """Save a group's query now, as a RapidPro user editing a smart group does: the group is
        initializing for ``initializing`` seconds (left out of groups.json), then evaluating for
        ``evaluating`` seconds while the contacts (uuids) in ``join`` come in and those in ``leave``
        go out, in mailroom's batches; then ready. ``touch_contacts=False``: their ``modified_on``
        stays as it was (RapidPro always bumps it; this is for tests of the sync's own checks)."""
        self.dataset.reevaluations.start(group, join=join, leave=leave, query=query, initializing=initializing,
                                         evaluating=evaluating, touch_contacts=touch_contacts)

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
        from .sends import start_as_seen

        view = self.dataset.truth_view()
        with self.dataset.state.lock:
            seen = [start_as_seen(d, view) for d in self.dataset.state.flow_starts]
        return [{k: v for k, v in d.items() if not k.startswith("_")} for d in seen if d is not None]

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
