"""The sync job against the RapidPro simulator over HTTP, with the real client, as cron runs it."""

from __future__ import annotations

import random
import signal
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from tests.process_output import OutputLines
from tests.sync.canonical import canonical_dump, differences
from tests.sync.end_to_end import database_with_org
from tests.waiting import wait_until
from tracpro.db.token_cipher import encrypt_token
from tracpro.polls.rules import answer_category
from tracpro.simulator import Simulator

pytestmark = [pytest.mark.slow, pytest.mark.end_to_end]

TOKEN = "e2e-secret-token"
RESOURCE_DONE = "sync org=demo resource="  # the log line the job ends each resource with
# A first sync ends fields, groups, boundaries, contacts, deleted contacts, flows, questions, the
# five demo polls' runs and the runs archived past RapidPro's retention before the summaries, the
# inbox and the outbox.
RESOURCES = 13


@pytest.fixture(scope="module")
def simulator():
    with Simulator(tier="demo", seed=7, token=TOKEN) as simulator:
        yield simulator


@pytest.fixture(scope="module")
def synced(database_server, simulator):
    """The demo org synced once, uninterrupted: the reference every other test compares with."""
    with database_with_org(database_server, simulator) as database:
        result = database.sync_job("--org", "demo")
        assert result.returncode == 0, result.stderr
        yield database, canonical_dump(database.engine, "demo"), result


def _scalar(engine, sql: str, **parameters):
    with engine.connect() as connection:
        return connection.execute(text(sql), parameters).scalar_one()


def _rows(engine, sql: str, **parameters):
    with engine.connect() as connection:
        return connection.execute(text(sql), parameters).all()


def test_a_full_sync_stores_exactly_the_simulators_data(synced, simulator):
    database, dump, result = synced
    dataset = simulator.dataset
    assert "demo: synced (" in result.stdout

    contacts = list(dataset.iter_contacts())
    assert len(dump["contacts"]) == len(contacts)
    assert len(dump["contact_groups"]) == len(dataset.groups())
    assert len(dump["regions"]) == len(dataset.region_plan) == 15
    assert len(dump["boundaries"]) == len(dataset.boundaries())
    assert sorted(row[0] for row in dump["polls"]) == sorted(dataset.poll_flow_uuids)  # not Single Message
    assert {row[0] for row in dump["polls"] if row[5]} == set(dataset.poll_flow_uuids)

    # The runs RapidPro still serves, and those its archives hold (runs older than 90 days).
    archived = [run for flow in dataset.poll_flow_uuids for run in dataset.iter_archived_runs(flow)]
    runs = [run for flow in dataset.poll_flow_uuids for run in dataset.iter_runs(flow=flow)] + archived
    assert len(dump["responses"]) == len(runs) and len(archived) > 5_000
    by_run = {row[0]: row for row in dump["responses"]}
    expected_status = {
        run["uuid"]: "complete" if run["exit_type"] == "completed" else ("partial" if run["values"] else "empty")
        for run in runs
    }
    assert {uuid: row[5] for uuid, row in by_run.items()} == expected_status

    question_keys = {(row[0], row[1]) for row in dump["questions"]}
    values = [(run, key, value) for run in runs for key, value in run["values"].items()
              if (run["flow"]["uuid"], key) in question_keys]
    assert len(dump["answers"]) == len(values) > 50_000
    answers = {(row[0], row[1]): row for row in dump["answers"]}
    for run, key, value in values:
        stored = answers[(run["uuid"], key)]
        assert (stored[3], stored[5]) == (value["value"], answer_category(value["category"]))

    # One universal pollrun per poll per org-local day of the runs' creation.
    zone = ZoneInfo(dataset.workspace()["timezone"])
    days = {(run["flow"]["uuid"], datetime.fromisoformat(run["created_on"]).astimezone(zone).date())
            for run in runs}
    assert len(dump["pollruns"]) == len(days)
    assert all(row[1] == "universal" for row in dump["pollruns"])
    assert all((row[1], row[3]) in days for row in by_run.values())

    # A contact's responses in one pollrun: only the latest created is active.
    per_pair = Counter((row[1], row[3], row[4]) for row in dump["responses"] if row[6])
    assert set(per_pair.values()) == {1}
    assert any(not row[6] for row in dump["responses"])  # the dataset has repeats: some are superseded


