"""Walking runs in modified_on order loses nothing RapidPro has, whatever happens while we read:
late commits, ties changed mid-walk (DRF's offset cursor), RapidPro's clock behind ours, a pass
killed inside a tie larger than a page (the contract is tracpro.sync.state's)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.sync.fake_rapidpro import T0, contact, group, iso, run
from tracpro.db.models import QuestionType, Response, SyncState
from tracpro.sync.runs import sync_runs

FLOW = {"uuid": "F-001", "name": "Farm Poll"}
KANDAHAR = group("Kandahar", "G-001")


@pytest.fixture
def poll(db, org):
    poll = f.PollFactory(org=org, flow_uuid=FLOW["uuid"], rapidpro_name=FLOW["name"], is_active=True)
    f.QuestionFactory(poll=poll, key="sheep", rapidpro_name="Number of sheep", question_type=QuestionType.NUMERIC)
    return poll


@pytest.fixture
def people(db, org):
    region = f.RegionFactory(org=org, uuid=KANDAHAR["uuid"], name="Kandahar")
    people = [contact(f"Person {n}", [KANDAHAR], urns=[f"tel:+2507880{n:05d}"]) for n in range(20)]
    for person in people:
        f.ContactFactory(org=org, uuid=person["uuid"], name=person["name"], region=region)
    return people


def _runs(people, stamps):
    return [run(FLOW, people[n % len(people)], {"sheep": (str(n), None, stamp)}, created_on=stamp, modified_on=stamp)
            for n, stamp in enumerate(stamps)]


def _stored(db) -> set[str]:
    db.expire_all()
    return set(db.scalars(select(Response.run_uuid)))


def _state(db) -> SyncState:
    db.expire_all()
    return db.scalars(select(SyncState).where(SyncState.resource == "runs:F-001")).one()


def test_a_run_committed_after_a_later_one_was_read_is_read_by_the_next_pass(db, org, poll, people, rapidpro,
                                                                            make_context):
    first_pass = T0 + timedelta(hours=1)
    early, late, later = _runs(people, [first_pass - timedelta(seconds=s) for s in (30, 20, 10)])
    rapidpro.data["runs"] = [early, late, later]
    # Stamped when its transaction started, inside the first pass's window, but committed (and on
    # the replica the API reads) only after that pass had read the run stamped after it.
    rapidpro.invisible = {late["uuid"]}
    sync_runs(make_context(first_pass))
    assert _stored(db) == {early["uuid"], later["uuid"]}

    rapidpro.invisible = set()
    again = sync_runs(make_context(first_pass + timedelta(minutes=10)))
    assert _stored(db) == {early["uuid"], late["uuid"], later["uuid"]}
    assert (again.created, again.updated) == (1, 0)  # the overlap read again is unchanged


def test_a_tied_run_changed_mid_walk_does_not_make_the_cursor_skip_another(db, org, poll, people, rapidpro,
                                                                          make_context):
    # 200 runs one after another, then a batch of 100 sharing one modified_on (one transaction),
    # then 50 more: the first page of 250 ends 50 runs into the batch.
    batch = T0 + timedelta(minutes=300)
    stamps = [T0 + timedelta(minutes=n) for n in range(200)] + [batch] * 100
    stamps += [batch + timedelta(minutes=n + 1) for n in range(50)]
    runs = _runs(people, stamps)
    rapidpro.data["runs"] = runs
    served_tied = runs[249]

    def change_a_served_tied_run(pages_served: int) -> None:
        if pages_served == 1:  # a contact answers again: its run leaves the batch, for later
            served_tied["modified_on"] = iso(batch + timedelta(hours=2))

    rapidpro.after_page = change_a_served_tied_run
    sync_runs(make_context(T0 + timedelta(days=1)))
    rapidpro.after_page = None
    sync_runs(make_context(T0 + timedelta(days=2)))
    assert _stored(db) == {item["uuid"] for item in runs}


def test_runs_stamped_by_a_rapidpro_clock_behind_ours_are_not_skipped(db, org, poll, people, rapidpro, make_context):
    ours = T0 + timedelta(hours=1)
    theirs = ours - timedelta(minutes=10)  # RapidPro's clock, ten minutes behind ours
    before = _runs(people, [theirs - timedelta(minutes=5), theirs - timedelta(seconds=1)])
    rapidpro.data["runs"] = list(before)
    sync_runs(make_context(ours))
    after = _runs(people, [theirs + timedelta(minutes=1)])  # a minute later, by RapidPro's clock
    rapidpro.data["runs"] += after
    sync_runs(make_context(ours + timedelta(minutes=5)))
    assert _stored(db) == {item["uuid"] for item in before + after}
    assert _state(db).watermark == theirs + timedelta(minutes=1)  # from what was read, not from our clock


def test_a_tie_larger_than_a_page_is_walked_through_and_resumed_inside(db, org, poll, people, rapidpro, make_context):
    batch = T0 + timedelta(minutes=5)
    runs = _runs(people, [T0] + [batch] * 600 + [batch + timedelta(minutes=1)])
    rapidpro.data["runs"] = runs
    # Killed after the pass asked afresh from the batch and went a page further with RapidPro's cursor.
    rapidpro.fail_after_pages = 3
    with pytest.raises(Exception, match="could not be reached"):
        sync_runs(make_context(T0 + timedelta(days=1)))
    state = _state(db)
    cursor = state.resume_cursor
    assert (state.pass_position, cursor is not None) == (batch, True)
    assert len(_stored(db)) == 1 + 500  # the first run, and the batch's first two pages

    rapidpro.fail_after_pages = None
    sync_runs(make_context(T0 + timedelta(days=2)))
    assert rapidpro.calls[3][1]["cursor"] == cursor  # resumed inside the batch
    assert _stored(db) == {item["uuid"] for item in runs}
    state = _state(db)
    assert (state.watermark, state.pass_started_at, state.stored_total) == (batch + timedelta(minutes=1), None, 602)


def test_a_second_pass_over_the_same_runs_counts_them_unchanged(db, org, poll, people, rapidpro, make_context):
    runs = _runs(people, [T0 + timedelta(seconds=n) for n in range(30)])
    rapidpro.data["runs"] = runs
    rapidpro.page_size = 7
    assert sync_runs(make_context(T0 + timedelta(days=1))).created == 30
    # Everything within the overlap of the largest modified_on is read again, and changes nothing.
    again = sync_runs(make_context(T0 + timedelta(days=2)))
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert again.unchanged >= 30
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Response).where(Response.is_active)) == 20  # superseded
