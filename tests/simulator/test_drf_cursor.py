"""RapidPro's cursor is Django REST framework's: a modified_on position plus an offset among ties.

It serves a tie group whole across pages while nothing changes, and skips an item never served
when an already served item of the group is modified between pages: a client walking RapidPro
meets exactly that, so the simulator does too (and a keyset cursor, switched on, never skips).
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from itertools import groupby
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from temba_client.v2 import TembaClient

from tests.clock import SetClock
from tracpro.simulator import Simulator
from tracpro.simulator import drf_cursor as drf

from .conftest import ANCHOR, SERVING_FROM, TOKEN

PAGE = 250


def _walk(items: dict[int, int], modify: tuple[int, int] | None = None) -> list[int]:
    """Page through ``items`` (id -> position) as RapidPro orders runs (-position, -id), the way a
    client follows ``next``; after the first page, ``modify`` moves one item to a new position."""
    served, cursor = [], drf.Cursor()
    while True:
        desc = not cursor.reverse
        rows = sorted(((p, i) for i, p in items.items()), reverse=desc)
        if cursor.position is not None:
            at = drf.position_value(cursor.position, numeric=True)
            rows = [(p, i) for p, i in rows if (p < at if desc else p > at)]
        chosen = drf.select([p for p, _ in rows], cursor, PAGE)
        served += [rows[k][1] for k in chosen.rows]
        if modify is not None and len(served) == PAGE:
            items[modify[0]] = modify[1]
        if chosen.next is None:
            return served
        cursor = drf.decode(drf.encode(chosen.next), 100_000)


def test_of_500_runs_100_sharing_a_modified_on_one_is_lost_when_a_served_one_is_modified():
    base = 1_772_000_000_000_000
    # Newest first: 200 runs a second apart, then 100 sharing one instant (the 201st to 300th
    # served, across the first page's end), then 200 more a second apart.
    items = {i: base - i * 1_000_000 for i in range(200)}
    items |= {i: base - 200 * 1_000_000 for i in range(200, 300)}
    items |= {i: base - i * 1_000_000 for i in range(300, 500)}
    assert sorted(_walk(dict(items))) == list(range(500))  # nothing changes: every run, once

    served = _walk(dict(items), modify=(299, base + 1_000_000))  # a served tied run is answered
    lost = set(items) - set(served)
    assert len(lost) == 1 and len(served) == 499 == len(set(served))


def test_a_cursor_is_drfs_position_and_offset(sim, http):
    body = http.get(sim.url + "/api/v2/runs.json", params={"flow": sim.dataset.single_message_flow_uuid}).json()
    cursor = parse_qs(urlsplit(body["next"]).query)["cursor"][0]
    tokens = parse_qs(base64.b64decode(cursor).decode("ascii"))
    last = body["results"][-1]["modified_on"]
    position = datetime.fromisoformat(tokens["p"][0])
    tail = [r for r in body["results"] if r["modified_on"] == body["results"][-1]["modified_on"]]
    assert set(tokens) <= {"o", "p"} and str(position) == tokens["p"][0]  # str() of an aware datetime
    assert position > datetime.fromisoformat(last.replace("Z", "+00:00"))  # the page's last item is tied ...
    assert int(tokens.get("o", ["0"])[0]) == len(tail)  # ... with the next page's first: the offset skips them

    second = http.get(body["next"]).json()
    back = http.get(second["previous"]).json()  # a reverse cursor leads back to the first page
    assert [r["uuid"] for r in back["results"]] == [r["uuid"] for r in body["results"]]


def test_an_offset_beyond_the_cutoff_is_cut_not_refused(sim, http):
    far = base64.b64encode(b"o=5000000").decode()
    r = http.get(sim.url + "/api/v2/contacts.json", params={"cursor": far})
    assert r.status_code == 200 and r.json()["results"] == []  # clamped to 100,000: past every contact


@pytest.mark.parametrize("drf_cursor, lost", [(True, 1), (False, 0)])
def test_a_tied_contact_modified_mid_walk_makes_the_walk_skip_one_it_never_served(drf_cursor, lost):
    clock = SetClock(SERVING_FROM)
    with Simulator(tier="demo", seed=11, token=TOKEN, anchor=ANCHOR, clock=clock, commit_delay=0,
                   drf_cursor=drf_cursor) as sim:
        client = TembaClient(sim.url, TOKEN)
        oldest_first = list(reversed(list(sim.dataset.iter_contacts())))  # the order reverse=1 walks
        start, group = _straddle(oldest_first)
        since = datetime.fromisoformat(oldest_first[start]["modified_on"].replace("Z", "+00:00"))

        pages = client.get_contacts(after=since, reverse=True).iterfetches()
        first = next(pages)
        assert [c.uuid for c in first[-2:]] == group[:2]  # the page ends inside the tie group
        client.update_contact(group[0], name="Moved")  # a served contact leaves the group
        clock.at += timedelta(seconds=1)
        served = [c.uuid for c in first] + [c.uuid for page in pages for c in page]

    expected = {c["uuid"] for c in oldest_first[start:]}
    missing = expected - set(served)
    assert len(missing) == lost
    if lost:
        assert missing == {group[2]}  # the first of the group the walk had not reached


@pytest.mark.parametrize("drf_cursor, lost", [(True, 1), (False, 0)])
def test_of_a_start_batchs_tied_runs_one_interrupted_mid_walk_makes_the_walk_skip_another(drf_cursor, lost):
    clock = SetClock(SERVING_FROM)
    with Simulator(tier="demo", seed=11, token=TOKEN, anchor=ANCHOR, clock=clock, drf_cursor=drf_cursor,
                   reevaluate_every=None) as sim:
        client = TembaClient(sim.url, TOKEN)
        # A poll whose silent runs still wait (one with a wait timeout has them time out instead).
        flow = next(f.uuid for f in sim.dataset.flows if f.is_poll and not f.timeout)
        oldest_first = list(reversed(list(sim.dataset.iter_runs(flow=flow))))
        start, group = _straddle(oldest_first, waiting=True)  # runs of one start batch, still waiting
        since = datetime.fromisoformat(oldest_first[start]["modified_on"].replace("Z", "+00:00"))

        pages = client.get_runs(flow=flow, after=since, reverse=True).iterfetches()
        first = next(pages)
        assert [r.uuid for r in first[-2:]] == group[:2]  # the page ends inside the tie group
        contact = next(r.contact.uuid for r in first if r.uuid == group[0])
        client.bulk_interrupt_contacts([contact])  # a served run of the group is modified ...
        clock.at += timedelta(seconds=6)  # ... and that commit has reached the replica
        served = {r.uuid for r in first} | {r.uuid for page in pages for r in page}

    missing = {r["uuid"] for r in oldest_first[start:]} - served
    assert len(missing) == lost
    if lost:
        assert missing == {group[2]}  # never served, though it never changed


def _straddle(items: list[dict], waiting: bool = False) -> tuple[int, list[str]]:
    """Where to start a walk so its first page ends with two items of a tie group of three or more
    (``waiting``: runs not exited yet): (start index, the group's uuids)."""
    k = 0
    for _, tied in groupby(items, key=lambda c: c["modified_on"]):
        group = [c for c in tied]
        start = k - (PAGE - 2)
        if (len(group) >= 3 and start > 0 and items[start - 1]["modified_on"] != items[start]["modified_on"]
                and not (waiting and any(c["exit_type"] for c in group))):
            return start, [c["uuid"] for c in group]
        k += len(group)
    raise AssertionError("no tie group of three to straddle a page boundary")


def test_garbage_cursors_are_404_like_drfs_and_a_position_that_is_no_date_a_server_error(sim):
    for cursor in ("garbage!!", "bz0tMQ==", "cj14"):  # bad base64, o=-1, r=x
        r = requests.get(sim.url + "/api/v2/runs.json", params={"cursor": cursor},
                         headers={"Authorization": f"Token {TOKEN}"})
        assert (r.status_code, r.json()) == (404, {"detail": "Invalid cursor"}), cursor
    # p=not-a-date: DRF passes it to the queryset's filter, whose ValidationError it does not handle.
    r = requests.get(sim.url + "/api/v2/runs.json", params={"cursor": "cD1ub3QtYS1kYXRl"},
                     headers={"Authorization": f"Token {TOKEN}"})
    assert (r.status_code, r.text) == (500, "Server Error. Site administrators have been notified.")
