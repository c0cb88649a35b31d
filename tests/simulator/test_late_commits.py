"""Late commits: what RapidPro has stamped shows in its API only once the commit reaches the replica.

Each simulator here runs on a clock the test sets, so "before", "after" and "once the longest
delay has passed" are instants, never waits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from temba_client.v2 import TembaClient

from tests.clock import SetClock
from tracpro.simulator import Simulator
from tracpro.simulator.timefmt import from_us

from .conftest import ANCHOR, SERVING_FROM, TOKEN

LONGEST = timedelta(seconds=5)  # the simulator's default longest commit delay


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize("commit_delay, hidden", [(5.0, True), (0, False)])
def test_the_newest_generated_contact_is_invisible_until_its_commit_shows(commit_delay, hidden):
    clock = SetClock(ANCHOR - timedelta(days=1))  # set forward below: RapidPro's clock never goes back
    with Simulator(tier="demo", seed=7, token=TOKEN, anchor=ANCHOR, clock=clock, commit_delay=commit_delay) as sim:
        client = TembaClient(sim.url, TOKEN)
        newest = next(sim.dataset.iter_contacts())  # ground truth: what RapidPro holds, newest first
        stamped = _parse(newest["modified_on"])
        clock.at = stamped + timedelta(milliseconds=1)  # the query comes a millisecond after its stamp

        listed = [c.uuid for c in client.get_contacts(after=stamped - timedelta(minutes=1)).all()]
        assert (newest["uuid"] not in listed) is hidden
        assert newest["uuid"] == next(sim.dataset.iter_contacts())["uuid"]  # the truth has it all along

        clock.at = stamped + LONGEST
        assert newest["uuid"] in [c.uuid for c in client.get_contacts(after=stamped - timedelta(minutes=1)).all()]


def test_a_contact_updated_before_a_query_shows_as_it_was_until_its_commit_shows():
    clock = SetClock(SERVING_FROM)
    with Simulator(tier="demo", seed=11, token=TOKEN, anchor=ANCHOR, clock=clock) as sim:
        client = TembaClient(sim.url, TOKEN)
        oldest = client.get_contacts(reverse=True).first()
        updated = client.update_contact(oldest.uuid, name="Late Commit")
        clock.at = updated.modified_on + timedelta(milliseconds=1)  # the queries come a millisecond later

        since = updated.modified_on - timedelta(seconds=1)
        assert oldest.uuid not in [c.uuid for c in client.get_contacts(after=since).all()]
        (served,) = client.get_contacts(uuid=oldest.uuid).all()
        assert (served.name, served.modified_on) == (oldest.name, oldest.modified_on)  # the replica's old row
        truth = next(c for c in sim.dataset.iter_contacts() if c["uuid"] == oldest.uuid)
        assert truth["name"] == "Late Commit"

        clock.at = updated.modified_on + LONGEST
        (served,) = client.get_contacts(after=since).all()
        assert (served.uuid, served.name, served.modified_on) == (oldest.uuid, "Late Commit", updated.modified_on)


def test_a_started_run_shows_each_answer_only_once_its_commit_shows():
    clock = SetClock(SERVING_FROM)
    with Simulator(tier="demo", seed=11, token=TOKEN, anchor=ANCHOR, clock=clock, time_scale=1.0,
                   response_rate=1.0) as sim:
        client = TembaClient(sim.url, TOKEN)
        flow = sim.dataset.poll_flow_uuids[0]
        contact = next(c for c in sim.dataset.iter_contacts() if c["status"] == "active")
        client.create_flow_start(flow, contacts=[contact["uuid"]])
        (run,) = sim.dataset.state.runs  # the run the start made, with its future
        created, answered = from_us(run.first_us), from_us(run.answers[0][0])  # as its transactions stamped
        assert answered - created > LONGEST  # answers come minutes apart at this time scale

        def served():
            return client.get_runs(flow=flow, after=SERVING_FROM).all()

        clock.at = created + timedelta(milliseconds=1)
        assert served() == [] and len(list(sim.dataset.iter_runs(flow=flow))) > 0
        clock.at = created + LONGEST
        (shown,) = served()
        assert (shown.responded, shown.modified_on) == (False, created)

        clock.at = answered + timedelta(milliseconds=1)
        (shown,) = served()
        assert (shown.responded, shown.modified_on) == (False, created)  # still the version before the answer
        clock.at = answered + LONGEST
        (shown,) = served()
        assert (shown.responded, shown.modified_on) == (True, answered)



@pytest.mark.parametrize("commit_delay", [5.0, 0])
def test_a_posted_flow_start_and_broadcast_are_listed_only_once_their_commits_show(commit_delay):
    clock = SetClock(SERVING_FROM)
    with Simulator(tier="demo", seed=11, token=TOKEN, anchor=ANCHOR, clock=clock, response_rate=0.0,
                   commit_delay=commit_delay) as sim:
        client = TembaClient(sim.url, TOKEN)
        contact = next(c for c in sim.dataset.iter_contacts() if c["status"] == "active")
        start = client.create_flow_start(sim.dataset.poll_flow_uuids[0], contacts=[contact["uuid"]])
        broadcast = client.create_broadcast("Late commits", contacts=[contact["uuid"]])

        def listed() -> tuple[bool, bool, bool]:
            return (start.uuid in {s.uuid for s in client.get_flow_starts().all()},
                    broadcast.uuid in {b.uuid for b in client.get_broadcasts(after=SERVING_FROM).all()},
                    "Late commits" in {m.text for m in client.get_messages(after=SERVING_FROM).all()})

        # A lookup right after the POST (the outbox's, after a timeout) reads the replica.
        assert listed() == ((False, False, False) if commit_delay else (True, True, True))
        assert start.uuid in {s["uuid"] for s in sim.dataset.flow_starts()}  # RapidPro has made it
        clock.at += LONGEST + timedelta(seconds=1)
        assert listed() == (True, True, True)


@pytest.mark.parametrize("commit_delay", [5.0, 0])
def test_a_run_stamped_just_before_a_pass_starts_is_missed_by_both_passes_when_the_watermark_is_that_start(
        commit_delay):
    clock = SetClock(SERVING_FROM)
    with Simulator(tier="demo", seed=11, token=TOKEN, anchor=ANCHOR, clock=clock, time_scale=1.0,
                   response_rate=0.0, commit_delay=commit_delay, reevaluate_every=None) as sim:
        client = TembaClient(sim.url, TOKEN)
        flow = sim.dataset.poll_flow_uuids[0]
        contact = next(c for c in sim.dataset.iter_contacts() if c["status"] == "active")
        client.create_flow_start(flow, contacts=[contact["uuid"]])
        (run,) = sim.dataset.state.runs
        pass_start = from_us(run.first_us) + timedelta(milliseconds=1)  # mailroom's NOW() was just before

        def fetched(after: datetime) -> bool:
            return run.uuid in {r.uuid for r in client.get_runs(flow=flow, after=after).all()}

        clock.at = pass_start
        in_first_pass = fetched(SERVING_FROM)
        clock.at = pass_start + timedelta(minutes=5)
        in_second_pass = fetched(pass_start)  # the next pass asks for what changed since this one started
        assert (in_first_pass, in_second_pass) == ((False, False) if commit_delay else (True, False))
        assert fetched(pass_start - LONGEST)  # a watermark less the longest delay finds it
