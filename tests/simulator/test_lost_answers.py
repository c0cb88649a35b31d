"""Writes the server carries out whose answer is lost (a proxy's 504, a closed connection, an answer
later than the client waits), and the refusal of a send naming one contact that is gone."""

from __future__ import annotations

import pytest
import requests
from temba_client.exceptions import TembaBadRequestError, TembaConnectionError, TembaHttpError
from temba_client.v2 import TembaClient

from .conftest import TOKEN


@pytest.fixture
def wclient(wsim) -> TembaClient:
    return TembaClient(wsim.url, TOKEN)


def _live(wsim, count: int) -> list[str]:
    return [c["uuid"] for c in wsim.dataset.iter_contacts() if c["status"] == "active" and c["urns"]][:count]


def test_a_write_whose_answer_is_lost_was_carried_out(wsim, wclient):
    contacts = _live(wsim, 2)
    wsim.faults.update(lost_answer_next=1, lost_answer_status=504)
    with pytest.raises(TembaHttpError):
        wclient.create_broadcast("Answer lost", contacts=contacts)
    assert [b["text"] for b in wsim.broadcasts] == [{"eng": "Answer lost"}]  # sent, though the client heard 504
    wclient.create_broadcast("Answered", contacts=contacts)  # only the next write lost its answer
    assert len(wsim.broadcasts) == 2


def test_a_closed_connection_and_a_late_answer_also_lose_a_done_write(wsim, wclient):
    flow, contacts = wsim.dataset.poll_flow_uuids[0], _live(wsim, 1)
    wsim.faults.update(lost_answer_next=1, lost_answer_status=0)
    with pytest.raises(TembaConnectionError):
        wclient.create_flow_start(flow, contacts=contacts)
    assert len(wsim.flow_starts) == 1
    wsim.faults.update(lost_answer_next=1, lost_answer_status=200, lost_answer_delay_ms=2000)
    with pytest.raises(requests.Timeout):
        requests.post(f"{wsim.url}/api/v2/flow_starts.json", json={"flow": flow, "contacts": contacts},
                      headers={"Authorization": f"Token {TOKEN}"}, timeout=0.2)
    assert len(wsim.flow_starts) == 2


def test_every_nth_write_loses_its_answer_and_reads_never_do(wsim, wclient):
    wsim.faults.update(lost_answer_every=2, lost_answer_status=502)
    outcomes = []
    for k in range(4):
        wclient.get_groups().all()
        try:
            wclient.create_contact(name=f"Lost {k}")
            outcomes.append("answered")
        except TembaHttpError:
            outcomes.append("lost")
    assert outcomes == ["answered", "lost", "answered", "lost"]
    assert {f"Lost {k}" for k in range(4)} <= {c["name"] for c in wsim.dataset.iter_contacts()}


def test_one_deleted_contact_refuses_the_whole_send_naming_only_the_first_missing(wsim, wclient):
    contacts = _live(wsim, 5)
    wclient.delete_contact(contacts[1])
    wclient.delete_contact(contacts[3])
    flow = wsim.dataset.poll_flow_uuids[0]
    for send in (lambda: wclient.create_broadcast("Hello", contacts=contacts),
                 lambda: wclient.create_flow_start(flow, contacts=contacts),
                 lambda: wclient.bulk_block_contacts(contacts)):
        with pytest.raises(TembaBadRequestError) as refused:
            send()
        assert refused.value.errors == {"contacts": [f"No such object: {contacts[1]}"]}
    assert (wsim.broadcasts, wsim.flow_starts) == ([], [])
