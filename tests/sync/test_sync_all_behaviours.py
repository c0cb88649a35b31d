"""A stretch of cron runs against a RapidPro that does everything it does at once, the sync job
killed at random points and users' actions queued meanwhile: in the end Postgres holds exactly what
RapidPro holds (every run, contact and group membership once, nothing else) and every action
reached RapidPro once.

RapidPro here (the simulator) commits late and from a lagging replica, ties batches to one
modified_on, pages with Django REST framework's cursor, keeps runs past 90 days in archives only,
throttles per scope on a shortened hour, loses the answers to writes it carried out (a 502, a 504,
a closed connection, an answer later than the job waits) or fails them before acting, serves
unreadable items for a while, refuses a send naming a contact it deleted, and re-evaluates groups
(a region's group left out of groups.json while it initializes, a smart group whose members change
without their contacts' modified_on moving).

The timeline is RapidPro's clock, moved on ten minutes before each run; each run of sync_job.py
starts its own clock at that instant (tests/sync/clocked_job.py), so RapidPro's hour, the outbox's
wait before it looks a lost send up and the wait before an unreadable item is asked for again all
pass between runs, as they do between cron runs.
"""

from __future__ import annotations

import random
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, text

from tests import actors
from tests.clock import TickingClock, ticking_from
from tests.process_output import OutputLines
from tests.sync.end_to_end import SyncedDatabase, database_with_org, sessions_on
from tests.waiting import wait_until
from tracpro.actions.contact_validation import ContactInput
from tracpro.actions.contacts import create_contact, update_contact
from tracpro.actions.messages import send_message
from tracpro.actions.polls import start_poll
from tracpro.auth.scope import subtree_ids
from tracpro.db.connection import session_scope
from tracpro.db.models import Audience, Contact, Region, Response
from tracpro.orgs.tracking import set_active_polls, track_reporter_groups
from tracpro.simulator import Simulator

pytestmark = [pytest.mark.slow, pytest.mark.end_to_end]

TOKEN = "every-behaviour-token"
ANCHOR = datetime(2026, 3, 2, tzinfo=UTC)
CRON = timedelta(minutes=10)
MOST_RUNS = 40
# RapidPro's rate limits per scope on an hour shortened to one cron interval, so each run starts
# with its windows empty; low enough that the demo's first sync needs several runs of the job.
RATE_LIMITS = {"v2": 3600, "v2.contacts": 12, "v2.messages": 3600, "v2.runs": 30}
RATE_LIMIT_SCALE = 6.0
# Each run, writes lose their answer once RapidPro acted, one way or another.
LOST_ANSWERS = [
    {"lost_answer_every": 2, "lost_answer_status": 502},
    {"lost_answer_every": 2, "lost_answer_status": 504},
    {"lost_answer_every": 2, "lost_answer_status": 0},  # the connection closed unanswered
    {"lost_answer_next": 1, "lost_answer_status": 200, "lost_answer_delay_ms": 9_000},  # past the job's timeout
]
JOB_ENVIRONMENT = {
    "TRACPRO_RAPIDPRO_TIMEOUT": "8",
    # Retry-After counts RapidPro's (shortened) seconds: a run never waits one out, the next run goes on.
    "TRACPRO_THROTTLE_WAIT": "0",
}
RENAMED = "Grace Uwase-Mukamana"
NEW_URN = "tel:+250788900001"
MESSAGE = "Thank you for answering: the results are on the district notice board."