def test_values_to_use_follow_the_last_answer_of_the_org_local_day(synced):
    database, dump, _ = synced
    numeric = {(row[0], row[1]) for row in dump["questions"] if row[3] == "numeric"}
    flows = {row[0]: row[1] for row in dump["responses"]}
    groups: dict[tuple, list] = {}
    for run_uuid, key, contact, value, number, _category, to_use, _to_use_number, submitted_on, day in dump["answers"]:
        if (flows[run_uuid], key) in numeric:
            groups.setdefault((flows[run_uuid], key, contact, day), []).append(
                (submitted_on, run_uuid, value, number, to_use)
            )
    repeated = [answers for answers in groups.values() if len(answers) > 1]
    assert repeated, "the demo dataset has same-day repeats"
    for answers in groups.values():
        # The latest answer of the day, whatever it says, is what every number of that day uses;
        # an answer that is not a number keeps its own words.
        latest_value = max(answers, key=lambda answer: (answer[0], answer[1]))[2]
        for _, _, value, number, to_use in answers:
            assert to_use == (latest_value if number is not None else value)


def test_contacts_outside_tracked_regions_blocked_or_without_urn_are_inactive(synced, simulator):
    database, dump, _ = synced
    tracked = {uuid for uuid, *_ in simulator.dataset.region_plan}
    for row in dump["contacts"]:
        uuid, _name, urn, _language, region, _fields, group_uuids, status, is_active = row[:9]
        in_region = bool(tracked & set(__import__("json").loads(group_uuids)))
        assert is_active == (status in ("active", "stopped") and urn is not None and in_region), row
        assert (region is not None) == in_region
    statuses = Counter((row[7], row[8]) for row in dump["contacts"])
    assert statuses[("blocked", False)] > 0 and statuses[("active", False)] > 0 and statuses[("active", True)] > 1000


def test_a_second_sync_with_nothing_new_changes_nothing(synced):
    database, dump, _ = synced
    result = database.sync_job("--org", "demo")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "demo: synced (nothing new)"
    assert canonical_dump(database.engine, "demo") == dump


def test_the_sync_refreshes_the_summaries_home_and_activity_read(synced):
    database, _, _ = synced
    demo = "JOIN orgs o ON o.id = r.org_id AND o.slug = 'demo'"
    counted = _scalar(
        database.engine,
        f"SELECT count(*) FROM responses r {demo} JOIN contacts c ON c.id = r.contact_id "
        "WHERE r.is_active AND c.is_active AND c.region_id IS NOT NULL",
    )
    assert _scalar(database.engine, f"SELECT sum(r.responses) FROM pollrun_region_counts r {demo}") == counted > 0
    started = _scalar(database.engine, f"SELECT count(*) FROM responses r {demo} WHERE r.is_active")
    assert _scalar(database.engine, f"SELECT sum(r.responses) FROM started_days r {demo}") == started
    answered = _scalar(
        database.engine,
        f"SELECT count(*) FROM responses r {demo} JOIN contacts c ON c.id = r.contact_id "
        "WHERE r.is_active AND c.is_active AND c.region_id IS NOT NULL "
        "AND r.status <> 'empty'",
    )
    for table in ("activity_days", "activity_region_totals", "activity_language_totals", "activity_channel_totals"):
        assert _scalar(database.engine, f"SELECT sum(r.responses) FROM {table} r {demo}") == answered > 0, table
    assert _scalar(database.engine, f"SELECT sum(r.responses) FROM activity_group_totals r {demo}") == _scalar(
        database.engine, f"SELECT sum(r.responses) FROM activity_group_days r {demo}") > 0


def _responses(database) -> int:
    return _scalar(database.engine, "SELECT count(*) FROM responses")


def _kill_at_a_point_chosen_by(chance: random.Random, database) -> None:
    """Start the job and SIGKILL it at a point chosen at random among those it shows: just after
    it has ended its n-th resource, or once it has stored n more responses (in a poll's runs)."""
    job = database.start_sync_job("--org", "demo", quiet=False)
    log, _ = OutputLines(job.stderr), OutputLines(job.stdout)
    if chance.random() < 0.5:
        log.wait_for(lambda line: RESOURCE_DONE in line, count=chance.randint(1, RESOURCES))
    else:
        more = _responses(database) + chance.randint(1, 15_000)  # about a poll's runs
        wait_until(lambda: _responses(database) >= more or job.poll() is not None,
                   "the job neither stored the responses nor ended:\n" + "".join(log.lines))
    job.send_signal(signal.SIGKILL)
    job.wait(timeout=30)


def test_killed_anywhere_and_run_again_it_ends_as_an_uninterrupted_run(database_server, simulator, synced):
    _, reference, _ = synced
    chance = random.Random(20261122)
    with database_with_org(database_server, simulator) as database:
        for _ in range(4):
            _kill_at_a_point_chosen_by(chance, database)
        responses_before_the_last_run = _scalar(database.engine, "SELECT count(*) FROM responses")
        result = database.sync_job("--org", "demo")
        assert result.returncode == 0, result.stderr
        assert responses_before_the_last_run > 0  # the kills did land mid-sync
        assert differences(canonical_dump(database.engine, "demo"), reference) == {}


