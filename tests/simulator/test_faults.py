"""Faults are seen through the client as the real server's are."""

from __future__ import annotations

import time

import pytest
import requests
from temba_client.exceptions import TembaHttpError, TembaRateExceededError, TembaSerializationException, TembaTokenError
from temba_client.v2 import TembaClient

from .conftest import TOKEN


@pytest.fixture
def faults(sim):
    sim.faults.reset()
    yield sim.faults
    sim.faults.reset()


def test_429_then_success_is_retried(sim, client, faults):
    faults.update(throttle_next=1, retry_after=1)
    started = time.monotonic()
    page = next(client.get_fields().iterfetches(retry_on_rate_exceed=True))
    assert page and time.monotonic() - started >= 1.0


def test_429_without_retry_raises_with_retry_after(sim, client, faults):
    faults.update(throttle_next=1, retry_after=1)
    with pytest.raises(TembaRateExceededError) as e:
        client.get_fields().all()
    assert e.value.retry_after == 1
    r = requests.get(sim.url + "/api/v2/fields.json", headers={"Authorization": f"Token {TOKEN}"})
    assert r.status_code == 200  # only the next one was throttled


def test_throttle_every_and_body(sim, http, faults):
    faults.update(throttle_every=2, retry_after=3)
    statuses = [http.get(sim.url + "/api/v2/fields.json") for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 429, 200, 429]
    assert statuses[1].headers["Retry-After"] == "3"
    assert statuses[1].json() == {"detail": "Request was throttled. Expected available in 3 seconds."}


def test_5xx_raises_http_error(sim, client, faults):
    faults.update(error_next=1, error_status=502)
    with pytest.raises(TembaHttpError):
        client.get_groups().all()
    assert client.get_groups().all()


def test_malformed_items_raise_serialization_errors(sim, client, faults):
    for getter in ("get_runs", "get_contacts", "get_messages", "get_flows", "get_groups"):
        faults.update(malformed_next=1)
        with pytest.raises(TembaSerializationException):
            next(getattr(client, getter)().iterfetches())
    faults.update(malformed_every=50)
    with pytest.raises(TembaSerializationException):
        client.get_contacts().first()


def test_slow_answers(sim, http, faults):
    started = time.monotonic()
    http.get(sim.url + "/api/v2/fields.json")
    fast = time.monotonic() - started
    faults.update(slow_ms=300)
    started = time.monotonic()
    http.get(sim.url + "/api/v2/fields.json")
    assert time.monotonic() - started >= 0.3 > fast


def test_slow_next_and_slow_every_pick_which_requests_are_slow(sim, http, faults):
    def seconds() -> float:
        started = time.monotonic()
        http.get(sim.url + "/api/v2/fields.json")
        return time.monotonic() - started

    faults.update(slow_ms=300, slow_next=1)
    assert [seconds() >= 0.3 for _ in range(3)] == [True, False, False]
    faults.update(slow_ms=300, slow_every=2)
    assert [seconds() >= 0.3 for _ in range(4)] == [False, True, False, True]


def test_bad_token(sim):
    with pytest.raises(TembaTokenError):
        TembaClient(sim.url, "wrong").get_org()
    r = requests.get(sim.url + "/api/v2/runs.json", headers={"Authorization": "Token wrong"})
    assert r.status_code == 403 and r.json() == {"detail": "Invalid token"}


def test_control_endpoint(sim, http, faults):
    assert requests.post(sim.url + "/_control/faults", json={"throttle_next": 1}).status_code == 403
    r = http.post(sim.url + "/_control/faults", json={"throttle_next": 2, "retry_after": 2})
    assert r.status_code == 200 and r.json()["throttle_next"] == 2
    assert http.get(sim.url + "/_control/faults").json()["throttle_next"] == 2  # control is never faulted
    assert http.get(sim.url + "/api/v2/fields.json").status_code == 429
    assert http.post(sim.url + "/_control/reset").json()["throttle_next"] == 0
    assert http.post(sim.url + "/_control/faults", json={"nope": 1}).status_code == 400
