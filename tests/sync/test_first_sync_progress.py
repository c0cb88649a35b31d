"""How far a pass under way has got and when it should be done, as the Sync page shows it, and the
count of items kept aside as unreadable, which stays until they go."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tests import factories as f
from tests.sync.fake_rapidpro import T0, FakeRapidPro, contact, flow, group, run
from tracpro.auth.scope import Scope
from tracpro.db.models import SyncState
from tracpro.queries.sync_status import sync_status
from tracpro.sync.estimate import finish, progress
from tracpro.sync.runner import sync_org
from tracpro.sync.state import catch_up

HOUR = timedelta(hours=1)


def test_progress_by_items_when_rapidpro_reports_them_else_by_the_modified_on_read():
    assert progress(SyncState(stored_total=10_000, expected_total=40_000, pass_started_at=None)) == 0.25
    assert progress(SyncState(stored_total=41_000, expected_total=40_000, pass_started_at=None)) == 1.0
    # A pass over 90 days of changes, 30 days in.
    contacts = SyncState(pass_started_at=T0, pass_after=T0 - timedelta(days=90), pass_position=T0 - timedelta(days=60),
                         stored_total=5_000, expected_total=None)
    assert round(progress(contacts), 6) == round(1 / 3, 6)
    assert progress(SyncState(stored_total=5, expected_total=None, pass_started_at=None)) is None


def _runs(flow: str, **fields) -> SyncState:
    return SyncState(resource=f"runs:{flow}", **{"stored_total": 0, "pass_started_at": None, "last_success_at": None,
                                                 **fields})


def test_the_finish_is_what_every_poll_has_left_at_the_pace_of_the_whole_catch_up_so_far():
    # Two hours into a first sync that began with nothing stored: one poll done (12,000 runs, of
    # RapidPro's 12,500: the rest archived), one a third read (4,000 of 12,000), one not begun
    # (12,000): 16,000 runs in two hours, 20,000 left, two and a half hours more.
    states = [
        _runs("A", stored_total=12_000, expected_total=12_500, last_success_at=T0 + HOUR),
        _runs("B", stored_total=4_000, expected_total=12_000, pass_started_at=T0),
        _runs("C", expected_total=12_000),
    ]
    began = (T0, 0)
    assert finish(states, began, T0 + 2 * HOUR) == T0 + 4.5 * HOUR
    assert finish(states[:1] + states[2:], began, T0 + 2 * HOUR) is None  # none under way
    assert finish(states, None, T0 + 2 * HOUR) is None  # no catch-up recorded: no pace
    assert finish(states, (T0 + 2 * HOUR, 16_000), T0 + 2 * HOUR) is None  # no pace yet
    # Contacts have no total: their pass is done at its own pace by time; the later finish counts.
    contacts = SyncState(resource="contacts", pass_started_at=T0, pass_after=T0 - timedelta(days=90),
                         pass_position=T0 - timedelta(days=80), stored_total=0, expected_total=None, pass_counts={})
    assert finish([*states, contacts], began, T0 + 2 * HOUR) == T0 + 18 * HOUR  # a ninth in two hours: 16 more


def test_the_status_shows_what_is_fetched_of_what_rapidpro_reports_and_when_it_should_be_done(db, org):
    f.PollFactory(org=org, rapidpro_name="Attendance", flow_uuid="F-1")
    f.SyncStateFactory(org=org, resource="runs:F-1", pass_started_at=T0, stored_total=1_000, expected_total=4_000)
    f.SyncStateFactory(org=org, resource="contacts", last_success_at=T0)
    f.SyncStateFactory(org=org, resource="org", pass_started_at=T0, pass_counts={"stored": 0})  # the catch-up
    db.flush()
    status = sync_status(db, Scope(org.id, None), T0 + HOUR)
    row = status.resources.set_index("Resource").loc["Runs of Attendance"]
    assert (row["Fetched"], row["RapidPro reports"], row["Progress"]) == (1_000, 4_000, 0.25)
    assert status.finish_estimate == (T0 + 4 * HOUR).astimezone(ZoneInfo(org.timezone)).replace(tzinfo=None)


def test_a_catch_up_is_recorded_while_passes_are_left_under_way_across_runs(db, org):
    """The sync's pace is the runs stored since the first run that left passes under way."""
    rapidpro = FakeRapidPro()
    remote = flow("Census", "F-001")
    person = contact("Ann", [group("Kandahar", "G-001")])
    rapidpro.data["flows"], rapidpro.data["contacts"] = [remote], [person]
    rapidpro.data["runs"] = [run(remote, person, {}, created_on=T0 - timedelta(minutes=n)) for n in range(600)]
    rapidpro.data["flows"][0]["runs"] = {"completed": 600}
    f.PollFactory(org=org, flow_uuid="F-001", rapidpro_name="Census", is_active=True)
    db.flush()

    def org_row():
        db.expire_all()
        return db.scalars(select(SyncState).where(SyncState.org_id == org.id, SyncState.resource == "org")).one()

    def one_page_of_runs() -> bool:
        return sum(1 for resource, _ in rapidpro.calls if resource == "runs") >= 1

    sync_org(org.id, clock=lambda: T0, connect=lambda *args: rapidpro, out_of_time=one_page_of_runs)
    assert catch_up(org_row()) == (T0, 0)
    status = sync_status(db, Scope(org.id, None), T0 + timedelta(minutes=10))
    assert status.finish_estimate is not None  # 250 of 600 in ten minutes
    rapidpro.calls.clear()
    sync_org(org.id, clock=lambda: T0 + timedelta(minutes=10), connect=lambda *args: rapidpro)
    assert catch_up(org_row()) is None  # nothing under way any more
    assert sync_status(db, Scope(org.id, None), T0 + timedelta(minutes=20)).finish_estimate is None


def test_the_count_of_items_kept_aside_stays_until_they_go(db, org):
    """Problem: a pass counted the malformed items it met, the next pass (which never read them
    again) counted 0, and the page showed 0 while they were still missing."""
    rapidpro = FakeRapidPro()
    broken = contact("Bob", [group("Kandahar", "G-001")])
    rapidpro.data["contacts"] = [contact("Ann", [group("Kandahar", "G-001")]), broken]
    rapidpro.unreadable = {broken["uuid"]}
    for minutes in (0, 10, 20):
        sync_org(org.id, clock=lambda minutes=minutes: T0 + timedelta(minutes=minutes), connect=lambda *args: rapidpro)
        status = sync_status(db, Scope(org.id, None), T0 + timedelta(minutes=minutes))
        assert status.unreadable == 1
        assert status.resources.set_index("Resource").loc["Contacts", "Unreadable"] == 1
    rapidpro.unreadable = set()
    sync_org(org.id, clock=lambda: T0 + timedelta(minutes=30), connect=lambda *args: rapidpro)
    assert sync_status(db, Scope(org.id, None), T0 + timedelta(minutes=30)).unreadable == 0
