"""Starting polls, restarting non-respondents and messaging: what is stored for RapidPro (flow starts
and broadcasts of at most 100 contacts, each recipient once), and what RapidPro (the simulator)
makes of it. See docs/behaviour.md, Starting polls and messaging."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.actors import acting, admin
from tracpro.actions.messages import recipients, reply, send_message
from tracpro.actions.polls import ActionRefused, restart_non_respondents, start_poll
from tracpro.auth.actor import NotAllowed
from tracpro.auth.scope import Scope
from tracpro.db.models import (
    Audience,
    Message,
    MessageStatus,
    OutboxAction,
    OutboxStatus,
    PollRunType,
    ResponseStatus,
)
from tracpro.outbox.pusher import push_pending
from tracpro.rapidpro import RapidPro, RetryPolicy
from tracpro.simulator import Simulator

E, P, C = ResponseStatus.EMPTY, ResponseStatus.PARTIAL, ResponseStatus.COMPLETE


@pytest.fixture
def world(db):
    org = f.OrgFactory()
    north = f.RegionFactory(org=org, name="North")
    gicumbi = f.RegionFactory(org=org, name="Gicumbi", parent=north)
    south = f.RegionFactory(org=org, name="South")
    poll = f.PollFactory(org=org, flow_uuid="flow-1")
    user = f.UserFactory()
    contacts = {
        "north": [f.ContactFactory(org=org, region=north) for _ in range(150)],
        "gicumbi": [f.ContactFactory(org=org, region=gicumbi) for _ in range(3)],
        "south": [f.ContactFactory(org=org, region=south)],
        "inactive": [f.ContactFactory(org=org, region=north, is_active=False)],
    }
    db.flush()
    return {"org": org, "north": north, "gicumbi": gicumbi, "south": south, "poll": poll, "user": user,
            "contacts": contacts, "admin": Scope(org.id, None)}


def test_a_regional_start_sends_the_regions_contacts_in_batches_of_100(db, world):
    pollrun, actions = start_poll(db, acting(world["admin"], world["user"].id), world["poll"].id, world["north"].id,
                                  propagate=False, now=datetime(2026, 11, 2, 22, tzinfo=UTC))
    assert (pollrun.pollrun_type, pollrun.region_id, pollrun.started_by_id) == (
        PollRunType.REGIONAL, world["north"].id, world["user"].id)
    assert [len(action.payload["contacts"]) for action in actions] == [100, 50]
    assert {uuid for action in actions for uuid in action.payload["contacts"]} == {
        c.uuid for c in world["contacts"]["north"]}  # not Gicumbi's, not the inactive one
    assert all(a.kind == "start_flow" and a.payload["flow"] == "flow-1" and a.payload["pollrun_id"] == pollrun.id
               for a in actions)


def test_one_contact_is_one_flow_start_and_propagating_reaches_sub_regions(db, world):
    _, actions = start_poll(db, acting(world["admin"], world["user"].id), world["poll"].id, world["gicumbi"].id,
                            propagate=False, now=f.NOW)
    assert [len(a.payload["contacts"]) for a in actions] == [3]
    pollrun, actions = start_poll(db, acting(world["admin"], world["user"].id), world["poll"].id, world["north"].id,
                                  propagate=True, now=f.NOW)
    assert pollrun.pollrun_type == PollRunType.PROPAGATED
    assert sum(len(a.payload["contacts"]) for a in actions) == 153


def test_a_supervisor_cannot_start_a_poll_outside_their_regions(db, world):
    south = acting(Scope(world["org"].id, frozenset({world["south"].id}), world["south"].id), world["user"].id)
    with pytest.raises(NotAllowed, match="one of your regions"):
        start_poll(db, south, world["poll"].id, world["north"].id, propagate=True, now=f.NOW)
    with pytest.raises(NotAllowed, match="polls"):
        start_poll(db, south, f.PollFactory().id, world["south"].id, propagate=False, now=f.NOW)


def _respond(pollrun, statuses):
    for contact, status in statuses:
        f.ResponseFactory(pollrun=pollrun, contact=contact, status=status)


def test_restarting_non_respondents_restarts_empty_and_partial_responses(db, world):
    pollrun = f.PollRunFactory(poll=world["poll"])
    north = world["contacts"]["north"]
    _respond(pollrun, [(north[0], E), (north[1], P), (north[2], C), (world["contacts"]["south"][0], E)])
    db.flush()
    supervisor = Scope(world["org"].id, frozenset({world["north"].id, world["gicumbi"].id}), world["north"].id)
    (action,) = restart_non_respondents(db, acting(supervisor, world["user"].id), pollrun.id, f.NOW)
    assert sorted(action.payload["contacts"]) == sorted([north[0].uuid, north[1].uuid])  # not South's


def test_a_supervisor_reaches_no_one_through_another_regions_poll_date(db, world):
    """Not even a contact of their own region who answered it (one who moved since): the poll date
    must be one their scope shows, as the read models require to open it."""
    souths = f.PollRunFactory(poll=world["poll"], region=world["south"], pollrun_type=PollRunType.REGIONAL)
    moved = world["contacts"]["north"][0]
    _respond(souths, [(moved, E)])
    db.flush()
    north = Scope(world["org"].id, frozenset({world["north"].id, world["gicumbi"].id}), world["north"].id)
    with pytest.raises(NotAllowed, match="may not see it"):
        recipients(db, north, souths.id, Audience.ALL)
    with pytest.raises(NotAllowed, match="may not see it"):
        send_message(db, acting(north, world["user"].id), souths.id, Audience.ALL, "Hello", f.NOW)
    with pytest.raises(NotAllowed, match="may not see it"):
        restart_non_respondents(db, acting(north, world["user"].id), souths.id, f.NOW)
    assert db.scalars(select(Message)).all() == [] and db.scalars(select(OutboxAction)).all() == []
    # With every region in view, the same poll date is open to act on.
    assert recipients(db, world["admin"], souths.id, Audience.ALL) == [moved]


def test_message_recipients_are_distinct_and_fit_the_audience(db, world):
    pollrun = f.PollRunFactory(poll=world["poll"])
    north = world["contacts"]["north"]
    _respond(pollrun, [(north[0], E), (north[1], P), (north[2], C)])
    f.ResponseFactory(pollrun=pollrun, contact=north[2], status=E, is_active=False)  # superseded
    db.flush()
    counts = {audience: len(recipients(db, world["admin"], pollrun.id, audience))
              for audience in (Audience.ALL, Audience.RESPONDENTS, Audience.NON_RESPONDENTS)}
    assert counts == {Audience.ALL: 3, Audience.RESPONDENTS: 1, Audience.NON_RESPONDENTS: 2}
    with pytest.raises(ActionRefused, match="Please enter some message text"):
        send_message(db, acting(world["admin"], world["user"].id), pollrun.id, Audience.ALL, "  ", f.NOW)
    with pytest.raises(ActionRefused, match="at most 640"):
        send_message(db, acting(world["admin"], world["user"].id), pollrun.id, Audience.ALL, "x" * 641, f.NOW)
    assert db.scalars(select(Message)).all() == []  # bad input stores nothing


@pytest.fixture(scope="module")
def simulator():
    with Simulator(tier="demo", seed=5, token="messages-token") as simulator:
        yield simulator


@pytest.mark.parametrize("count, calls", [(2, 1), (102, 2)])
def test_messages_go_out_in_broadcasts_of_100_and_are_then_sent(db, simulator, count, calls):
    org = f.OrgFactory()
    region = f.RegionFactory(org=org)
    pollrun = f.PollRunFactory(poll=f.PollFactory(org=org))
    live = [c["uuid"] for c in simulator.dataset.iter_contacts() if c["status"] == "active"][:count]
    for uuid in live:
        f.ResponseFactory(pollrun=pollrun, contact=f.ContactFactory(org=org, uuid=uuid, region=region), status=C)
    db.flush()
    before = len(simulator.broadcasts)
    message, actions = send_message(db, admin(org.id), pollrun.id, Audience.RESPONDENTS, "Thank you!", f.NOW)
    assert len(actions) == calls and message.status == MessageStatus.PENDING
    pushed = push_pending(RapidPro(simulator.url, "messages-token"), org.id, f.NOW)
    assert pushed.done == calls and len(simulator.broadcasts) - before == calls
    db.expire_all()
    assert db.get(Message, message.id).status == MessageStatus.SENT


def test_a_rejected_broadcast_fails_the_message_with_rapidpros_reason(db, simulator):
    org = f.OrgFactory()
    pollrun = f.PollRunFactory(poll=f.PollFactory(org=org))
    ghost = f.ContactFactory(org=org, region=f.RegionFactory(org=org), uuid="00000000-0000-4000-8000-00000000dead")
    f.ResponseFactory(pollrun=pollrun, contact=ghost, status=C)
    db.flush()
    message, (action,) = send_message(db, admin(org.id), pollrun.id, Audience.ALL, "Hello", f.NOW)
    push_pending(RapidPro(simulator.url, "messages-token", RetryPolicy(attempts=1)), org.id, f.NOW)
    db.expire_all()
    assert db.get(Message, message.id).status == MessageStatus.FAILED
    failed = db.get(type(action), action.id)
    assert failed.status == OutboxStatus.FAILED and "None of these contacts is in RapidPro" in failed.last_error
    assert failed.payload["dropped"] == [ghost.uuid]


def test_a_reply_goes_to_one_contact_in_view(db, world):
    contact = world["contacts"]["gicumbi"][0]
    message, (action,) = reply(db, acting(world["admin"], world["user"].id), contact.id, "We will visit on Monday.",
                               f.NOW)
    assert (message.audience, action.payload["contacts"]) == (Audience.CONTACT, [contact.uuid])
    south = Scope(world["org"].id, frozenset({world["south"].id}), world["south"].id)
    with pytest.raises(NotAllowed, match="does not exist"):
        reply(db, acting(south, world["user"].id), contact.id, "Hello", f.NOW)
