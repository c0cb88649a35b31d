"""Runs → pollruns, responses and answers (see docs/behaviour.md: Poll dates, Responses and answers,
Same-day answers)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from tests import factories as f
from tests.sync.fake_rapidpro import T0, contact, group, run
from tracpro.answers import recompute_values_to_use
from tracpro.db.models import (
    Answer,
    OutboxStatus,
    PollRun,
    PollRunType,
    QuestionType,
    Response,
    ResponseStatus,
    SameDayMode,
    SyncState,
)
from tracpro.sync.runs import sync_runs

KANDAHAR = group("Kandahar", "G-001")
UTC_EVENING = datetime(2026, 11, 2, 19, 0, tzinfo=T0.tzinfo)  # 23:30 in Kabul
UTC_LATER = datetime(2026, 11, 2, 20, 0, tzinfo=T0.tzinfo)  # 00:30 next day in Kabul


@pytest.fixture
def poll(db, org):
    poll = f.PollFactory(org=org, flow_uuid="F-001", rapidpro_name="Farm Poll", is_active=True)
    f.QuestionFactory(poll=poll, key="sheep", rapidpro_name="Number of sheep", question_type=QuestionType.NUMERIC)
    f.QuestionFactory(poll=poll, key="weather", rapidpro_name="How is the weather?", question_type=QuestionType.OPEN)
    f.QuestionFactory(poll=poll, key="phone", rapidpro_name="Phone", question_type=QuestionType.NUMERIC)
    return poll


@pytest.fixture
def people(db, org, rapidpro):
    region = f.RegionFactory(org=org, uuid=KANDAHAR["uuid"], name="Kandahar")
    ann, bob = contact("Ann", [KANDAHAR]), contact("Bob", [KANDAHAR], urns=["tel:+250788000002"])
    for remote in (ann, bob):
        f.ContactFactory(org=org, uuid=remote["uuid"], name=remote["name"], region=region)
    return ann, bob


FLOW = {"uuid": "F-001", "name": "Farm Poll"}


def _answers(db, key: str) -> list[tuple[str, str | None, str]]:
    db.expire_all()
    rows = db.execute(
        select(Answer.value, Answer.category, Answer.value_to_use)
        .join(Answer.question)
        .where(Answer.question.has(key=key))
        .order_by(Answer.submitted_on)
    ).all()
    return [tuple(row) for row in rows]


def test_statuses_and_one_universal_pollrun_per_org_local_day(db, org, poll, people, rapidpro, make_context):
    ann, bob = people
    rapidpro.data["runs"] = [
        run(FLOW, ann, {"sheep": ("4", "1 - 5", UTC_EVENING)}, created_on=UTC_EVENING),
        run(FLOW, bob, {"sheep": ("7", "6 - 10", UTC_LATER)}, created_on=UTC_LATER, exit_type=None),
        run(FLOW, bob, {}, created_on=UTC_EVENING - timedelta(hours=1), exit_type="expired"),
    ]
    counts = sync_runs(make_context())
    assert counts.created == 3
    db.expire_all()
    pollruns = db.scalars(select(PollRun).where(PollRun.poll_id == poll.id).order_by(PollRun.conducted_date)).all()
    # Same UTC day, two Kabul days: two universal pollruns.
    assert [(p.conducted_date, p.pollrun_type) for p in pollruns] == [
        (date(2026, 11, 2), PollRunType.UNIVERSAL),
        (date(2026, 11, 3), PollRunType.UNIVERSAL),
    ]
    # conducted_on is the day's earliest run even though a later one was synced first.
    assert pollruns[0].conducted_on == UTC_EVENING - timedelta(hours=1)
    statuses = dict(db.execute(select(Response.run_uuid, Response.status)).all())
    assert sorted(statuses.values()) == [ResponseStatus.COMPLETE, ResponseStatus.EMPTY, ResponseStatus.PARTIAL]


def test_runs_of_a_tracpro_flow_start_join_its_pollrun(db, org, poll, people, rapidpro, make_context):
    ann, bob = people
    regional = f.PollRunFactory(poll=poll, pollrun_type=PollRunType.REGIONAL, conducted_date=date(2026, 11, 1))
    f.FlowStartFactory(pollrun=regional, uuid="START-1")
    rapidpro.data["runs"] = [
        run(FLOW, ann, {"sheep": ("3", None, T0)}, start="START-1"),
        run(FLOW, bob, {"sheep": ("5", None, T0)}, start="START-FROM-RAPIDPRO"),
    ]
    sync_runs(make_context())
    db.expire_all()
    pollrun_of = dict(db.execute(select(Response.contact_id, PollRun.pollrun_type).join(Response.pollrun)).all())
    types = sorted(pollrun_of.values())
    assert types == [PollRunType.REGIONAL, PollRunType.UNIVERSAL]


def test_runs_read_before_tracpro_knew_its_start_join_the_starts_pollrun_once_it_does(db, org, poll, people,
                                                                                       rapidpro, make_context):
    ann, bob = people
    regional = f.PollRunFactory(poll=poll, pollrun_type=PollRunType.REGIONAL, conducted_date=date(2026, 11, 1))
    # The start's answer was lost: TracPro does not know yet that RapidPro made START-1.
    action = f.OutboxActionFactory(org=org, kind="start_flow", status=OutboxStatus.MAYBE_SENT,
                                   payload={"flow": FLOW["uuid"], "contacts": [ann["uuid"], bob["uuid"]],
                                            "pollrun_id": regional.id, "ref": "ref-1"})
    started = run(FLOW, ann, {"sheep": ("3", None, T0)}, start="START-1")
    # A run modified an hour later: the next pass's overlap does not reach back to the others.
    other = run(FLOW, bob, {"sheep": ("5", None, T0 + timedelta(hours=1))}, start="START-FROM-RAPIDPRO")
    rapidpro.data["runs"] = [started, other]
    sync_runs(make_context())
    # The next push finds the start in RapidPro and records it; the runs do not change.
    f.FlowStartFactory(pollrun=regional, uuid="START-1")
    action.status = OutboxStatus.DONE
    db.flush()
    sync_runs(make_context(T0 + timedelta(days=1, minutes=10)))
    db.expire_all()
    placed = dict(db.execute(select(Response.run_uuid, PollRun.pollrun_type).join(Response.pollrun)).all())
    assert placed == {started["uuid"]: PollRunType.REGIONAL, other["uuid"]: PollRunType.UNIVERSAL}
    assert db.scalars(select(Response.start_uuid)).all() == [None, None]  # nothing awaited any more


def test_a_universal_pollrun_left_empty_by_runs_joining_their_start_goes(db, org, poll, people, rapidpro,
                                                                         make_context):
    ann, _ = people
    regional = f.PollRunFactory(poll=poll, pollrun_type=PollRunType.REGIONAL, conducted_date=date(2026, 11, 1))
    action = f.OutboxActionFactory(org=org, kind="start_flow", status=OutboxStatus.SENDING,
                                   payload={"flow": FLOW["uuid"], "contacts": [ann["uuid"]],
                                            "pollrun_id": regional.id, "ref": "ref-2"})
    rapidpro.data["runs"] = [run(FLOW, ann, {}, start="START-2"),
                             run(FLOW, ann, {}, start="START-FROM-RAPIDPRO", created_on=T0 + timedelta(days=-3),
                                 modified_on=T0 + timedelta(hours=1))]
    sync_runs(make_context())
    assert db.scalar(select(func.count()).select_from(PollRun)) == 3  # two days' universal ones too
    f.FlowStartFactory(pollrun=regional, uuid="START-2")
    action.status = OutboxStatus.DONE
    db.flush()
    sync_runs(make_context(T0 + timedelta(days=1, minutes=10)))
    db.expire_all()
    assert sorted(db.scalars(select(PollRun.conducted_date))) == [date(2026, 10, 30), date(2026, 11, 1)]


def test_a_later_run_supersedes_the_contacts_earlier_one_in_the_same_pollrun(db, org, poll, people, rapidpro,
                                                                             make_context):
    ann, _ = people
    first = run(FLOW, ann, {"sheep": ("3", None, T0)}, created_on=T0)
    second = run(FLOW, ann, {"sheep": ("5", None, T0 + timedelta(hours=1))}, created_on=T0 + timedelta(hours=1))
    rapidpro.data["runs"] = [second, first]
    rapidpro.page_size = 1
    sync_runs(make_context())
    db.expire_all()
    active = dict(db.execute(select(Response.run_uuid, Response.is_active)).all())
    assert active == {first["uuid"]: False, second["uuid"]: True}


def test_answer_categories_and_numbers(db, org, poll, people, rapidpro, make_context):
    ann, _ = people
    rapidpro.data["runs"] = [
        run(FLOW, ann, {"sheep": ("4.00000", "1 - 5", T0), "weather": ("It's very rainy", "All Responses", T0)}),
    ]
    sync_runs(make_context())
    assert _answers(db, "sheep") == [("4.00000", "1 - 5", "4.00000")]
    assert _answers(db, "weather") == [("It's very rainy", None, "It's very rainy")]
    db.expire_all()
    assert db.scalars(select(Answer.value_number).where(Answer.value == "4.00000")).one() == 4.0


def _same_day_runs(ann, first: str, second: str, key: str = "sheep", gap=timedelta(microseconds=1)):
    return [
        run(FLOW, ann, {key: (first, None, T0)}, created_on=T0),
        run(FLOW, ann, {key: (second, None, T0 + gap)}, created_on=T0 + gap),
    ]


def test_same_day_answers_are_summed_in_sum_mode(db, org, poll, people, rapidpro, make_context):
    ann, _ = people
    org.sameday_mode = SameDayMode.SUM
    rapidpro.data["runs"] = [
        *_same_day_runs(ann, "4.0", "8.0"),
        *_same_day_runs(ann, "444-5555", "555-1212", key="phone"),
    ]
    rapidpro.page_size = 1  # the second answer arrives in a later transaction and updates the first
    sync_runs(make_context())
    assert [row[2] for row in _answers(db, "sheep")] == ["12.0", "12.0"]
    assert [row[2] for row in _answers(db, "phone")] == ["444-5555", "555-1212"]  # not numbers: not summed


def test_same_day_answers_use_the_last_in_use_last_mode(db, org, poll, people, rapidpro, make_context):
    ann, _ = people
    rapidpro.data["runs"] = _same_day_runs(ann, "4.0", "8.0", gap=timedelta(minutes=5))
    sync_runs(make_context())
    assert [row[2] for row in _answers(db, "sheep")] == ["8.0", "8.0"]


def test_switching_the_org_mode_recomputes_values(db, org, poll, people, rapidpro, make_context):
    ann, _ = people
    rapidpro.data["runs"] = _same_day_runs(ann, "1.0", "3.0", gap=timedelta(minutes=1))
    sync_runs(make_context())
    assert [row[2] for row in _answers(db, "sheep")] == ["3.0", "3.0"]
    for mode, expected in ((SameDayMode.SUM, "4.0"), (SameDayMode.USE_LAST, "3.0")):
        org.sameday_mode = mode
        db.flush()
        recompute_values_to_use(db, org.id)
        assert [row[2] for row in _answers(db, "sheep")] == [expected, expected]


def test_same_day_means_the_org_local_day(db, org, poll, people, rapidpro, make_context):
    ann, _ = people
    org.sameday_mode = SameDayMode.SUM
    # One UTC day, but 23:30 and 00:30 in Kabul: two days, so not summed.
    rapidpro.data["runs"] = [
        run(FLOW, ann, {"sheep": ("2", None, UTC_EVENING)}, created_on=UTC_EVENING),
        run(FLOW, ann, {"sheep": ("5", None, UTC_LATER)}, created_on=UTC_LATER),
    ]
    sync_runs(make_context())
    # Each answer is its own day's sum ("2.0", as TracPro writes sums), not "7.0".
    assert [row[2] for row in _answers(db, "sheep")] == ["2.0", "5.0"]


def test_a_second_sync_of_the_same_runs_changes_nothing(db, org, poll, people, rapidpro, make_context):
    ann, bob = people
    rapidpro.data["runs"] = [
        *_same_day_runs(ann, "4.0", "8.0"),
        run(FLOW, bob, {"sheep": ("9", "6 - 10", T0)}),
    ]
    assert sync_runs(make_context()).created == 3
    before = _answers(db, "sheep")
    # Forget the watermark, so every run is read again: writing them again must change nothing.
    db.execute(delete(SyncState).where(SyncState.org_id == org.id))
    again = sync_runs(make_context(T0 + timedelta(days=2)))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert _answers(db, "sheep") == before


def test_a_pass_killed_midway_resumes_from_its_committed_position(db, org, poll, people, rapidpro, make_context):
    ann, bob = people
    rapidpro.data["runs"] = [run(FLOW, person, {"sheep": (str(n), None, T0 + timedelta(minutes=n))},
                                 created_on=T0 + timedelta(minutes=n)) for n, person in enumerate([ann, bob] * 3)]
    rapidpro.page_size, rapidpro.fail_after_pages = 2, 2
    with pytest.raises(Exception, match="could not be reached"):
        sync_runs(make_context())
    db.expire_all()
    assert db.scalars(select(Response)).all().__len__() == 3  # two pages committed (the second re-read one)
    rapidpro.fail_after_pages = None
    resumed = sync_runs(make_context(T0 + timedelta(days=3)))
    resource, filters = rapidpro.calls[2]
    # A fresh query (no cursor) from the last modified_on committed, inclusive, with the pass's own end.
    assert (resource, filters["after"], filters["before"], filters["cursor"]) == (
        "runs", T0 + timedelta(minutes=2), T0 + timedelta(days=1), None)
    # Counts of the whole pass: each page starts with the last item of the one before, read again.
    assert (resumed.created, resumed.unchanged) == (6, 4)
    db.expire_all()
    assert len(db.scalars(select(Response)).all()) == 6


def test_fetching_older_runs_reaches_back_past_the_watermark_without_moving_it(db, org, poll, people, rapidpro,
                                                                              make_context):
    ann, bob = people
    old = run(FLOW, ann, {"sheep": ("3", None, T0 - timedelta(days=20))}, created_on=T0 - timedelta(days=20))
    recent = run(FLOW, bob, {"sheep": ("4", None, T0)}, created_on=T0)
    rapidpro.data["runs"] = [old, recent]
    first = make_context(T0 + timedelta(days=1))
    sync_runs(first)  # the first pass reads everything and sets the watermark
    db.execute(delete(Response).where(Response.run_uuid == old["uuid"]))  # as if it had been missed
    assert sync_runs(make_context(T0 + timedelta(days=2))).created == 0  # a normal pass looks back only the overlap
    older = sync_runs(make_context(T0 + timedelta(days=3)), after=T0 + timedelta(days=3) - timedelta(days=30))
    assert older.created == 1
    assert rapidpro.calls[-1][1]["after"] == T0 + timedelta(days=3) - timedelta(days=30)
    db.expire_all()
    state = db.scalars(select(SyncState).where(SyncState.resource == "runs:F-001")).one()
    assert state.watermark == T0  # the largest modified_on seen, not moved back by the older pass