@dataclass
class Day:
    """What happens in RapidPro and in TracPro's pages between the runs, and when it has all settled."""

    simulator: Simulator
    engine: Engine
    org_id: int
    clock: TickingClock
    settled_after: datetime = datetime.min.replace(tzinfo=UTC)
    happened: set[str] = field(default_factory=set)
    deleted_in_rapidpro: set[str] = field(default_factory=set)
    renamed: tuple[str, list[str]] | None = None  # (uuid, its URNs before)
    pollrun_id: int | None = None

    EVENTS = frozenset({"healed", "region re-evaluated", "smart group re-evaluated", "actions queued",
                        "message queued"})

    def before_run(self, run: int) -> None:
        """What happens in RapidPro before run number `run`, and its faults during that run."""
        faults = self.simulator.faults
        faults.reset()
        # Unreadable items the first two runs only: RapidPro heals, and what was kept aside is read again.
        faults.update(**LOST_ANSWERS[run % len(LOST_ANSWERS)], error_every=89, error_status=502,
                      malformed_every=700 if run < 2 else 0)
        if run >= 2:
            self.happened.add("healed")
        if run == 2:
            self._reevaluate_region()
            self.happened.add("region re-evaluated")
        if run == 3:
            self._reevaluate_smart_group()
            self.happened.add("smart group re-evaluated")

    def meanwhile(self) -> None:
        """What users do in TracPro while a run is under way."""
        now = self.clock()
        if "actions queued" not in self.happened and self._queue_actions(now):
            self.happened.add("actions queued")
        elif "actions queued" in self.happened and "message queued" not in self.happened and self._queue_message(now):
            self.happened.add("message queued")

    def over(self, at: datetime) -> bool:
        return self.happened == self.EVENTS and at >= self.settled_after

    def _settles_at(self, seconds: float) -> None:
        self.settled_after = max(self.settled_after, self.clock() + timedelta(seconds=seconds) + CRON)

    def _reevaluate_region(self) -> None:
        """A province's group stands for a smart group whose query was saved: RapidPro leaves it
        out of groups.json for two runs, then evaluates it; its region must stay as it is."""
        province = _provinces(self.simulator)[0]
        self.simulator.reevaluate_group(province, initializing=900, evaluating=60)
        assert province not in {group["uuid"] for group in self.simulator.dataset.groups()}
        self._settles_at(960)

    def _reevaluate_smart_group(self) -> None:
        """Mailroom re-evaluates the smart reporter group: contacts join and leave it, and (unlike
        RapidPro, which bumps them) none of their modified_on moves."""
        dataset = self.simulator.dataset
        smart = dataset.smart_group_uuid
        members = sorted(contact["uuid"] for contact in dataset.iter_contacts(group=smart))
        joining = [contact["uuid"] for contact in dataset.iter_contacts()
                   if contact["status"] == "active" and contact["uuid"] not in set(members)][:60]
        self.simulator.reevaluate_group(smart, join=joining, leave=members[:20], initializing=30, evaluating=60,
                                        touch_contacts=False)
        self._settles_at(90)

    def _queue_actions(self, now: datetime) -> bool:
        """Once the sync has brought the province's contacts: the poll started there (a start per
        100 contacts), one contact renamed (it has two URNs), one created. One of the contacts the
        first start names was just deleted in RapidPro: RapidPro refuses the whole start."""
        province = _provinces(self.simulator)[1]
        two_urns = {contact["uuid"]: contact["urns"] for contact in self.simulator.dataset.iter_contacts()
                    if len(contact["urns"]) == 2 and contact["status"] == "active"}
        with sessions_on(self.engine), session_scope() as session:
            region = session.scalars(select(Region).where(Region.org_id == self.org_id, Region.uuid == province)).one()
            editable = session.scalars(select(Contact).where(
                Contact.org_id == self.org_id, Contact.is_active, Contact.uuid.in_(list(two_urns)),
                Contact.language.is_not(None), Contact.reporter_groups.any()).order_by(Contact.id)).first()
            if editable is None:
                return False
            # The poll starts the province's contacts in this order, a hundred at a time.
            in_province = session.scalars(select(Contact.uuid).where(
                Contact.org_id == self.org_id, Contact.is_active, Contact.region_id.in_(subtree_ids(
                    session, self.org_id, [region.id])), Contact.uuid != editable.uuid).order_by(Contact.id)).all()
            if len(in_province) <= 100:
                return False
            gone = in_province[5]
            self.simulator.delete_contact(gone)
            self.deleted_in_rapidpro.add(gone)
            admin = actors.admin(self.org_id)
            pollrun, starts = start_poll(session, admin, _a_poll(session, self.org_id), region.id, True, now)
            assert gone in starts[0].payload["contacts"]
            self.pollrun_id = pollrun.id
            scheme, _colon, path = editable.urn.partition(":")
            groups = tuple(group.id for group in editable.reporter_groups if group.is_active)
            renamed = update_contact(session, admin, editable.id, ContactInput(
                name=RENAMED, urn_scheme=scheme, urn_path=path, region_id=editable.region_id,
                reporter_group_ids=groups, language=editable.language))
            self.renamed = (editable.uuid, two_urns[editable.uuid])
            _created, created = create_contact(session, admin, ContactInput(
                name="Aline Ingabire", urn_scheme="tel", urn_path=NEW_URN[4:], region_id=editable.region_id,
                reporter_group_ids=groups, language="kin"), now)
            for action in [*starts, renamed, created]:
                action.created_at = now  # the instant on RapidPro's clock the user acted
        return True

    def _queue_message(self, now: datetime) -> bool:
        """Once the start's runs have come: a message to everyone the poll reached (a broadcast
        per 100 contacts)."""
        with sessions_on(self.engine), session_scope() as session:
            if not session.scalar(select(Response.id).where(Response.pollrun_id == self.pollrun_id).limit(1)):
                return False
            send_message(session, actors.admin(self.org_id), self.pollrun_id, Audience.ALL, MESSAGE, now)
        return True


