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
from tracpro.sync.estimate import finish, progress
from tracpro.sync.runner import sync_org

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
    return SyncState(resource=f"runs:{flow}", **{"stored_total": 0, "pass_counts": {}, "last_counts": {}, **fields})


def test_the_finish_is_what_every_poll_has_left_at_the_pace_of_the_whole_sync_so_far():
    # Under way for two hours: one poll done (12,000 runs), one a third read (4,000 of 12,000),
    # one not begun (12,000): 16,000 runs in two hours, 20,000 left, two and a half hours more.
    states = [
        _runs("A", stored_total=12_000, expected_total=12_000, last_success_at=T0 + HOUR,
              last_counts={"created": 12_000}),
        _runs("B", stored_total=4_000, expected_total=12_000, pass_started_at=T0, pass_counts={"created": 4_000}),
        _runs("C", expected_total=12_000),
    ]
    assert finish(states, T0 + 2 * HOUR) == T0 + 4.5 * HOUR
    assert finish(states[:1] + states[2:], T0 + 2 * HOUR) is None  # none under way
    no_pace = [_runs("B", stored_total=0, expected_total=12_000, pass_started_at=T0, pass_counts={})]
    assert finish(no_pace, T0 + HOUR) is None
    # Contacts have no total: their pass is done at its own pace by time; the later finish counts.
    contacts = SyncState(resource="contacts", pass_started_at=T0, pass_after=T0 - timedelta(days=90),
                         pass_position=T0 - timedelta(days=80), stored_total=0, expected_total=None, pass_counts={})
    assert finish([*states, contacts], T0 + 2 * HOUR) == T0 + 18 * HOUR  # a ninth in two hours: 16 more


def test_the_status_shows_what_is_fetched_of_what_rapidpro_reports_and_when_it_should_be_done(db, org):
    f.PollFactory(org=org, rapidpro_name="Attendance", flow_uuid="F-1")
    f.SyncStateFactory(org=org, resource="runs:F-1", pass_started_at=T0, stored_total=1_000, expected_total=4_000,
                       pass_counts={"created": 1_000})
    f.SyncStateFactory(org=org, resource="contacts", last_success_at=T0)
    db.flush()
    status = sync_status(db, Scope(org.id, None), T0 + HOUR)
    row = status.resources.set_index("Resource").loc["Runs of Attendance"]
    assert (row["Fetched"], row["RapidPro reports"], row["Progress"]) == (1_000, 4_000, 0.25)
    assert status.finish_estimate == (T0 + 4 * HOUR).astimezone(ZoneInfo(org.timezone)).replace(tzinfo=None)


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
