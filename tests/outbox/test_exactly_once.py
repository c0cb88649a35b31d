"""Each action reaches RapidPro once: a send whose answer was lost (a 504 or a timeout once the
request was sent, a connection closed unanswered) is looked up in RapidPro before it is ever sent
again, and found there by what it sent, however RapidPro lists it and whatever its clock says.

The simulator's clock runs three hours behind TracPro's here: times are compared on RapidPro's
own clock, never across the two.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.clock import TickingClock, ticking_from
from tests.outbox.stored import reloaded, stored_action
from tracpro.db.models import Contact, FlowStart, OutboxStatus
from tracpro.outbox import immediate, pusher
from tracpro.outbox.pusher import push_action, push_pending
from tracpro.rapidpro import RapidPro, RetryPolicy
from tracpro.simulator import Simulator

TOKEN = "once-token"
NOW = f.NOW
LATER = NOW + timedelta(minutes=10)  # the next sync job (cron every 10 minutes)


@pytest.fixture(scope="module")
def rapidpro_clock() -> TickingClock:
    return ticking_from(NOW - timedelta(hours=3))


@pytest.fixture(scope="module")
def simulator(rapidpro_clock):
    # RapidPro as it behaves, late commits included: what it did shows in its API a few seconds on.
    with Simulator(tier="demo", seed=13, token=TOKEN, clock=rapidpro_clock) as simulator:
        yield simulator


@pytest.fixture
def next_job(rapidpro_clock):
    """The next sync job's now: RapidPro's clock moves on as far as TracPro's, past its replica's lag."""

    def move_on() -> datetime:
        rapidpro_clock.advance(LATER - NOW)
        return LATER

    return move_on


@pytest.fixture
def org(db, simulator):
    return f.OrgFactory(rapidpro_host=simulator.url, rapidpro_token=TOKEN)


def _rapidpro(simulator, timeout: float = 120.0) -> RapidPro:
    return RapidPro(simulator.url, TOKEN, RetryPolicy(attempts=2, base_wait=0.01), timeout=timeout)


@pytest.fixture(scope="module")
def live(simulator) -> list[str]:
    """Active contacts with a URN, in the dataset's order; the tests that delete some in RapidPro
    take theirs from 200 on, the others from the start."""
    return [c["uuid"] for c in simulator.dataset.iter_contacts() if c["status"] == "active" and c["urns"]]


def _broadcasts(simulator, text: str) -> list[dict]:
    return [b for b in simulator.broadcasts if text in b["text"].values()]


def test_a_message_whose_answer_was_lost_reaches_its_contacts_once(db, org, simulator, faults, live, next_job):
    text = "The clinic is open on Saturday."
    action = stored_action(db, org, "send_broadcast", text=text, contacts=live[:53])
    faults.update(lost_answer_next=1, lost_answer_status=504)  # a proxy gave up after RapidPro acted
    rapidpro = _rapidpro(simulator)
    first = push_pending(rapidpro, org.id, NOW)
    after_first = reloaded(db, action).status
    too_soon = push_pending(rapidpro, org.id, NOW + timedelta(minutes=1))
    later = push_pending(rapidpro, org.id, next_job())
    push_pending(rapidpro, org.id, LATER + timedelta(days=1))
    (sent,) = _broadcasts(simulator, text)
    assert reloaded(db, action).result == {"broadcast_uuid": sent["uuid"]}
    # Not looked up while RapidPro may still be working on it; found there by the next sync job.
    assert (first.maybe_sent, after_first, too_soon.done, later.done) == (1, OutboxStatus.MAYBE_SENT, 0, 1)
    assert NOW + pusher.SETTLE < LATER


def test_a_poll_start_that_timed_out_after_rapidpro_acted_starts_once(db, org, simulator, faults, live, next_job):
    flow = simulator.dataset.poll_flow_uuids[0]
    pollrun = f.PollRunFactory(poll=f.PollFactory(org=org, flow_uuid=flow))
    contacts = live[:100]
    action = stored_action(
        db, org, "start_flow", flow=flow, contacts=contacts, pollrun_id=pollrun.id, ref="ref-timeout"
    )
    faults.update(lost_answer_next=1, lost_answer_delay_ms=1500)  # answers after the client stopped waiting
    first = push_action(_rapidpro(simulator, timeout=0.3), action.id, NOW)
    why = reloaded(db, action).last_error
    push_pending(_rapidpro(simulator), org.id, next_job())
    (start,) = [s for s in simulator.flow_starts if s["params"].get("tracpro_action") == action.id]
    assert reloaded(db, action).result == {"flow_start_uuid": start["uuid"]}
    recorded = db.scalars(select(FlowStart).where(FlowStart.uuid == start["uuid"])).one()
    assert (recorded.pollrun_id, recorded.contact_count) == (pollrun.id, 100)
    assert first == OutboxStatus.MAYBE_SENT and "did not answer the request in time" in why


def test_a_contact_created_on_a_connection_closed_unanswered_is_found_by_its_urn(db, org, simulator, faults, next_job):
    contact = f.ContactFactory(org=org, uuid="00000000-0000-4000-8000-0000000000aa", rapidpro_status="pending")
    payload = {"name": "Ada", "urns": ["tel:+250788999001"], "groups": [], "fields": {}}
    action = stored_action(db, org, "create_contact", contact_id=contact.id, contact=payload)
    faults.update(lost_answer_next=1, lost_answer_status=0)
    first = push_action(_rapidpro(simulator), action.id, NOW)
    # Sent again, RapidPro would refuse it (its URN is taken, by this very contact) and TracPro drop it.
    push_pending(_rapidpro(simulator), org.id, next_job())
    db.expire_all()
    (created,) = [c for c in simulator.dataset.iter_contacts() if c["urns"] == ["tel:+250788999001"]]
    assert (db.get(Contact, contact.id).uuid, db.get(Contact, contact.id).is_active) == (created["uuid"], True)
    assert (first, reloaded(db, action).status) == (OutboxStatus.MAYBE_SENT, OutboxStatus.DONE)


def test_a_contact_whose_creation_a_sync_read_before_the_lookup_is_one_contact(db, org, simulator, faults, next_job):
    ours = f.ContactFactory(org=org, uuid="00000000-0000-4000-8000-0000000000ab", rapidpro_status="pending")
    payload = {"name": "Bea", "urns": ["tel:+250788999002"], "groups": [], "fields": {}}
    created = stored_action(db, org, "create_contact", contact_id=ours.id, contact=payload)
    faults.update(lost_answer_next=1, lost_answer_status=502)
    push_action(_rapidpro(simulator), created.id, NOW)
    # The next job's sync reads the new contact from RapidPro before its outbox looks the creation up.
    (remote,) = [c for c in simulator.dataset.iter_contacts() if c["urns"] == ["tel:+250788999002"]]
    synced = f.ContactFactory(org=org, uuid=remote["uuid"], name="Bea", urn="tel:+250788999002")
    edited = stored_action(db, org, "update_contact", contact_id=ours.id, uuid=ours.uuid, change={"name": "Béa"})
    ours_id, synced_id = ours.id, synced.id
    push_pending(_rapidpro(simulator), org.id, next_job())
    db.expire_all()
    assert db.get(Contact, ours_id) is None  # the synced row is the contact: TracPro's own gave way
    assert db.scalars(select(Contact.id).where(Contact.urn == "tel:+250788999002")).all() == [synced_id]
    assert reloaded(db, created).status == OutboxStatus.DONE
    assert reloaded(db, created).payload["contact_id"] == synced_id
    assert (reloaded(db, edited).payload["contact_id"], reloaded(db, edited).payload["uuid"]) == (synced_id,
                                                                                                 remote["uuid"])
    assert reloaded(db, edited).status == OutboxStatus.DONE
    (after,) = [c for c in simulator.dataset.iter_contacts() if c["uuid"] == remote["uuid"]]
    assert after["name"] == "Béa"


def test_a_send_refused_before_rapidpro_acted_is_sent_again_once(db, org, simulator, faults, live, next_job):
    text = "Reminder: answer today's poll."
    action = stored_action(db, org, "send_broadcast", text=text, contacts=live[:3])
    faults.update(error_next=1, error_status=502)  # a 502 tells nothing: RapidPro may or may not have acted
    first = push_action(_rapidpro(simulator), action.id, NOW)
    assert _broadcasts(simulator, text) == []
    assert push_pending(_rapidpro(simulator), org.id, next_job()).done == 1  # certainly absent: sent
    assert len(_broadcasts(simulator, text)) == 1
    assert first == OutboxStatus.MAYBE_SENT


def test_a_message_sent_twice_on_purpose_is_two_broadcasts_each_found_once(db, org, simulator, faults, live, next_job):
    text, contacts = "Thank you!", live[:4]
    first = stored_action(db, org, "send_broadcast", text=text, contacts=contacts)
    second = stored_action(db, org, "send_broadcast", text=text, contacts=contacts)
    faults.update(lost_answer_next=1)  # the first reaches RapidPro, its answer lost
    push_action(_rapidpro(simulator), first.id, NOW)
    faults.update(error_next=1, error_status=503)  # the second does not reach it
    push_action(_rapidpro(simulator), second.id, NOW)
    push_pending(_rapidpro(simulator), org.id, next_job())
    assert len(_broadcasts(simulator, text)) == 2
    found = {reloaded(db, first).result["broadcast_uuid"], reloaded(db, second).result["broadcast_uuid"]}
    assert found == {b["uuid"] for b in _broadcasts(simulator, text)} and len(found) == 2


def test_the_apps_immediate_try_leaves_a_timed_out_send_to_be_looked_up(db, org, simulator, faults, live, monkeypatch,
                                                                         next_job):
    text = "Vaccination day moved to Tuesday."
    action = stored_action(db, org, "send_broadcast", text=text, contacts=live[:10])
    monkeypatch.setattr(immediate, "IMMEDIATE_TIMEOUT_SECONDS", 0.3)
    faults.update(lost_answer_next=1, lost_answer_delay_ms=1500)
    tried = immediate.try_now(org.id, [action.id], NOW)
    push_pending(_rapidpro(simulator), org.id, next_job())
    assert len(_broadcasts(simulator, text)) == 1
    assert (tried, reloaded(db, action).status) == ({action.id: OutboxStatus.MAYBE_SENT}, OutboxStatus.DONE)


def test_once_rapidpro_stops_answering_the_other_actions_wait_for_the_next_push(db, org, simulator, faults, live,
                                                                               next_job):
    actions = [stored_action(db, org, "send_broadcast", text=f"Batch {k}", contacts=live[:2]) for k in range(3)]
    faults.update(lost_answer_next=1)
    pushed = push_pending(_rapidpro(simulator), org.id, NOW)
    attempts = [reloaded(db, a).attempts for a in actions]
    push_pending(_rapidpro(simulator), org.id, next_job())
    assert [len(_broadcasts(simulator, f"Batch {k}")) for k in range(3)] == [1, 1, 1]
    assert (pushed.maybe_sent, pushed.waiting, attempts) == (1, 2, [1, 0, 0])
    assert {reloaded(db, a).status for a in actions} == {OutboxStatus.DONE}


def _delete_in_rapidpro(simulator, uuids: list[str]) -> None:
    for uuid in uuids:
        _rapidpro(simulator).delete_contact(uuid)


def test_contacts_deleted_in_rapidpro_are_left_out_of_a_message_and_the_rest_get_it(db, org, simulator, faults, live):
    text, contacts = "Meeting at the health centre.", live[200:300]
    _delete_in_rapidpro(simulator, [contacts[10], contacts[70]])
    f.ContactFactory(org=org, uuid=contacts[10], name="Grace Uwase")  # as TracPro last synced it
    action = stored_action(db, org, "send_broadcast", text=text, contacts=contacts)
    assert push_action(_rapidpro(simulator), action.id, NOW) == OutboxStatus.DONE
    (sent,) = _broadcasts(simulator, text)
    assert {c["uuid"] for c in sent["contacts"]} == set(contacts) - {contacts[10], contacts[70]}
    done = reloaded(db, action)
    assert done.payload["dropped"] == [contacts[10], contacts[70]] and len(done.payload["contacts"]) == 98
    assert done.last_error == ("Sent without 2 contact(s) RapidPro no longer has (deleted there): "
                               f"Grace Uwase, {contacts[70]}")


def test_a_poll_start_leaves_out_a_contact_deleted_in_rapidpro(db, org, simulator, faults, live):
    flow = simulator.dataset.poll_flow_uuids[1]
    pollrun = f.PollRunFactory(poll=f.PollFactory(org=org, flow_uuid=flow))
    contacts = live[300:400]
    _delete_in_rapidpro(simulator, [contacts[0]])
    action = stored_action(
        db, org, "start_flow", flow=flow, contacts=contacts, pollrun_id=pollrun.id, ref="ref-dropped"
    )
    assert push_action(_rapidpro(simulator), action.id, NOW) == OutboxStatus.DONE
    (start,) = [s for s in simulator.flow_starts if s["params"].get("tracpro_ref") == "ref-dropped"]
    assert len(start["contacts"]) == 99
    assert db.scalars(select(FlowStart.contact_count).where(FlowStart.uuid == start["uuid"])).one() == 99