def test_throttling_errors_and_timeouts_end_with_the_same_result(database_server, simulator, synced):
    _, reference, _ = synced
    with database_with_org(database_server, simulator) as database:
        simulator.faults.update(throttle_every=37, retry_after=1, error_every=53, error_status=503,
                                slow_every=61, slow_ms=2500)
        try:  # a 1-second timeout makes every slow answer a timeout
            result = database.sync_job("--org", "demo", TRACPRO_RAPIDPRO_TIMEOUT="1")
        finally:
            simulator.faults.reset()
        assert result.returncode == 0, result.stderr
        # Each kind of fault was met, and retried.
        for fault in ("TembaRateExceededError", "TembaHttpError", "ReadTimeout"):
            assert f"RapidPro call failed ({fault}" in result.stderr, fault
        assert differences(canonical_dump(database.engine, "demo"), reference) == {}


def test_a_bad_token_fails_that_org_with_a_clear_message_while_the_others_sync(synced, simulator):
    database, _, _ = synced
    with database.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO orgs (slug, name, rapidpro_host, rapidpro_token_encrypted) "
            "VALUES ('broken', 'Broken', :host, :token)"
        ), {"host": simulator.url, "token": encrypt_token("wrong")})
    try:
        result = database.sync_job()
        assert result.returncode == 1
        lines = sorted(result.stdout.strip().splitlines())
        assert lines == [
            "broken: failed — RapidPro refused the API token (HTTP 403): check the org's RapidPro token.",
            "demo: synced (nothing new)",
        ]
        error = _scalar(database.engine, "SELECT last_error FROM sync_states s JOIN orgs o ON o.id = s.org_id "
                                         "WHERE o.slug = 'broken' AND s.resource = 'org'")
        assert "refused the API token" in error
    finally:
        with database.engine.begin() as connection:
            connection.execute(text("DELETE FROM orgs WHERE slug = 'broken'"))


def test_two_jobs_started_together_one_syncs_and_the_other_says_the_org_is_busy(synced, simulator):
    database, _, _ = synced
    simulator.faults.update(slow_ms=150)  # long enough for the two to overlap
    try:
        jobs = [database.start_sync_job("--org", "demo") for _ in range(2)]
        outcomes = sorted((job.wait(timeout=300), job.stdout.read().strip()) for job in jobs)
    finally:
        simulator.faults.reset()
    assert outcomes == [
        (0, "demo: synced (nothing new)"),
        (3, "demo: busy — another sync job is syncing this org"),
    ]


def test_a_malformed_item_is_skipped_and_the_rest_of_its_page_kept(simulator):
    from tracpro.rapidpro import RapidPro

    flow = simulator.dataset.poll_flow_uuids[0]
    simulator.faults.update(malformed_next=1)
    try:
        page = next(RapidPro(simulator.url, TOKEN).pages("runs", flow=flow, reverse=True))
    finally:
        simulator.faults.reset()
    assert len(page.malformed) >= 1
    assert len(page.items) + len(page.malformed) == 250
    assert all(run.uuid for run in page.items)


def test_the_watermark_is_the_start_of_the_last_complete_pass(synced):
    database, _, result = synced
    rows = _rows(database.engine, "SELECT resource, watermark, pass_started_at, resume_cursor, last_started_at "
                                  "FROM sync_states WHERE resource LIKE 'runs:%' OR resource = 'contacts'")
    assert rows and all(row.watermark is not None and row.pass_started_at is None and row.resume_cursor is None
                        for row in rows)
    # The job's own clock, as it wrote it: a pass never moves the watermark past its own start.
    assert all(row.watermark <= row.last_started_at for row in rows)


def test_loop_syncs_again_and_again_until_interrupted(synced):
    database, _, _ = synced
    job = database.start_sync_job("--org", "demo", "--loop", "0.5")
    output, errors = OutputLines(job.stdout), OutputLines(job.stderr)
    rounds = output.wait_for(lambda line: line.startswith("demo: synced (nothing new)"), count=2)
    job.send_signal(signal.SIGINT)
    assert job.wait(timeout=60) == 130 and rounds, output.wait_until_ended() + errors.wait_until_ended()
    assert output.wait_until_ended().count("demo: synced (nothing new)") >= 2


