"""Smart groups re-evaluated as RapidPro and mailroom do it: initializing (left out of groups.json),
evaluating (members changing in batches), ready; and contacts.json's group filter."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from temba_client.v2 import TembaClient

from tracpro.simulator import Simulator

from .conftest import ANCHOR, SERVING_FROM, TOKEN


class Clock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(SERVING_FROM)


def _groups(client: TembaClient) -> dict[str, tuple[str, int, str | None]]:
    return {g.name: (g.status, g.count, g.query) for g in client.get_groups().all()}


def test_the_smart_group_is_saved_again_on_the_simulators_clock_and_keeps_its_members(clock):
    with Simulator(tier="demo", seed=7, token=TOKEN, anchor=ANCHOR, clock=clock, reevaluate_every=3600) as sim:
        client = TembaClient(sim.url, TOKEN)
        ready = _groups(client)
        assert ready["Young Reporters"][0::2] == ("ready", "age < 25")
        members = {c.uuid for c in client.get_contacts(group=sim.dataset.smart_group_uuid).all()}
        clock.advance(hours=1, seconds=5)
        assert "Young Reporters" not in _groups(client)  # initializing
        assert {c.uuid for c in client.get_contacts(group="Young Reporters").all()} == members
        clock.advance(minutes=2)
        assert _groups(client)["Young Reporters"] == ("evaluating", ready["Young Reporters"][1], "age <= 24")
        clock.advance(minutes=1)
        assert _groups(client)["Young Reporters"] == ("ready", ready["Young Reporters"][1], "age <= 24")
        assert {name: value for name, value in _groups(client).items() if name != "Young Reporters"} == {
            name: value for name, value in ready.items() if name != "Young Reporters"}

    with Simulator(tier="demo", seed=7, token=TOKEN, anchor=ANCHOR, clock=clock, reevaluate_every=None) as sim:
        clock.advance(days=3)
        assert _groups(TembaClient(sim.url, TOKEN))["Young Reporters"][0] == "ready"


def test_a_group_saved_again_changes_its_members_in_batches_and_bumps_them_unless_told_not_to(clock):
    with Simulator(tier="demo", seed=7, token=TOKEN, anchor=ANCHOR, clock=clock) as sim:
        client = TembaClient(sim.url, TOKEN)
        region = sim.dataset.region_plan[0][0]
        members = [c for c in client.get_contacts(group=region).all()]
        outsiders = [c for c in client.get_contacts().all()
                     if c.status == "active" and region not in {g.uuid for g in c.groups}]
        joining, leaving = [c.uuid for c in outsiders[:250]], [c.uuid for c in members[:10]]
        before = {g.uuid: g.count for g in client.get_groups().all()}[region]
        sim.reevaluate_group(region, join=joining, leave=leaving, initializing=60, evaluating=30)

        clock.advance(seconds=30)
        assert client.get_groups(uuid=region).all() == []
        member = client.get_contacts(uuid=members[0].uuid).first()
        assert region in {g.uuid for g in member.groups}  # contacts still list it

        clock.advance(seconds=45)  # half-way through evaluating: the first of three batches
        (evaluating,) = client.get_groups(uuid=region).all()
        assert (evaluating.status, evaluating.count) == ("evaluating", before + 100)

        clock.advance(seconds=30)
        (ready,) = client.get_groups(uuid=region).all()
        assert (ready.status, ready.count) == ("ready", before + 250 - 10)
        clock.advance(seconds=6)  # past the longest commit delay: the last batch shows in the API (late commits)
        now_members = {c.uuid for c in client.get_contacts(group=region).all()}
        assert now_members == ({c.uuid for c in members} - set(leaving)) | set(joining)
        bumped = client.get_contacts(uuid=joining[0]).first()
        assert bumped.modified_on > outsiders[0].modified_on and bumped.modified_on >= ANCHOR

        smart = sim.dataset.smart_group_uuid
        quiet = [c for c in outsiders[250:] if smart not in {g.uuid for g in c.groups}][:3]
        sim.reevaluate_group(smart, join=[c.uuid for c in quiet], initializing=1, evaluating=1, touch_contacts=False)
        clock.advance(seconds=5)
        for contact in quiet:
            after = client.get_contacts(uuid=contact.uuid).first()
            assert smart in {g.uuid for g in after.groups} and after.modified_on == contact.modified_on


def test_the_group_filter_of_contacts_takes_a_uuid_or_the_exact_name(sim, client):
    smart = sim.dataset.smart_group_uuid
    by_uuid = [c.uuid for c in client.get_contacts(group=smart).all()]
    assert by_uuid and [c.uuid for c in client.get_contacts(group="Young Reporters").all()] == by_uuid
    assert client.get_contacts(group="young reporters").all() == []
    assert client.get_contacts(group="No Such Group").all() == []


def test_the_control_endpoint_saves_a_groups_query(clock):
    with Simulator(tier="demo", seed=7, token=TOKEN, anchor=ANCHOR, clock=clock) as sim:
        headers = {"Authorization": f"Token {TOKEN}"}
        region = sim.dataset.region_plan[0]
        answer = requests.post(f"{sim.url}/_control/groups", headers=headers,
                               json={"group": region[1], "initializing": 600})
        assert answer.status_code == 200, answer.text
        assert region[0] not in {g["uuid"] for g in sim.dataset.groups()}
        refused = requests.post(f"{sim.url}/_control/groups", headers=headers, json={"group": "Nowhere"})
        assert refused.status_code == 400 and "no such group" in refused.json()["detail"]
        refused = requests.post(f"{sim.url}/_control/groups", headers=headers, json={"group": region[0], "x": 1})
        assert refused.status_code == 400
