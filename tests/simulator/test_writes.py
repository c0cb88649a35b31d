"""Writes through the real client change the dataset as the real server would."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from temba_client.exceptions import TembaBadRequestError, TembaNoSuchObjectError
from temba_client.v2 import TembaClient

from tracpro.simulator.pagination import ApiError

from .conftest import SERVING_FROM, TOKEN


@pytest.fixture
def wclient(wsim) -> TembaClient:
    return TembaClient(wsim.url, TOKEN)


def test_create_update_delete_contact(wsim, wclient):
    group = wsim.dataset.reporter_group_uuids[0]
    before = {g.uuid: g.count for g in wclient.get_groups().all()}[group]
    c = wclient.create_contact(name="Ada Test", language="fra", urns=["tel:+250788000111"],
                               fields={"age": "31.50", "nickname": "ada"}, groups=[group])
    assert c.name == "Ada Test" and c.fields["age"] == "31.5" and c.urns == ["tel:+250788000111"]
    assert {g.uuid: g.count for g in wclient.get_groups().all()}[group] == before + 1
    listed = wclient.get_contacts(after=c.modified_on).all()
    assert c.uuid in [x.uuid for x in listed]

    updated = wclient.update_contact(c.uuid, name="Ada Lovelace")
    assert updated.name == "Ada Lovelace" and updated.language == "fra" and updated.modified_on > c.modified_on
    by_urn = wclient.update_contact("tel:+250788000111", fields={"nickname": ""})
    assert by_urn.uuid == c.uuid and by_urn.fields["nickname"] is None
    created = requests.post(wsim.url + "/api/v2/contacts.json", params={"urn": "tel:+250788000222"},
                            json={"name": "New By Urn"}, headers={"Authorization": f"Token {TOKEN}"})
    assert created.status_code == 201 and created.json()["urns"] == ["tel:+250788000222"]

    wclient.delete_contact(c.uuid)
    assert c.uuid not in [x.uuid for x in wclient.get_contacts().all()]
    gone = [x for x in wclient.get_contacts(deleted=True).all() if x.uuid == c.uuid]
    assert gone and gone[0].name is None and gone[0].modified_on > updated.modified_on
    with pytest.raises(TembaNoSuchObjectError):
        wclient.delete_contact(c.uuid)
    with pytest.raises(TembaBadRequestError) as e:
        wclient.update_contact(c.uuid, name="zombie")
    assert e.value.errors == {"non_field_errors": ["Deleted contacts can't be modified."]}


def test_a_contact_deleted_on_rapidpros_own_pages_meets_no_rate_limit_or_fault(wsim, wclient):
    uuid = next(c["uuid"] for c in wsim.dataset.iter_contacts() if c["status"] == "active")
    wsim.faults.update(error_next=5)
    wsim.delete_contact(uuid)
    wsim.faults.reset()
    assert uuid in {c.uuid for c in wclient.get_contacts(deleted=True).all()}
    with pytest.raises(ApiError):
        wsim.delete_contact(uuid)


def test_writes_are_dated_by_the_simulators_clock(wsim, wclient):
    before = wsim.now()
    c = wclient.create_contact(name="On time", urns=["tel:+250788000333"])
    assert SERVING_FROM <= before <= c.modified_on <= wsim.now() < SERVING_FROM + timedelta(minutes=5)


def test_updating_a_generated_contact_moves_it_to_the_top(wsim, wclient):
    oldest = wclient.get_contacts(reverse=True).first()
    wclient.update_contact(oldest.uuid, fields={"occupation": "nurse"})
    newest = wclient.get_contacts().first()
    assert newest.uuid == oldest.uuid and newest.fields["occupation"] == "nurse"
    assert len(wclient.get_contacts().all()) == wsim.dataset.tier.live_contacts


def test_validation_errors_in_server_format(wsim, wclient):
    taken = next(c for c in wsim.dataset.iter_contacts() if c["urns"] and c["urns"][0].startswith("tel:"))
    cases = [
        ({"urns": ["tel:0788123123"]},
         {"urns": {"0": ["Invalid URN: tel:0788123123. Ensure phone numbers contain country codes."]}}),
        ({"urns": [taken["urns"][0]]}, {"urns": {"0": [f"URN belongs to another contact: {taken['urns'][0]}"]}}),
        ({"language": "english"}, {"language": ["Not a valid ISO639-3 language code."]}),
        ({"groups": ["5f05311e-8f81-4a67-a5b5-1501b6d6496a"]},
         {"groups": ["No such object: 5f05311e-8f81-4a67-a5b5-1501b6d6496a"]}),
        ({"fields": {"hmmm": "1"}}, {"fields": ["Invalid contact field key: hmmm"]}),
    ]
    for payload, errors in cases:
        with pytest.raises(TembaBadRequestError) as e:
            wclient.create_contact(**payload)
        assert e.value.errors == errors
    with pytest.raises(TembaNoSuchObjectError):
        wclient.update_contact("5f05311e-8f81-4a67-a5b5-1501b6d6496a", name="x")


def test_bulk_contact_actions(wsim, wclient):
    group = wsim.dataset.reporter_group_uuids[1]
    contacts = [c for c in wclient.get_contacts().all() if c.status == "active"][:3]
    uuids = [c.uuid for c in contacts]
    wclient.bulk_add_contacts(uuids, group)
    members = {c.uuid for c in wclient.get_contacts(group=group).all()}
    assert set(uuids) <= members
    wclient.bulk_remove_contacts(uuids[:1], group)
    assert uuids[0] not in {c.uuid for c in wclient.get_contacts(group=group).all()}
    wclient.bulk_block_contacts(uuids[1:2])
    blocked = [c for c in wclient.get_contacts().all() if c.uuid == uuids[1]][0]
    assert blocked.status == "blocked" and blocked.groups == []
    with pytest.raises(TembaBadRequestError) as e:
        wclient.bulk_add_contacts(uuids[1:2], group)
    assert "non_field_errors" in e.value.errors
    with pytest.raises(TembaBadRequestError) as e:
        wclient.bulk_add_contacts(uuids, wsim.dataset.smart_group_uuid)
    assert e.value.errors == {"group": ["Contact group must not be query based: Young Reporters"]}
    with pytest.raises(TembaBadRequestError) as e:
        wclient._post("contact_actions", None, {"contacts": uuids, "action": "block", "group": group})
    assert e.value.errors == {"non_field_errors": ['For action "block" you should not specify a group']}
    wclient.bulk_delete_contacts(uuids[2:])
    assert uuids[2] in {c.uuid for c in wclient.get_contacts(deleted=True).all()}


def test_broadcast_is_recorded_with_current_shape(wsim, wclient):
    group = wsim.dataset.reporter_group_uuids[0]
    b = wclient.create_broadcast("Hello reporters", groups=[group])
    assert b.text == {"eng": "Hello reporters"} and [g.uuid for g in b.groups] == [group]
    assert wsim.broadcasts[-1]["uuid"] == b.uuid
    assert b.uuid in [x.uuid for x in wclient.get_broadcasts().all()]
    sent = wclient.get_messages(folder="sent").first()
    assert sent.text == "Hello reporters" and sent.direction == "out"
    with pytest.raises(TembaBadRequestError) as e:
        wclient.create_broadcast("nobody")
    assert e.value.errors == {"non_field_errors": ["Must provide either urns, contacts or groups."]}


def test_flow_start_produces_runs_over_time(wsim, wclock, wclient):
    flow = wsim.dataset.poll_flow_uuids[0]
    group = wsim.dataset.reporter_group_uuids[2]
    start = wclient.create_flow_start(flow, groups=[group], restart_participants=True)
    assert start.status == "pending" and wsim.flow_starts[-1]["uuid"] == start.uuid
    wclock.advance(timedelta(seconds=10))  # 100 simulated minutes at time_scale=600: time to answer
    runs = [r for r in wclient.get_runs(flow=flow, after=start.created_on).all()
            if r.start and r.start.uuid == start.uuid]
    answered = [r for r in runs if r.values]
    assert answered and any(r.exit_type == "completed" for r in runs), "started contacts answer within minutes"
    run = answered[0]
    assert run.created_on <= run.modified_on and all(run.created_on <= p.time <= run.modified_on for p in run.path)
    members = wclient.get_groups(uuid=group).first().count
    assert len(runs) <= members
    assert wclient.get_flow_starts(uuid=start.uuid).first().status in ("pending", "completed")
    with pytest.raises(TembaBadRequestError) as e:
        wclient.create_flow_start(flow)
    assert e.value.errors == {"non_field_errors": ["Must specify at least one group, contact or URN"]}
    with pytest.raises(TembaBadRequestError) as e:
        wclient._post("flow_starts", None, {"groups": [group]})
    assert e.value.errors == {"flow": ["This field is required."]}