def _provinces(simulator: Simulator) -> list[str]:
    plan = simulator.dataset.region_plan
    return [uuid for uuid, _name, _parent, _osm, level in plan
            if level == 1 and any(parent == uuid for _, _, parent, _, _ in plan)]


def _a_poll(session, org_id: int) -> int:
    return session.scalar(text("SELECT id FROM polls WHERE org_id = :org AND is_active ORDER BY id LIMIT 1"),
                          {"org": org_id})


def _requests(simulator: Simulator) -> int:
    return sum(count["allowed"] + count["refused"] for count in simulator.limits.counts().values())


@dataclass
class Run:
    at: datetime
    status: int | None  # None: killed
    stdout: str
    stderr: str


def _run(database: SyncedDatabase, simulator: Simulator, at: datetime, meanwhile: Callable[[], None],
         kill: random.Random | None) -> Run:
    """One cron run of the job, started at `at` on its own clock, `meanwhile` done once it is under
    way; with `kill`, SIGKILLed at a point it picks: after a number of lines of the job's log, or of
    requests RapidPro received."""
    job = database.start_sync_job("--org", "demo", quiet=False, at=at, **JOB_ENVIRONMENT)
    out, log = OutputLines(job.stdout), OutputLines(job.stderr)
    log.wait_for(lambda line: True)
    meanwhile()
    if kill is not None:
        if kill.random() < 0.5:
            log.wait_for(lambda line: True, count=kill.randint(1, 20))
        else:
            target = _requests(simulator) + kill.randint(1, 60)
            wait_until(lambda: _requests(simulator) >= target or job.poll() is not None,
                       "the job neither made the requests nor ended:\n" + "".join(log.lines))
        if job.poll() is None:
            job.send_signal(signal.SIGKILL)
    status = job.wait(timeout=600)
    return Run(at, None if status == -signal.SIGKILL else status, out.wait_until_ended(), log.wait_until_ended())


def _actions_done_before(engine: Engine, at: datetime) -> bool:
    with engine.connect() as connection:
        left = connection.execute(text("SELECT count(*) FROM outbox_actions WHERE status <> 'done' "
                                       "OR completed_at >= :at"), {"at": at}).scalar_one()
    return left == 0


@pytest.fixture
def rapidpro_clock() -> TickingClock:
    return ticking_from(ANCHOR + timedelta(hours=9))


