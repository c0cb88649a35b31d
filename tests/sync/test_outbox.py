"""Actions stored first, then pushed to RapidPro (the simulator, over HTTP): accepted, rejected,
RapidPro down, a push cut off mid-send, and the runs a TracPro flow start produces."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.clock import TickingClock, ticking_from
from tests.outbox.stored import reloaded, stored_action
from tracpro.db.models import Contact, FlowStart, OutboxStatus, PollRun, PollRunType, Response
from tracpro.outbox.pusher import SENDING_LEASE, push_action, push_pending
from tracpro.rapidpro import RapidPro, RetryPolicy
from tracpro.simulator import Simulator
from tracpro.sync.engine import SyncContext
from tracpro.sync.flows import sync_flows
from tracpro.sync.progress import Progress
from tracpro.sync.runs import sync_runs

TOKEN = "outbox-token"
NOW = f.NOW


@pytest.fixture(scope="module")
def clock() -> TickingClock:
    """RapidPro's clock (the simulator's), from the instant the tests take as now."""
    return ticking_from(NOW)


@pytest.fixture(scope="module")
def simulator(clock):
    # An hour of simulated time a second: started contacts answer within a second of its clock.
    with Simulator(tier="demo", seed=11, token=TOKEN, time_scale=3600, response_rate=1.0, clock=clock) as simulator:
        yield simulator


@pytest.fixture
def rapidpro(simulator):
    return RapidPro(simulator.url, TOKEN, RetryPolicy(attempts=2, base_wait=0.01))


@pytest.fixture
def world(db, simulator):
    """An org on the simulator with one poll, a regional pollrun, and three of its active contacts."""
    org = f.OrgFactory(rapidpro_host=simulator.url, rapidpro_token=TOKEN, timezone="Africa/Kigali")
    flow = simulator.dataset.poll_flow_uuids[0]
    poll = f.PollFactory(org=org, flow_uuid=flow, is_active=True)
    region = f.RegionFactory(org=org)
    pollrun = f.PollRunFactory(poll=poll, pollrun_type=PollRunType.REGIONAL, region=region,
                               conducted_on=NOW, conducted_date=NOW.date())
    contacts = [c for c in simulator.dataset.iter_contacts() if c["status"] == "active" and c["urns"]][:3]
    for contact in contacts:
        f.ContactFactory(org=org, uuid=contact["uuid"], region=region)
    db.flush()
    return org, poll, pollrun, [contact["uuid"] for contact in contacts]


def _starts_of(simulator, action_id: int) -> list[dict]:
    return [start for start in simulator.flow_starts if (start.get("params") or {}).get("tracpro_action") == action_id]


def test_an_accepted_flow_start_is_done_and_recorded_for_its_pollrun(db, world, simulator, rapidpro):
    org, poll, pollrun, contacts = world
    action = stored_action(db, org, "start_flow", flow=poll.flow_uuid, contacts=contacts, pollrun_id=pollrun.id)
    pushed = push_pending(rapidpro, org.id, NOW)
    assert (pushed.done, pushed.failed, pushed.pending) == (1, 0, 0)
    action = reloaded(db, action)
    assert action.status == OutboxStatus.DONE and action.completed_at is not None
    (start,) = _starts_of(simulator, action.id)
    assert action.result == {"flow_start_uuid": start["uuid"]}
    assert sorted(contact["uuid"] for contact in start["contacts"]) == sorted(contacts)
    recorded = db.scalars(select(FlowStart).where(FlowStart.uuid == start["uuid"])).one()
    assert (recorded.pollrun_id, recorded.contact_count) == (pollrun.id, 3)
    assert push_pending(rapidpro, org.id, NOW).done == 0  # done stays done: nothing is sent twice
    assert len(_starts_of(simulator, action.id)) == 1


def test_a_broadcast_reaches_rapidpro(db, world, simulator, rapidpro):
    org, _, _, contacts = world
    action = stored_action(db, org, "send_broadcast", text="Thank you for answering", contacts=contacts[:2])
    assert push_action(rapidpro, action.id, NOW) == OutboxStatus.DONE
    sent = [b for b in simulator.broadcasts if b["uuid"] == reloaded(db, action).result["broadcast_uuid"]]
    assert len(sent) == 1
    assert "Thank you for answering" in sent[0]["text"].values()


def test_a_rejected_action_fails_with_rapidpros_reason_and_is_not_retried(db, world, simulator, rapidpro):
    org, _, pollrun, contacts = world
    action = stored_action(db, org, "start_flow", flow="00000000-0000-4000-8000-000000000000", contacts=contacts,
                     pollrun_id=pollrun.id)
    assert push_action(rapidpro, action.id, NOW) == OutboxStatus.FAILED
    action = reloaded(db, action)
    assert action.status == OutboxStatus.FAILED
    assert (
        action.last_error == "RapidPro rejected the request: flow: No such object: 00000000-0000-4000-8000-000000000000"
    )
    assert push_pending(rapidpro, org.id, NOW + timedelta(days=1)).failed == 0  # never tried again


def test_with_rapidpro_down_the_action_waits_and_the_next_sync_sends_it_once(db, world, simulator, rapidpro):
    org, poll, pollrun, contacts = world
    action = stored_action(db, org, "start_flow", flow=poll.flow_uuid, contacts=contacts, pollrun_id=pollrun.id)
    down = RapidPro("http://127.0.0.1:9", TOKEN, RetryPolicy(attempts=2, base_wait=0.01))
    assert push_action(down, action.id, NOW) == OutboxStatus.PENDING
    waiting = reloaded(db, action)
    assert (waiting.attempts, waiting.next_attempt_at) == (1, NOW + timedelta(minutes=1))
    assert "could not be reached" in waiting.last_error
    assert push_pending(rapidpro, org.id, NOW + timedelta(seconds=30)).done == 0  # not yet due
    assert push_pending(rapidpro, org.id, NOW + timedelta(minutes=2)).done == 1
    assert reloaded(db, action).status == OutboxStatus.DONE
    assert len(_starts_of(simulator, action.id)) == 1


def test_a_push_cut_off_after_rapidpro_acted_is_found_again_not_sent_twice(db, world, simulator, clock, rapidpro):
    org, poll, pollrun, contacts = world
    action = stored_action(db, org, "start_flow", flow=poll.flow_uuid, contacts=contacts, pollrun_id=pollrun.id)
    # The start reached RapidPro, then the pusher died before writing "done".
    start = rapidpro.start_flow(poll.flow_uuid, contacts, params={"tracpro_action": action.id})
    action.status, action.attempts, action.updated_at = OutboxStatus.SENDING, 1, NOW - SENDING_LEASE - timedelta(1)
    db.flush()
    # The action is looked up once its lease is over: by then RapidPro's replica, which its API
    # reads, has the start (right after the POST it may not yet: late commits).
    clock.advance(SENDING_LEASE)
    assert push_pending(rapidpro, org.id, NOW).done == 1
    assert reloaded(db, action).result == {"flow_start_uuid": start.uuid}
    assert len(_starts_of(simulator, action.id)) == 1


def test_runs_of_tracpro_flow_starts_land_in_their_pollrun(db, world, simulator, clock, rapidpro):
    org, poll, pollrun, contacts = world
    action = stored_action(db, org, "start_flow", flow=poll.flow_uuid, contacts=contacts, pollrun_id=pollrun.id)
    # The runs appear over RapidPro's time, so TracPro's side follows the simulator's clock here.
    started = simulator.now()
    push_action(rapidpro, action.id, started)
    context = SyncContext(org.id, org.slug, ZoneInfo(org.timezone), org.sameday_mode, rapidpro,
                          simulator.now(), Progress(bars=False))
    sync_flows(context)
    clock.advance(timedelta(minutes=1))  # an hour of simulated time: the contacts have answered
    context.now = simulator.now()
    sync_runs(context, after=started - timedelta(seconds=1))
    answered = db.scalars(select(Response).where(Response.pollrun_id == pollrun.id)).all()
    started_contacts = set(db.scalars(select(Contact.id).where(Contact.uuid.in_(contacts))))
    assert {response.contact_id for response in answered} == started_contacts
    assert all(response.status != "empty" for response in answered)
    assert db.get(PollRun, pollrun.id).pollrun_type == PollRunType.REGIONAL  # not the universal one
