"""Filters and orderings behave as RapidPro's API documentation and its server code say."""

from __future__ import annotations

import datetime as dt

import iso8601
import pytest
from temba_client.exceptions import TembaBadRequestError, TembaSerializationException

from .conftest import raw_walk


def _all(query) -> list:
    return query.all()


def _at(text: str) -> dt.datetime:
    return iso8601.parse_date(text)


def test_contacts_after_before_are_inclusive(sim, client, http):
    contacts = list(sim.dataset.iter_contacts())
    pivot = contacts[len(contacts) // 2]
    when = _at(pivot["modified_on"])
    after = [c.uuid for c in _all(client.get_contacts(after=when))]
    before = [c.uuid for c in _all(client.get_contacts(before=when))]
    assert pivot["uuid"] in after and pivot["uuid"] in before
    assert len(after) + len(before) == len(contacts) + 1
    assert all(c.modified_on >= when for c in client.get_contacts(after=when).all())


def test_contacts_reverse_group_and_deleted(sim, client):
    forward = [c.uuid for c in _all(client.get_contacts())]
    backward = [c.uuid for c in _all(client.get_contacts(reverse=True))]
    assert backward == forward[::-1]
    group = sim.dataset.reporter_group_uuids[0]
    members = _all(client.get_contacts(group=group))
    assert members and all(group in [g.uuid for g in c.groups] for c in members)
    counts = {g.uuid: g.count for g in client.get_groups().all()}
    assert counts[group] == len(members)
    assert _all(client.get_contacts(group="No Such Group")) == []
    deleted = _all(client.get_contacts(deleted=True))
    assert len(deleted) == sim.dataset.tier.deleted_contacts
    assert all(c.name is None and c.groups == [] and c.status is None for c in deleted)
    assert not {c.uuid for c in deleted} & set(forward)


def test_unparseable_dates_give_an_empty_list(sim, http):
    for endpoint in ("contacts", "runs", "messages"):
        r = http.get(f"{sim.url}/api/v2/{endpoint}.json", params={"after": "not-a-date"})
        assert r.status_code == 200 and r.json()["results"] == []


def test_bad_uuids_are_400(sim, http):
    r = http.get(sim.url + "/api/v2/runs.json", params={"flow": "x"})
    assert r.status_code == 400 and r.json() == {"detail": "Param 'flow': x is not a valid UUID."}
    r = http.get(sim.url + "/api/v2/contacts.json", params={"uuid": "nope"})
    assert r.status_code == 400


def test_runs_filters(sim, client, all_runs):
    flow = sim.dataset.poll_flow_uuids[1]
    mine = [r for r in all_runs if r["flow"]["uuid"] == flow]
    pivot = mine[len(mine) // 3]
    when = _at(pivot["modified_on"])
    after = client.get_runs(flow=flow, after=when, reverse=True).all()
    before = client.get_runs(flow=flow, before=when).all()
    assert after[0].uuid == pivot["uuid"] or pivot["uuid"] in [r.uuid for r in after]
    assert pivot["uuid"] in [r.uuid for r in before]
    assert len(after) + len(before) == len(mine) + 1
    assert [r.modified_on for r in after] == sorted(r.modified_on for r in after)
    responded = client.get_runs(flow=flow, responded=True).all()
    assert len(responded) == sum(r["responded"] for r in mine) and all(r.responded for r in responded)
    assert len(client.get_runs(flow=flow, responded=False).all()) == len(mine)  # responded=0: no filter
    assert client.get_runs(flow="5f05311e-8f81-4a67-a5b5-1501b6d6496a").all() == []
    one = client.get_runs(uuid=pivot["uuid"]).all()
    assert [r.uuid for r in one] == [pivot["uuid"]]


def test_runs_paths_false_breaks_the_client_as_documented(sim, client, http):
    with pytest.raises(TembaSerializationException):
        client.get_runs(paths=False).first()
    body = http.get(sim.url + "/api/v2/runs.json", params={"paths": "0"}).json()
    assert all(r["path"] is None for r in body["results"])


def test_runs_from_history_flow_starts_carry_start(sim, all_runs):
    starts = {s["uuid"] for s in sim.dataset.flow_starts()}
    with_start = [r for r in all_runs if r["start"] is not None]
    assert with_start and {r["start"]["uuid"] for r in with_start} <= starts
    assert any(r["start"] is None for r in all_runs)


def test_message_folders(sim, client, http):
    inbox = client.get_messages(folder="inbox").all()
    flows = client.get_messages(folder="flows").all()
    sent = client.get_messages(folder="sent").all()
    assert inbox and all(m.direction == "in" and m.flow is None for m in inbox)
    assert flows and all(m.direction == "in" and m.flow is not None for m in flows)
    assert sent and all(m.direction == "out" and m.sent_on is not None for m in sent)
    assert [m.sent_on for m in sent] == sorted((m.sent_on for m in sent), reverse=True)
    for folder in ("incoming", "bogus"):
        assert client.get_messages(folder=folder).all() == []
    newest = max(m.created_on for m in inbox)
    week = client.get_messages(folder="inbox", after=newest - dt.timedelta(days=7)).all()
    assert 0 < len(week) < len(inbox)  # inbox spans ~14 days: "last 7 days" is a real filter
    everything = raw_walk(http, sim.url + "/api/v2/messages.json")
    assert len(everything) == len(inbox) + len(flows) + len(sent)


def test_definitions(sim, client, http):
    flows = sim.dataset.poll_flow_uuids[:2]
    export = client.get_definitions(flows=flows, dependencies="none")
    assert export.version == "13" and [f["uuid"] for f in export.flows] == flows
    with pytest.raises(TembaBadRequestError):
        client.get_definitions(flows=flows, dependencies=False)
    r = http.get(sim.url + "/api/v2/definitions.json", params={"flow": flows, "dependencies": "bad"})
    assert r.status_code == 400 and r.json() == {"detail": "dependencies must be one of none, flows, all"}


def test_flows_results_agree_with_definitions(sim, client):
    flows = client.get_flows().all()
    export = client.get_definitions(flows=[f.uuid for f in flows], dependencies="none")
    defs = {d["uuid"]: d for d in export.flows}
    for f in flows:
        nodes = {n["uuid"]: n for n in defs[f.uuid]["nodes"]}
        for res in f.results:
            router = nodes[res.node_uuids[0]]["router"]
            assert router["result_name"] == res.name
            assert [c["name"] for c in router["categories"]] == res.categories
    assert [f.created_on for f in flows] == sorted((f.created_on for f in flows), reverse=True)


def test_groups_and_boundaries_order(sim, client):
    boundaries = client.get_boundaries(geometry=True).all()
    assert [b.osm_id for b in boundaries] == sorted(b.osm_id for b in boundaries)
    groups = client.get_groups().all()
    names = {g.name for g in groups}
    assert {"Opt-Outs", "Young Reporters", "Open Tickets"} <= names
    assert [g for g in groups if g.name == "Open Tickets"][0].system is True
    assert [g for g in groups if g.name == "Young Reporters"][0].query
    assert client.get_groups(name="opt-outs").first().name == "Opt-Outs"
