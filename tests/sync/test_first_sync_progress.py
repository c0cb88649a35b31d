"""How far a pass under way has got and when it should be done, as the Sync page shows it, and the
count of items kept aside as unreadable, which stays until they go."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from tests import factories as f
from tests.sync.fake_rapidpro import T0, FakeRapidPro, contact, group
from tracpro.auth.scope import Scope
from tracpro.db.models import SyncState
from tracpro.queries.sync_status import sync_status
from tracpro.sync.estimate import estimate
from tracpro.sync.runner import sync_org

HOUR = timedelta(hours=1)


def test_by_items_when_rapidpro_reports_them_at_the_pace_of_the_pass_so_far():
    state = SyncState(pass_started_at=T0, stored_total=10_000, expected_total=40_000,
                      pass_counts={"created": 10_000})
    guess = estimate(state, T0 + 2 * HOUR)  # 10,000 in two hours: 30,000 more in six
    assert (guess.progress, guess.finish) == (0.25, T0 + 8 * HOUR)
    assert estimate(SyncState(pass_started_at=T0, stored_total=0, expected_total=10, pass_counts={}),
                    T0 + HOUR).finish is None  # no pace yet
    done = SyncState(pass_started_at=None, stored_total=39_000, expected_total=40_000, pass_counts={})
    assert estimate(done, T0).progress == 0.975 and estimate(done, T0).finish is None  # not under way


def test_by_the_modified_on_read_when_rapidpro_reports_no_total():
    # A pass over 90 days of changes, under way for 3 hours, is 30 days in.
    state = SyncState(pass_started_at=T0, pass_after=T0 - timedelta(days=90), pass_position=T0 - timedelta(days=60),
                      stored_total=5_000, expected_total=None, pass_counts={"created": 5_000})
    guess = estimate(state, T0 + 3 * HOUR)
    assert round(guess.progress, 6) == round(1 / 3, 6) and guess.finish == T0 + 9 * HOUR


def test_the_status_shows_what_is_fetched_of_what_rapidpro_reports_and_when_it_should_be_done(db, org):
    f.PollFactory(org=org, rapidpro_name="Attendance", flow_uuid="F-1")
    f.SyncStateFactory(org=org, resource="runs:F-1", pass_started_at=T0, stored_total=1_000, expected_total=4_000,
                       pass_counts={"created": 1_000})
    f.SyncStateFactory(org=org, resource="contacts", last_success_at=T0)
    db.flush()
    status = sync_status(db, Scope(org.id, None), T0 + HOUR)
    row = status.resources.set_index("Resource").loc["Runs of Attendance"]
    assert (row["Fetched"], row["RapidPro reports"], row["Progress"]) == (1_000, 4_000, 0.25)
    in_the_orgs_time = (T0 + 4 * HOUR).astimezone(ZoneInfo(org.timezone)).replace(tzinfo=None)
    assert row["Finish estimate"] == in_the_orgs_time == status.finish_estimate


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