def test_every_behaviour_at_once_killed_at_random_ends_with_exactly_what_rapidpro_has(database_server,
                                                                                     rapidpro_clock):
    # time_scale: a day of flow runs a minute, so a start's runs are answered or expired by the next
    # run; group re-evaluations happen when the day says, not every few hours on their own.
    with (Simulator(tier="demo", seed=7, token=TOKEN, anchor=ANCHOR, clock=rapidpro_clock, time_scale=1440.0,
                    reevaluate_every=None, rate_limits=RATE_LIMITS, rate_limit_scale=RATE_LIMIT_SCALE) as simulator,
          database_with_org(database_server, simulator) as database):
        dataset = simulator.dataset
        polls = dataset.poll_flow_uuids[:2]
        with sessions_on(database.engine), session_scope() as session:
            org_id = session.scalar(text("SELECT id FROM orgs WHERE slug = 'demo'"))
            admin = actors.admin(org_id)
            set_active_polls(session, admin, polls)
            track_reporter_groups(session, admin, [*dataset.reporter_group_uuids, dataset.smart_group_uuid])
        tree = _region_tree(database.engine)
        day = Day(simulator, database.engine, org_id, rapidpro_clock)
        chance = random.Random(20261207)
        runs: list[Run] = []
        for number in range(MOST_RUNS):
            if number:
                rapidpro_clock.advance(CRON)
            day.before_run(number)
            killing = len([run for run in runs if run.status is None]) < 4 and chance.random() < 0.4
            runs.append(_run(database, simulator, rapidpro_clock(), day.meanwhile, chance if killing else None))
            if runs[-1].status == 0 and day.over(runs[-1].at) and _actions_done_before(database.engine, runs[-1].at):
                break
        else:
            outcomes = [(run.status, run.stdout.strip()) for run in runs]
            pytest.fail(f"the sync did not end with everything done in {MOST_RUNS} runs: {outcomes}")

        # The behaviours were met on the way.
        assert any(run.status is None for run in runs), "no kill landed"
        seen = "".join(run.stdout + run.stderr for run in runs)
        for sign in ("goes on next run", "could not be read", "it will be looked up"):
            assert sign in seen, sign

        _assert_the_same_runs(database.engine, simulator, polls, day.deleted_in_rapidpro)
        _assert_the_same_contacts_and_memberships(database.engine, simulator, day.deleted_in_rapidpro)
        assert _region_tree(database.engine) == tree  # the re-evaluated region and its sub-regions stayed
        _assert_each_action_reached_rapidpro_once(database.engine, simulator, day)


def _rows(engine: Engine, sql: str, **parameters) -> list:
    with engine.connect() as connection:
        return list(connection.execute(text(sql), parameters))


def _region_tree(engine: Engine) -> set[tuple]:
    return set(_rows(engine, "SELECT r.uuid, p.uuid, r.is_active FROM regions r LEFT JOIN regions p "
                             "ON p.id = r.parent_id"))


def _status(run: dict) -> str:
    return "complete" if run["exit_type"] == "completed" else ("partial" if run["values"] else "empty")


def _assert_the_same_runs(engine: Engine, simulator: Simulator, polls: list[str], deleted: set[str]) -> None:
    """Every run of the active polls RapidPro lists or keeps in archives, once, as it stands; none
    else but those of a contact deleted in RapidPro, which leave its lists (not its archives) but
    stay in TracPro's history. Each answer to a question, and each run of a TracPro start in that
    start's pollrun."""
    dataset = simulator.dataset
    truth = {run["uuid"]: run for flow in polls
             for run in [*dataset.iter_runs(flow=flow), *dataset.iter_archived_runs(flow)]}
    stored = _rows(engine, "SELECT r.run_uuid, r.status, c.uuid FROM responses r JOIN contacts c "
                           "ON c.id = r.contact_id")
    assert len(stored) == len({uuid for uuid, _, _ in stored})
    kept = {uuid: (status, contact) for uuid, status, contact in stored if uuid in truth or contact not in deleted}
    assert kept == {uuid: (_status(run), run["contact"]["uuid"]) for uuid, run in truth.items()}

    questions = {(flow, key) for flow, key in _rows(engine, "SELECT p.flow_uuid, q.key FROM questions q "
                                                             "JOIN polls p ON p.id = q.poll_id")}
    answers = {(uuid, key, value) for uuid, key, value, contact in _rows(
        engine, "SELECT r.run_uuid, q.key, a.value, c.uuid FROM answers a JOIN responses r ON r.id = a.response_id "
                "JOIN questions q ON q.id = a.question_id JOIN contacts c ON c.id = a.contact_id")
        if uuid in truth or contact not in deleted}
    assert answers == {(uuid, key, value["value"] or "") for uuid, run in truth.items()
                       for key, value in run["values"].items() if (run["flow"]["uuid"], key) in questions}

    pollruns = dict(_rows(engine, "SELECT uuid, pollrun_id FROM flow_starts"))
    ours = {uuid: run["start"]["uuid"] for uuid, run in truth.items()
            if (run.get("start") or {}).get("uuid") in pollruns}
    assert ours
    placed = dict(_rows(engine, "SELECT run_uuid, pollrun_id FROM responses WHERE run_uuid = ANY(:runs)",
                        runs=list(ours)))
    assert placed == {uuid: pollruns[start] for uuid, start in ours.items()}


