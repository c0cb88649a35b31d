"""Fixtures for the simulator tests: one shared read-only demo simulator, fresh ones for writes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import requests
from temba_client.v2 import TembaClient

from tests.clock import TickingClock, ticking_from
from tracpro.simulator import Simulator

ANCHOR = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
SERVING_FROM = ANCHOR + dt.timedelta(hours=9)  # the writing simulator's clock starts here
TOKEN = "test-token"
# shared/ sits beside the repository (here and in CI's fresh clone).
FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "rapidpro-fixtures"


@pytest.fixture(scope="session")
def sim():
    """The demo tier, read-only: tests using it must not write."""
    with Simulator(tier="demo", seed=7, token=TOKEN, anchor=ANCHOR) as s:
        yield s


@pytest.fixture
def wclock() -> TickingClock:
    """The writing simulator's clock, which starts the morning after its dataset's anchor."""
    return ticking_from(SERVING_FROM)


@pytest.fixture
def wsim(wclock):
    """A fresh demo simulator for tests that write (fast time: 600 simulated s per real s), on a
    clock of its own (wclock).  Its writes show at once (no late commits): these tests read back
    what they wrote; test_late_commits.py covers the lag."""
    with Simulator(tier="demo", seed=11, token=TOKEN, anchor=ANCHOR, time_scale=600.0, response_rate=0.8,
                   clock=wclock, commit_delay=0) as s:
        yield s


@pytest.fixture(scope="session")
def client(sim) -> TembaClient:
    return TembaClient(sim.url, TOKEN)


@pytest.fixture(scope="session")
def http(sim) -> requests.Session:
    s = requests.Session()
    s.headers["Authorization"] = f"Token {TOKEN}"
    return s


@pytest.fixture(scope="session")
def shapes() -> dict:
    if not FIXTURES.exists():
        pytest.skip("shared/rapidpro-fixtures is not beside the repository")
    return json.loads((FIXTURES / "reference_current_api_shapes.json").read_text())


@pytest.fixture(scope="session")
def all_runs(sim) -> list[dict]:
    """Every run of the demo tier (ground truth, no HTTP)."""
    return list(sim.dataset.iter_runs())


def raw_walk(http: requests.Session, url: str, params: dict | None = None) -> list[dict]:
    """Follow ``next`` links with plain requests, returning every item."""
    out, nxt, first = [], url, True
    while nxt:
        r = http.get(nxt, params=params if first else None)
        r.raise_for_status()
        body = r.json()
        out += body["results"]
        nxt, first = body["next"], False
    return out
