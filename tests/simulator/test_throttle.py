"""RapidPro's rate limits in the simulator: per scope, a sliding hour, Retry-After as DRF gives it."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from temba_client.exceptions import TembaRateExceededError
from temba_client.v2 import TembaClient

from tests.simulator.conftest import ANCHOR, TOKEN
from tracpro.simulator import Simulator
from tracpro.simulator.throttle import RateLimits

MINUTE = 60 * 1_000_000


def test_a_scope_allows_its_rate_in_any_hour_and_names_when_the_oldest_leaves_it():
    limits = RateLimits({"v2": 3, "v2.runs": 3})
    assert [limits.admit("runs", minutes * MINUTE) for minutes in (0, 10, 20)] == [None, None, None]
    assert limits.admit("runs", 30 * MINUTE) == 30 * 60  # the request at 0 leaves the window at 60
    assert limits.admit("runs", 60 * MINUTE - 1) == 1  # rounded up, never 0
    assert limits.admit("runs", 60 * MINUTE) is None  # refused requests never counted
    assert limits.admit("runs", 61 * MINUTE) == 9 * 60
    assert limits.counts() == {"v2.runs": {"allowed": 4, "refused": 3}}


def test_scopes_are_counted_apart_and_every_other_endpoint_shares_v2():
    limits = RateLimits("v26")
    assert limits.rates == {"v2": 3600, "v2.contacts": 3600, "v2.messages": 3600, "v2.runs": 3600}
    assert [limits.scope_of(name) for name in ("runs", "contacts", "messages", "flows", "broadcasts", "org")] == [
        "v2.runs", "v2.contacts", "v2.messages", "v2", "v2", "v2"]
    v9 = RateLimits("v9")
    assert (v9.rates["v2.runs"], v9.scope_of("broadcasts"), v9.rates["v2.broadcasts"]) == (2500, "v2.broadcasts",
                                                                                          36000)
    for second in range(3600):
        assert limits.admit("runs", second * 1_000_000) is None
    assert limits.admit("runs", 3600 * 1_000_000 - 1) == 1
    assert limits.admit("contacts", 0) is None and limits.admit("flows", 0) is None
    assert RateLimits(None).admit("runs", 0) is None
    with pytest.raises(ValueError, match="unknown rate limits"):
        RateLimits("v10")


def test_the_scale_shortens_the_hour_for_benchmarks():
    limits = RateLimits({"v2.runs": 2}, scale=60)  # an hour of the limits is a minute of the clock
    assert [limits.admit("runs", 0), limits.admit("runs", 0), limits.admit("runs", 0)] == [None, None, 60]
    assert limits.admit("runs", MINUTE) is None


def test_over_http_a_throttled_scope_answers_429_with_retry_after_and_the_others_still_answer():
    now = ANCHOR + dt.timedelta(hours=9)
    with Simulator(tier="demo", seed=7, token=TOKEN, anchor=ANCHOR, clock=lambda: now,
                   rate_limits={"v2": 3600, "v2.runs": 2, "v2.contacts": 3600}) as sim:
        client = TembaClient(sim.url, TOKEN)
        flow = sim.dataset.poll_flow_uuids[0]
        for _ in range(2):
            assert client.get_runs(flow=flow).iterfetches().__next__()
        with pytest.raises(TembaRateExceededError) as refused:
            client.get_runs(flow=flow).first()
        assert refused.value.retry_after == 3600
        assert client.get_contacts().first() is not None and client.get_flows().first() is not None
        answer = requests.get(f"{sim.url}/api/v2/runs.json", headers={"Authorization": f"Token {TOKEN}"}, timeout=10)
        assert (answer.status_code, answer.headers["Retry-After"]) == (429, "3600")
        assert answer.json() == {"detail": "Request was throttled. Expected available in 3600 seconds."}
        assert sim.limits.counts()["v2.runs"] == {"allowed": 2, "refused": 2}


def test_the_rate_limits_are_on_by_default_and_can_be_switched_off():
    assert Simulator(tier="demo", seed=7, token=TOKEN, anchor=ANCHOR).limits.rates["v2.runs"] == 3600
    assert Simulator(tier="demo", seed=7, token=TOKEN, anchor=ANCHOR, rate_limits=None).limits.rates == {}