def _assert_the_same_contacts_and_memberships(engine: Engine, simulator: Simulator, deleted: set[str]) -> None:
    """Every contact RapidPro has, once, with its name, first URN, status and groups; the tracked
    reporter groups' members as RapidPro has them; the contacts deleted there marked deleted."""
    live = list(simulator.dataset.iter_contacts())
    stored = _rows(engine, "SELECT uuid, name, urn, rapidpro_status, group_uuids FROM contacts "
                           "WHERE rapidpro_status <> 'deleted'")
    assert len(stored) == len({row[0] for row in stored})
    assert {uuid: (name, urn, status, sorted(groups)) for uuid, name, urn, status, groups in stored} == {
        contact["uuid"]: (contact["name"] or "", contact["urns"][0] if contact["urns"] else None, contact["status"],
                          sorted(group["uuid"] for group in contact["groups"]))
        for contact in live
    }
    assert set(dict(_rows(engine, "SELECT uuid, rapidpro_status FROM contacts WHERE rapidpro_status = 'deleted'"))) \
        == deleted
    tracked = {uuid for (uuid,) in _rows(engine, "SELECT uuid FROM reporter_groups WHERE is_active")}
    members = set(_rows(engine, "SELECT c.uuid, g.uuid FROM contact_reporter_groups l "
                                "JOIN contacts c ON c.id = l.contact_id JOIN reporter_groups g "
                                "ON g.id = l.reporter_group_id WHERE g.is_active AND c.rapidpro_status <> 'deleted'"))
    assert members == {(contact["uuid"], group["uuid"]) for contact in live for group in contact["groups"]
                       if group["uuid"] in tracked}


def _assert_each_action_reached_rapidpro_once(engine: Engine, simulator: Simulator, day: Day) -> None:
    actions = {kind: [(id_, payload) for id_, kind_, payload in rows if kind_ == kind]
               for rows in [_rows(engine, "SELECT id, kind, payload FROM outbox_actions ORDER BY id")]
               for kind in ("start_flow", "send_broadcast", "create_contact", "update_contact")}
    assert all(actions.values()), actions.keys()
    starts = simulator.flow_starts
    assert sorted(start["params"]["tracpro_action"] for start in starts) == [id_ for id_, _ in actions["start_flow"]]
    for id_, payload in actions["start_flow"]:
        (start,) = [start for start in starts if start["params"]["tracpro_action"] == id_]
        assert sorted(contact["uuid"] for contact in start["contacts"]) == sorted(payload["contacts"])
        assert not set(payload["contacts"]) & day.deleted_in_rapidpro  # left out of the start RapidPro refused
    assert sum(len(payload.get("dropped", [])) for _, payload in actions["start_flow"]) == 1
    broadcasts = [broadcast for broadcast in simulator.broadcasts if MESSAGE in broadcast["text"].values()]
    assert sorted(sorted(contact["uuid"] for contact in broadcast["contacts"]) for broadcast in broadcasts) == sorted(
        sorted(payload["contacts"]) for _, payload in actions["send_broadcast"])
    assert len(simulator.broadcasts) == len(broadcasts)
    ((_, created),) = actions["create_contact"]
    ((uuid,),) = _rows(engine, "SELECT uuid FROM contacts WHERE id = :id", id=created["contact_id"])
    assert [contact["uuid"] for contact in simulator.dataset.iter_contacts() if NEW_URN in contact["urns"]] == [uuid]
    assert day.renamed is not None
    uuid, urns = day.renamed
    (renamed,) = [contact for contact in simulator.dataset.iter_contacts() if contact["uuid"] == uuid]
    assert (renamed["name"], renamed["urns"]) == (RENAMED, urns)

