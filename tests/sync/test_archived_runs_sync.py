"""Runs past RapidPro's retention, read from its archives by a first sync and by "fetch older runs":
stored as live runs are, each once, and each archive read once however the sync is stopped."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.sync.fake_rapidpro import T0, contact, group, run
from tracpro.db.models import PollRun, PollRunType, QuestionType, Response, ResponseStatus, SyncState
from tracpro.sync.runs import sync_runs

KANDAHAR = group("Kandahar", "G-001")
FARM = {"uuid": "F-001", "name": "Farm Poll"}
WATER = {"uuid": "F-002", "name": "Water Poll"}
NOW = T0 + timedelta(days=1)
# RapidPro keeps 90 days in runs.json: these days are in its archives only.
AUGUST_3 = datetime(2026, 8, 3, 10, 0, tzinfo=T0.tzinfo)
JULY_15 = datetime(2026, 7, 15, 10, 0, tzinfo=T0.tzinfo)


def _poll(org, flow: dict, active: bool = True):
    poll = f.PollFactory(org=org, flow_uuid=flow["uuid"], rapidpro_name=flow["name"], is_active=active)
    f.QuestionFactory(poll=poll, key="sheep", rapidpro_name="Number of sheep", question_type=QuestionType.NUMERIC)
    return poll


@pytest.fixture
def farm(db, org):
    return _poll(org, FARM)


@pytest.fixture
def ann(db, org):
    region = f.RegionFactory(org=org, uuid=KANDAHAR["uuid"], name="Kandahar")
    ann = contact("Ann", [KANDAHAR])
    f.ContactFactory(org=org, uuid=ann["uuid"], name=ann["name"], region=region)
    return ann


def _sheep(person: dict, count: int, moment: datetime, flow: dict = FARM, **extra) -> dict:
    return run(flow, person, {"sheep": (str(count), None, moment)}, created_on=moment, **extra)


def _stored(db) -> dict[str, tuple[ResponseStatus, date, PollRunType]]:
    db.expire_all()
    rows = db.execute(select(Response.run_uuid, Response.status, PollRun.conducted_date, PollRun.pollrun_type)
                      .join(Response.pollrun)).all()
    return {uuid: (status, day, kind) for uuid, status, day, kind in rows}


def _read_days(db, org) -> dict[str, list[list[str]]]:
    db.expire_all()
    state = db.scalars(select(SyncState).where(SyncState.org_id == org.id, SyncState.resource == "archives")).one()
    return state.details["read"]


def test_a_first_sync_reads_the_runs_only_the_archives_hold(db, org, farm, ann, rapidpro, make_context):
    live = _sheep(ann, 4, T0 - timedelta(days=10))
    daily, monthly = _sheep(ann, 5, AUGUST_3), _sheep(ann, 6, JULY_15)
    rapidpro.data["runs"] = [live]
    rapidpro.add_archive(AUGUST_3.date(), [daily])
    rapidpro.add_archive(date(2026, 7, 1), [monthly], period="monthly")
    counts = sync_runs(make_context(NOW))
    assert counts.created == 3
    assert rapidpro.archive_listings == [None] and rapidpro.downloads == ["2026-07-01 monthly", "2026-08-03 daily"]
    # An archived run has no flow start: it joins its poll's universal pollrun of its (Kabul) day.
    assert _stored(db) == {
        live["uuid"]: (ResponseStatus.COMPLETE, date(2026, 10, 23), PollRunType.UNIVERSAL),
        daily["uuid"]: (ResponseStatus.COMPLETE, date(2026, 8, 3), PollRunType.UNIVERSAL),
        monthly["uuid"]: (ResponseStatus.COMPLETE, date(2026, 7, 15), PollRunType.UNIVERSAL),
    }
    assert _read_days(db, org) == {"F-001": [["2026-07-01", "2026-08-01"], ["2026-08-03", "2026-08-04"]]}


def test_a_regular_pass_downloads_no_archive(db, org, farm, ann, rapidpro, make_context):
    rapidpro.add_archive(AUGUST_3.date(), [_sheep(ann, 5, AUGUST_3)])
    # The watermark comes from the runs seen: the latest live one, on November 1st.
    rapidpro.data["runs"] = [_sheep(ann, 4, T0 - timedelta(days=1))]
    sync_runs(make_context(NOW))
    rapidpro.data["runs"].append(_sheep(ann, 7, NOW + timedelta(hours=1)))
    counts = sync_runs(make_context(NOW + timedelta(days=1)))
    assert counts.created == 1
    # Asked only for archives as recent as the window, which RapidPro has none of.
    assert rapidpro.archive_listings == [None, datetime(2026, 11, 1, tzinfo=T0.tzinfo)]
    assert rapidpro.downloads == ["2026-08-03 daily"]


def test_a_run_read_live_and_archived_counts_once_and_keeps_its_flow_start(db, org, farm, ann, rapidpro,
                                                                            make_context):
    regional = f.PollRunFactory(poll=farm, pollrun_type=PollRunType.REGIONAL, conducted_date=AUGUST_3.date())
    f.FlowStartFactory(pollrun=regional, uuid="START-1")
    started = run(FARM, ann, {}, created_on=AUGUST_3, exit_type=None, start="START-1")
    rapidpro.data["runs"] = [started]
    assert sync_runs(make_context(NOW)).created == 1
    # Archived later, answered and completed meanwhile: the archive holds more, so it is rewritten,
    # in the pollrun of its flow start (the archive does not say it).
    answered = {**_sheep(ann, 5, AUGUST_3 + timedelta(hours=1)), "uuid": started["uuid"]}
    rapidpro.data["runs"] = []
    rapidpro.add_archive(AUGUST_3.date(), [answered])
    counts = sync_runs(make_context(NOW + timedelta(days=1)), after=NOW - timedelta(days=120))
    assert (counts.created, counts.updated) == (0, 1)
    assert _stored(db) == {started["uuid"]: (ResponseStatus.COMPLETE, date(2026, 8, 3), PollRunType.REGIONAL)}
    # The same run in the month's roll-up, nothing newer: unchanged.
    rapidpro.archive_items.clear()
    rapidpro.add_archive(date(2026, 8, 1), [answered], period="monthly")
    counts = sync_runs(make_context(NOW + timedelta(days=2)), after=NOW - timedelta(days=120))
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 1)
    assert rapidpro.downloads == ["2026-08-03 daily", "2026-08-01 monthly"]


def test_a_monthly_roll_up_of_days_read_is_not_downloaded(db, org, farm, ann, rapidpro, make_context):
    july = [_sheep(ann, 5, JULY_15)]
    for day in range(1, 32):  # the days of July archived one by one, all empty but one
        rapidpro.add_archive(date(2026, 7, day), july if day == 15 else [])
    assert sync_runs(make_context(NOW)).created == 1
    assert rapidpro.downloads == ["2026-07-15 daily"]  # an empty archive has no file
    rapidpro.archive_items.clear()  # the archiver rolled July up: RapidPro lists the month instead
    rapidpro.add_archive(date(2026, 7, 1), july, period="monthly")
    counts = sync_runs(make_context(NOW + timedelta(days=1)), after=NOW - timedelta(days=365))
    assert counts.created == 0 and rapidpro.downloads == ["2026-07-15 daily"]


def test_reading_archives_resumes_after_the_last_archive_read(db, org, farm, ann, rapidpro, make_context):
    older, newer = _sheep(ann, 6, JULY_15), _sheep(ann, 5, AUGUST_3)
    rapidpro.add_archive(date(2026, 7, 1), [older], period="monthly")
    rapidpro.add_archive(AUGUST_3.date(), [newer])
    rapidpro.failing_downloads = {"2026-08-03"}
    stopped = make_context(NOW)
    sync_runs(stopped)  # a failure of the archives' own: recorded against them, the pass goes on
    assert "could not be downloaded" in stopped.failed["archives"]
    assert set(_stored(db)) == {older["uuid"]}
    rapidpro.failing_downloads = set()
    # The next pass is a regular one, but what the first still wanted is kept until read.
    counts = sync_runs(make_context(NOW + timedelta(hours=1)))
    assert counts.created == 2  # the whole pass's, the archive read before the stop included
    assert set(_stored(db)) == {older["uuid"], newer["uuid"]}
    assert rapidpro.downloads == ["2026-07-01 monthly", "2026-08-03 daily"]
    sync_runs(make_context(NOW + timedelta(hours=2)))
    assert rapidpro.downloads == ["2026-07-01 monthly", "2026-08-03 daily"]


def test_fetching_older_runs_reads_the_archives_of_its_window(db, org, farm, ann, rapidpro, make_context):
    # An org synced before archives were read: its watermark is recent and no archive was read.
    db.add(SyncState(org_id=org.id, resource="runs:F-001", watermark=NOW - timedelta(days=7), pass_counts={},
                     last_counts={}, failure_count=0))
    in_window, too_old = _sheep(ann, 6, JULY_15), _sheep(ann, 2, JULY_15 - timedelta(days=365))
    rapidpro.add_archive(date(2026, 7, 1), [in_window], period="monthly")
    rapidpro.add_archive(date(2025, 7, 1), [too_old], period="monthly")
    assert sync_runs(make_context(NOW)).created == 0  # a regular pass does not look back
    counts = sync_runs(make_context(NOW + timedelta(hours=1)), after=NOW - timedelta(days=200))
    assert counts.created == 1 and set(_stored(db)) == {in_window["uuid"]}
    # archives.json filters on the start date: the month of the window's start is asked for.
    assert rapidpro.archive_listings[-1] == datetime(2026, 4, 1, tzinfo=T0.tzinfo)
    assert rapidpro.downloads == ["2026-07-01 monthly"]


def test_a_poll_chosen_later_gets_its_archived_runs(db, org, farm, ann, rapidpro, make_context):
    water = _poll(org, WATER, active=False)
    farm_run, water_run = _sheep(ann, 5, AUGUST_3), _sheep(ann, 1, AUGUST_3, flow=WATER)
    rapidpro.add_archive(AUGUST_3.date(), [farm_run, water_run])
    assert sync_runs(make_context(NOW)).created == 1
    water.is_active = True
    assert sync_runs(make_context(NOW + timedelta(hours=1))).created == 1
    assert set(_stored(db)) == {farm_run["uuid"], water_run["uuid"]}
    assert _read_days(db, org) == {"F-001": [["2026-08-03", "2026-08-04"]], "F-002": [["2026-08-03", "2026-08-04"]]}


def test_an_unreadable_archived_run_is_counted_and_the_rest_kept(db, org, farm, ann, rapidpro, make_context):
    kept = _sheep(ann, 5, AUGUST_3)
    rapidpro.add_archive(AUGUST_3.date(), [{**_sheep(ann, 4, AUGUST_3), "created_on": "yesterday"}, kept])
    counts = sync_runs(make_context(NOW))
    assert (counts.created, counts.malformed) == (1, 1)
    assert set(_stored(db)) == {kept["uuid"]}


def test_an_archive_that_does_not_match_its_hash_is_read_again_next_time(db, org, farm, ann, rapidpro,
                                                                         make_context):
    archived = _sheep(ann, 5, AUGUST_3)
    item = rapidpro.add_archive(AUGUST_3.date(), [archived])
    whole = rapidpro.files[item["download_url"]]
    rapidpro.files[item["download_url"]] = whole[: len(whole) // 2]  # cut short
    cut_short = make_context(NOW)
    sync_runs(cut_short)
    assert "did not match its hash" in cut_short.failed["archives"]
    assert _stored(db) == {}
    rapidpro.files[item["download_url"]] = whole
    assert sync_runs(make_context(NOW + timedelta(hours=1))).created == 1


def test_an_expired_download_link_is_asked_for_again(db, org, farm, ann, rapidpro, make_context):
    archived = _sheep(ann, 5, AUGUST_3)
    rapidpro.add_archive(AUGUST_3.date(), [archived])
    rapidpro.expired_listings = {1}
    assert sync_runs(make_context(NOW)).created == 1
    assert len(rapidpro.archive_listings) == 2 and rapidpro.downloads == ["2026-08-03 daily"]
