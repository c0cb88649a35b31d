"""A send repeated by mistake (tracpro.outbox.repeats): the same message, or a start of the same poll,
to contacts who all had it minutes ago asks for a second confirmation; and the action lists show
one line per action a person took, not RapidPro's batches of 100."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.actors import acting
from tracpro.actions.messages import reply, send_message
from tracpro.actions.polls import restart_non_respondents, start_poll
from tracpro.auth.scope import Scope
from tracpro.db.models import Audience, Message, OutboxAction, OutboxStatus, PollRun, ResponseStatus
from tracpro.outbox.repeats import REPEAT_WINDOW, RepeatedSend, earlier_send
from tracpro.queries.action_choices import pollrun_actions
from tracpro.queries.outbox import recent_actions

NOW = f.NOW
E, C = ResponseStatus.EMPTY, ResponseStatus.COMPLETE


@pytest.fixture
def world(db):
    org = f.OrgFactory(timezone="Africa/Kigali")  # UTC+2
    north = f.RegionFactory(org=org, name="North")
    south = f.RegionFactory(org=org, name="South")
    poll = f.PollFactory(org=org, flow_uuid="flow-1")
    pollrun = f.PollRunFactory(poll=poll)
    ann = f.UserFactory(name="Ann Admin")
    sam = f.UserFactory(name="Sam Supervisor")
    northerners = [f.ContactFactory(org=org, region=north) for _ in range(100)]
    southerner = f.ContactFactory(org=org, region=south)
    for contact in [*northerners, southerner]:
        f.ResponseFactory(pollrun=pollrun, contact=contact, status=E)
    db.flush()
    return {"org": org, "north": north, "south": south, "poll": poll, "pollrun": pollrun, "ann": ann, "sam": sam,
            "northerners": northerners, "southerner": southerner, "admin": Scope(org.id, None),
            "north_only": Scope(org.id, frozenset({north.id}), north.id)}


def _send(world, who="ann", scope="admin", text="Please answer today", at=NOW, repeat_of=None):
    return send_message(world["db"], acting(world[scope], world[who].id), world["pollrun"].id, Audience.ALL, text,
                        at, repeat_of)


@pytest.fixture(autouse=True)
def _db_in_world(db, world):
    world["db"] = db


def _stored(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_the_same_message_to_the_same_101_people_within_minutes_asks_again_naming_when_and_by_whom(db, world):
    message, actions = _send(world)
    assert [len(action.payload["contacts"]) for action in actions] == [100, 1]
    assert len({action.payload["request"] for action in actions}) == 1  # one request, two batches
    with pytest.raises(RepeatedSend) as repeated:
        _send(world, at=NOW + timedelta(minutes=3))
    earlier = repeated.value.earlier
    assert (earlier.by, earlier.contacts, earlier.waiting) == ("Ann Admin", 101, True)
    assert earlier.at == NOW and earlier.at.utcoffset() == timedelta(hours=2)  # in the org's timezone
    assert earlier.request == actions[0].payload["request"]
    assert (_stored(db, Message), _stored(db, OutboxAction)) == (1, 2)  # nothing stored
    # Confirmed for that earlier send, it goes; a third send names the second.
    _second, again = _send(world, at=NOW + timedelta(minutes=3), repeat_of=earlier.request)
    assert _stored(db, Message) == 2
    with pytest.raises(RepeatedSend) as third:
        _send(world, at=NOW + timedelta(minutes=4), repeat_of=earlier.request)
    assert third.value.earlier.request == again[0].payload["request"]


def test_a_settled_send_counts_for_ten_minutes_one_still_waiting_for_rapidpro_for_as_long_as_it_waits(db, world):
    _message, actions = _send(world)
    later = NOW + REPEAT_WINDOW + timedelta(seconds=1)
    scope = world["admin"]
    uuids = [c.uuid for c in [*world["northerners"], world["southerner"]]]
    assert earlier_send(db, scope, "send_broadcast", "Please answer today", uuids, later).waiting
    for action in actions:
        action.status = OutboxStatus.DONE
    db.flush()
    assert earlier_send(db, scope, "send_broadcast", "Please answer today", uuids, NOW + REPEAT_WINDOW) is not None
    assert earlier_send(db, scope, "send_broadcast", "Please answer today", uuids, later) is None
    _send(world, at=later)  # a reminder, meant


def test_only_the_same_text_to_contacts_who_all_had_it_is_a_repeat_and_a_refused_send_is_none(db, world):
    _message, actions = _send(world, scope="north_only", who="sam")  # North's 100 contacts only
    _send(world, text="Please answer today!", at=NOW + timedelta(minutes=1))  # other words
    # The same words (once trimmed) to the admin's 101: no repeat, Sam's did not reach the southerner.
    _send(world, at=NOW + timedelta(minutes=2), text="Please answer today ")
    assert _stored(db, Message) == 3
    # The admin's send reached North's contacts too: Sam's again is a repeat of the admin's, the newest.
    with pytest.raises(RepeatedSend) as repeated:
        _send(world, scope="north_only", who="sam", at=NOW + timedelta(minutes=3))
    assert (repeated.value.earlier.by, repeated.value.earlier.contacts) == ("Ann Admin", 100)
    # A send RapidPro refused reached no one: it is no reason to ask.
    db.execute(OutboxAction.__table__.update().values(status=OutboxStatus.FAILED))
    _send(world, scope="north_only", who="sam", at=NOW + timedelta(minutes=3))


def test_another_orgs_send_of_the_same_text_to_the_same_uuids_is_not_a_repeat(db, world):
    other = f.OrgFactory()
    f.OutboxActionFactory(org=other, kind="send_broadcast", created_at=NOW, payload={
        "text": "Please answer today", "contacts": [c.uuid for c in world["northerners"]], "request": "r"})
    db.flush()
    assert earlier_send(db, world["admin"], "send_broadcast", "Please answer today",
                        [c.uuid for c in world["northerners"]], NOW) is None
    _send(world)


def test_the_same_reply_again_within_minutes_is_a_repeat(db, world):
    contact = world["southerner"]
    reply(db, acting(world["admin"], world["ann"].id), contact.id, "We will visit", NOW)
    with pytest.raises(RepeatedSend):
        reply(db, acting(world["admin"], world["ann"].id), contact.id, "We will visit", NOW + timedelta(minutes=1))


def test_starting_a_poll_again_or_restarting_it_minutes_later_asks_again(db, world):
    admin = acting(world["admin"], world["ann"].id)
    args = (world["poll"].id, world["north"].id, False)
    pollrun, starts = start_poll(db, admin, *args, NOW)
    with pytest.raises(RepeatedSend) as repeated:
        start_poll(db, admin, *args, NOW + timedelta(minutes=2))
    assert (repeated.value.earlier.contacts, repeated.value.earlier.by) == (100, "Ann Admin")
    assert _stored(db, PollRun) == 2  # the world's own and the first start: the repeat stored none
    # Restarting the new date's non-respondents two minutes after it started repeats the start.
    for contact in world["northerners"]:
        f.ResponseFactory(pollrun=pollrun, contact=contact, status=E)
    db.flush()
    with pytest.raises(RepeatedSend):
        restart_non_respondents(db, admin, pollrun.id, NOW + timedelta(minutes=2))
    restarted = restart_non_respondents(db, admin, pollrun.id, NOW + timedelta(minutes=2),
                                        repeat_of=starts[0].payload["request"])
    assert sum(len(action.payload["contacts"]) for action in restarted) == 100
    # Another poll's flow to the same contacts is no repeat.
    other = f.PollFactory(org=world["org"], flow_uuid="flow-2")
    db.flush()
    start_poll(db, admin, other.id, world["north"].id, False, NOW + timedelta(minutes=2))


def test_the_action_lists_show_one_line_per_action_with_its_total_recipients(db, world):
    message, actions = _send(world)
    actions[1].status, actions[1].last_error = OutboxStatus.FAILED, "No such contact"
    actions[0].status = OutboxStatus.DONE
    start_poll(db, acting(world["admin"], world["ann"].id), world["poll"].id, world["north"].id, False,
               NOW + timedelta(minutes=1))
    # Stored before actions carried a request: a message's batches still make one line.
    legacy = f.MessageFactory(org=world["org"], pollrun_id=world["pollrun"].id)
    db.flush()
    for batch in (["a"] * 100, ["b"] * 20):
        f.OutboxActionFactory(org=world["org"], kind="send_broadcast", created_by_id=world["sam"].id,
                              payload={"text": "Old", "contacts": batch, "message_id": legacy.id})
    db.flush()
    log = recent_actions(db, world["admin"], user_id=world["ann"].id)
    assert log["Action"].tolist() == ["Send a message to 120 contacts", "Start the poll for 100 contacts",
                                      "Send a message to 101 contacts"]
    assert log["Status"].tolist()[1:] == ["Waiting for RapidPro", "Refused by RapidPro"]
    assert log["RapidPro said"].tolist()[2] == "No such contact"
    assert log["Asked by"].tolist() == ["Sam Supervisor", "Ann Admin", "Ann Admin"]
    on_date = pollrun_actions(db, world["admin"], pollrun_id=world["pollrun"].id, user_id=world["ann"].id)
    assert on_date["contacts"].tolist() == [120, 101]
    # A supervisor's list holds their own actions only.
    mine = recent_actions(db, world["north_only"], user_id=world["sam"].id)
    assert mine["Action"].tolist() == ["Send a message to 120 contacts"]