def test_the_demo_option_sets_up_the_demo_orgs_on_the_simulator_and_syncs_them(fresh_database):
    from sqlalchemy.orm import Session

    from tests.sync.end_to_end import SyncedDatabase
    from tracpro.auth.scope import Scope
    from tracpro.db.connection import make_engine
    from tracpro.queries.alerts import participation_alerts
    from tracpro.queries.fields import visible_fields
    from tracpro.queries.indicators import featured_indicator

    database = SyncedDatabase("fresh", fresh_database, None)
    result = database.sync_job("--demo")
    assert result.returncode == 0, result.stderr
    assert "demo: synced (contacts +" in result.stdout and "demo-health: synced (contacts +" in result.stdout
    assert "Demo login: superuser@demo.tracpro / demo-superuser-pass" in result.stdout
    engine = make_engine(fresh_database)
    try:
        orgs = dict(_rows(engine, "SELECT slug, id FROM orgs"))
        assert set(orgs) == {"demo", "demo-health"}
        demo = orgs["demo"]
        mine = {"org": demo}
        assert _scalar(engine, "SELECT count(*) FROM regions WHERE is_active AND parent_id IS NOT NULL AND "
                               "org_id = :org", **mine) == 12
        assert _scalar(engine, "SELECT count(*) FROM polls WHERE is_active AND org_id = :org", **mine) == 5
        assert _scalar(engine, "SELECT count(*) FROM reporter_groups WHERE is_active AND org_id = :org", **mine) > 0
        assert _scalar(engine, "SELECT count(*) FROM answers a JOIN questions q ON q.id = a.question_id "
                               "WHERE q.org_id = :org", **mine) > 80_000
        assert _scalar(engine, "SELECT count(*) FROM regions WHERE boundary_id IS NOT NULL AND org_id = :org",
                       **mine) == 15
        assert _scalar(engine, "SELECT count(*) FROM polls WHERE is_active AND org_id = :org",
                       org=orgs["demo-health"]) == 3
        # People named as people: distinct names, a few unnamed (shown by their number), as in RapidPro.
        names = [name for (name,) in _rows(engine, "SELECT name FROM contacts WHERE org_id = :org", **mine)]
        named = [name for name in names if name]
        assert len(set(named)) == len(named) and len(names) - len(named) <= 0.05 * len(names)
        assert _scalar(engine, "SELECT count(*) FROM users WHERE is_superuser AND login = :login",
                       login="superuser@demo.tracpro") == 1
        with Session(engine) as session:
            for org_id in orgs.values():
                scope = Scope(org_id, None)
                assert [label for _key, label in visible_fields(session, scope)] == ["Age", "Gender", "Occupation"]
                alerts = participation_alerts(session, scope)
                assert alerts and all(alert.rate < alert.usual_rate / 2 for alert in alerts)
            featured = featured_indicator(session, Scope(demo, None))
            assert featured is not None
            _indicator, data = featured
            assert data.name == "Attendance this term" and len(data.follow_up) >= 8
            # Pupils present each week are most of the pupils enrolled at the start of term, never more.
            assert 0.75 * data.baseline <= data.follow_up_mean <= 0.97 * data.baseline
            assert max(data.follow_up) < data.baseline
            assert featured_indicator(session, Scope(orgs["demo-health"], None)) is None
    finally:
        engine.dispose()


def _ask(database, days=None) -> int:
    with database.engine.begin() as connection:
        org = connection.execute(text("SELECT id FROM orgs WHERE slug = 'demo'")).scalar_one()
        return connection.execute(text("INSERT INTO sync_requests (org_id, days) VALUES (:org, :days) RETURNING id"),
                                  {"org": org, "days": days}).scalar_one()


def _request(database, request_id):
    return _rows(database.engine, "SELECT status, message FROM sync_requests WHERE id = :id", id=request_id)[0]


def test_an_admins_request_is_honoured_by_the_next_job_and_by_a_looping_one_within_seconds(synced):
    database, _, _ = synced
    asked = _ask(database, days=3)
    result = database.sync_job("--org", "demo")
    assert result.returncode == 0, result.stderr
    assert tuple(_request(database, asked)) == ("done", "demo: synced (nothing new)")
    job = database.start_sync_job("--org", "demo", "--loop", "600")
    output, errors = OutputLines(job.stdout), OutputLines(job.stderr)
    try:
        assert output.wait_for(lambda line: line.startswith("demo: ")), errors.wait_until_ended()  # first round
        asked = _ask(database)
        # Between rounds the job looks for requests every few seconds; only the request's row says it did.
        wait_until(lambda: _request(database, asked).status == "done", "the looping job left the request")
    finally:
        job.send_signal(signal.SIGINT)
        job.wait(timeout=60)


def test_the_nightly_export_writes_csv_and_parquet(synced, tmp_path):
    database, _, _ = synced
    yesterday = _scalar(database.engine, "SELECT max(updated_on)::date FROM responses")
    result = database.sync_job("--export", str(tmp_path), "--date", str(yesterday))
    assert result.returncode == 0, result.stderr
    files = sorted(path.name for path in (tmp_path / "demo").iterdir())
    assert files == [f"demo-responses-{yesterday}.csv", f"demo-responses-{yesterday}.parquet"]
    assert ": " in result.stdout and "rows" in result.stdout
