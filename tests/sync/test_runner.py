"""The per-org pass: order, failure handling and backoff (30 minutes doubling, at most a day)."""

from __future__ import annotations

from datetime import timedelta

from cryptography.fernet import Fernet
from sqlalchemy import func, select

from tests import factories as f
from tests.sync.fake_rapidpro import T0, FakeRapidPro, contact, flow, group, run
from tracpro.db.models import Contact, MalformedItem, OutboxAction, OutboxStatus, Region, Response, SyncState
from tracpro.db.token_cipher import decrypt_token
from tracpro.rapidpro import MissingInRapidPro
from tracpro.sync.runner import OrgStatus, sync_org
from tracpro.sync.state import ORG_RESOURCE, backoff_after


def test_backoff_doubles_from_thirty_minutes_up_to_a_day():
    assert [backoff_after(n) for n in (1, 2, 3, 4, 6, 7, 20)] == [
        timedelta(minutes=30),
        timedelta(hours=1),
        timedelta(hours=2),
        timedelta(hours=4),
        timedelta(hours=16),
        timedelta(days=1),
        timedelta(days=1),
    ]


def _org_state(db, org) -> SyncState:
    db.expire_all()
    return db.scalars(select(SyncState).where(SyncState.org_id == org.id, SyncState.resource == ORG_RESOURCE)).one()


def test_a_failing_org_backs_off_and_succeeds_later(db, org):
    broken = FakeRapidPro()
    broken.fail_after_pages = 0
    times = iter([T0 + timedelta(minutes=minutes) for minutes in range(0, 10_000, 5)])

    def clock():
        return next(times)

    first = sync_org(org.id, clock=clock, connect=lambda *args: broken)
    assert first.status == OrgStatus.FAILED
    assert "could not be reached" in first.message
    state = _org_state(db, org)
    assert state.failure_count == 1
    assert state.next_allowed_at - state.last_finished_at == timedelta(minutes=30)
    assert db.scalars(select(SyncState.last_error).where(SyncState.resource == "fields")).one() == first.message

    waiting = sync_org(org.id, clock=clock, connect=lambda *args: broken)
    assert waiting.status == OrgStatus.BACKING_OFF
    assert _org_state(db, org).failure_count == 1  # not tried, so not failed again

    again = sync_org(org.id, clock=clock, force=True, connect=lambda *args: broken)
    assert again.status == OrgStatus.FAILED
    state = _org_state(db, org)
    assert (state.failure_count, state.next_allowed_at - state.last_finished_at) == (2, timedelta(hours=1))

    healthy = FakeRapidPro()
    healthy.data["contacts"] = [contact("Ann", [group("Kandahar")])]
    fixed = sync_org(org.id, clock=clock, force=True, connect=lambda *args: healthy)
    assert fixed.status == OrgStatus.SYNCED, fixed.message
    state = _org_state(db, org)
    assert (state.failure_count, state.next_allowed_at, state.last_error) == (0, None, None)
    assert db.scalars(select(Contact.name).where(Contact.org_id == org.id)).all() == ["Ann"]


def test_one_org_failing_does_not_stop_another(db, org):
    other = f.OrgFactory(slug="other", rapidpro_token="other-token")
    broken, healthy = FakeRapidPro(), FakeRapidPro()
    broken.fail_after_pages = 0
    healthy.data["contacts"] = [contact("Norbert", [group("Kigali")])]
    connections = {decrypt_token(org.rapidpro_token_encrypted): broken}  # the client gets the token decrypted
    db.flush()
    outcomes = [
        sync_org(org_id, clock=lambda: T0, connect=lambda host, token, retry: connections.get(token, healthy))
        for org_id in (org.id, other.id)
    ]
    assert [outcome.status for outcome in outcomes] == [OrgStatus.FAILED, OrgStatus.SYNCED]
    db.expire_all()
    assert db.scalars(select(Contact.name).where(Contact.org_id == other.id)).all() == ["Norbert"]


def test_a_token_no_key_decrypts_fails_that_org_in_a_sentence_and_sends_nothing(db, org, monkeypatch):
    monkeypatch.setenv("TRACPRO_TOKEN_KEYS", Fernet.generate_key().decode())  # not the key it was encrypted with

    def connect(*args):
        raise AssertionError("no client is built without the token")

    outcome = sync_org(org.id, clock=lambda: T0, connect=connect)
    assert outcome.status == OrgStatus.FAILED
    assert outcome.message.startswith("A stored RapidPro token cannot be decrypted with the keys in TRACPRO_TOKEN_KEYS")
    state = _org_state(db, org)
    assert (state.failure_count, state.last_error) == (1, outcome.message)


def _one_poll(db, org, rapidpro: FakeRapidPro) -> dict:
    """A flow chosen as a poll, with one run of one contact, in RapidPro and in TracPro."""
    remote_flow = flow("Farm Poll", "F-001")
    person = contact("Ann", [group("Kandahar", "G-001")])
    rapidpro.data["flows"] = [remote_flow]
    rapidpro.data["contacts"] = [person]
    rapidpro.data["runs"] = [run(remote_flow, person, {})]
    f.PollFactory(org=org, flow_uuid="F-001", rapidpro_name="Farm Poll", is_active=True)
    db.flush()
    return remote_flow


def test_a_resource_failing_is_recorded_against_it_and_the_others_still_sync(db, org):
    rapidpro = FakeRapidPro()
    _one_poll(db, org, rapidpro)
    rapidpro.failing["boundaries"] = MissingInRapidPro("RapidPro has no such object (HTTP 404).")
    outcome = sync_org(org.id, clock=lambda: T0, connect=lambda *args: rapidpro)
    assert outcome.status == OrgStatus.PARTLY
    assert outcome.failed == {"boundaries": "RapidPro has no such object (HTTP 404)."}
    db.expire_all()
    assert db.scalars(select(Contact.name).where(Contact.org_id == org.id)).all() == ["Ann"]  # after boundaries
    assert db.scalar(select(func.count()).select_from(Response)) == 1
    errors = dict(db.execute(select(SyncState.resource, SyncState.last_error).where(SyncState.org_id == org.id)).all())
    assert errors["boundaries"] == "RapidPro has no such object (HTTP 404)." and errors["contacts"] is None
    assert _org_state(db, org).next_allowed_at is None  # one resource failing does not hold the org back


def test_runs_wait_for_a_pass_whose_flows_synced(db, org):
    rapidpro = FakeRapidPro()
    _one_poll(db, org, rapidpro)
    rapidpro.failing["flows"] = MissingInRapidPro("RapidPro has no such object (HTTP 404).")
    outcome = sync_org(org.id, clock=lambda: T0, connect=lambda *args: rapidpro)
    assert (outcome.status, list(outcome.failed), outcome.unfinished) == (
        OrgStatus.PARTLY, ["flows"], {"runs": "waits for flows to sync"})
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Response)) == 0
    assert db.scalars(select(Contact.name).where(Contact.org_id == org.id)).all() == ["Ann"]

    del rapidpro.failing["flows"]
    assert sync_org(org.id, clock=lambda: T0 + timedelta(minutes=10), connect=lambda *args: rapidpro).status == (
        OrgStatus.SYNCED)
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Response)) == 1


def test_a_flow_whose_definition_fails_holds_its_own_polls_runs_only(db, org):
    rapidpro = FakeRapidPro()
    _one_poll(db, org, rapidpro)
    second = flow("Water Poll", "F-002")
    rapidpro.data["flows"].append(second)
    rapidpro.data["runs"].append(run(second, rapidpro.data["contacts"][0], {}))
    f.PollFactory(org=org, flow_uuid="F-002", rapidpro_name="Water Poll", is_active=True)
    db.flush()
    rapidpro.failing["definitions:F-001"] = MissingInRapidPro("RapidPro has no such object (HTTP 404).")
    outcome = sync_org(org.id, clock=lambda: T0, connect=lambda *args: rapidpro)
    assert (outcome.status, outcome.failed, outcome.unfinished) == (
        OrgStatus.PARTLY, {"questions:F-001": "RapidPro has no such object (HTTP 404)."},
        {"runs:F-001": "waits for its questions to sync"})
    # The batch of both flows failed, then each was asked for alone.
    assert [filters["flow"] for resource, filters in rapidpro.calls if resource == "definitions"] == [
        ["F-001", "F-002"], ["F-001"], ["F-002"]]
    db.expire_all()
    assert db.scalars(select(Response.run_uuid)).all() == [rapidpro.data["runs"][1]["uuid"]]

    del rapidpro.failing["definitions:F-001"]
    assert sync_org(org.id, clock=lambda: T0 + timedelta(minutes=10), connect=lambda *args: rapidpro).status == (
        OrgStatus.SYNCED)
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Response)) == 2
    assert db.scalar(select(func.count()).select_from(SyncState).where(SyncState.resource == "questions:F-001")) == 0


def test_the_outbox_is_pushed_while_the_org_backs_off(db, org):
    broken = FakeRapidPro()
    broken.fail_after_pages = 0
    assert sync_org(org.id, clock=lambda: T0, connect=lambda *args: broken).status == OrgStatus.FAILED
    action = f.OutboxActionFactory(org=org, payload={"text": "Meeting at noon", "contacts": ["C-1"]})
    db.flush()
    outcome = sync_org(org.id, clock=lambda: T0 + timedelta(minutes=5), connect=lambda *args: broken)
    assert outcome.status == OrgStatus.BACKING_OFF
    assert broken.broadcasts == [("Meeting at noon", ["C-1"])]
    db.expire_all()
    assert db.get(OutboxAction, action.id).status == OutboxStatus.DONE


def test_items_rapidpro_sent_unreadable_are_kept_aside_counted_and_tried_again(db, org):
    rapidpro = FakeRapidPro()
    _one_poll(db, org, rapidpro)
    unreadable = contact("Bob", [group("Kandahar", "G-001")])
    rapidpro.data["contacts"].append(unreadable)
    rapidpro.unreadable = {unreadable["uuid"]}
    first = sync_org(org.id, clock=lambda: T0, connect=lambda *args: rapidpro)
    assert (first.status, first.kept_aside) == (OrgStatus.SYNCED, 1)
    db.expire_all()
    kept = db.scalars(select(MalformedItem)).one()
    assert (kept.resource, kept.item_key, kept.uuid, kept.attempts) == ("contacts", unreadable["uuid"],
                                                                        unreadable["uuid"], 1)
    assert kept.raw["name"] == "Bob" and "unreadable" in kept.reason

    # Still unreadable: asked for again by uuid, and read again in the overlap, two more attempts.
    again = sync_org(org.id, clock=lambda: T0 + timedelta(minutes=10), connect=lambda *args: rapidpro)
    assert again.kept_aside == 1
    assert ("contacts", {"uuid": unreadable["uuid"], "cursor": None}) in rapidpro.calls
    db.expire_all()
    assert db.scalars(select(MalformedItem.attempts)).one() == 3

    rapidpro.unreadable = set()
    fixed = sync_org(org.id, clock=lambda: T0 + timedelta(minutes=20), connect=lambda *args: rapidpro)
    assert fixed.kept_aside == 0
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(MalformedItem)) == 0
    assert "Bob" in db.scalars(select(Contact.name).where(Contact.org_id == org.id)).all()


def test_a_whole_list_with_an_unreadable_item_is_not_reconciled(db, org):
    rapidpro = FakeRapidPro()
    kept, broken = group("Kandahar", "G-001"), group("Khost", "G-002")
    rapidpro.data["groups"] = [kept, broken]
    f.RegionFactory(org=org, uuid="G-002", name="Khost")
    db.flush()
    rapidpro.unreadable = {"G-002"}
    outcome = sync_org(org.id, clock=lambda: T0, connect=lambda *args: rapidpro)
    assert outcome.status == OrgStatus.PARTLY and "could not be read" in outcome.failed["groups"]
    assert outcome.kept_aside == 1
    db.expire_all()
    assert db.scalars(select(Region.is_active).where(Region.uuid == "G-002")).one()  # not taken for gone

    rapidpro.unreadable = set()
    assert sync_org(org.id, clock=lambda: T0 + timedelta(minutes=10), connect=lambda *args: rapidpro).kept_aside == 0


def test_the_orgs_time_for_a_run_stops_a_walk_and_the_next_run_goes_on_from_there(db, org):
    rapidpro = FakeRapidPro()
    big, small = flow("Census", "F-001"), flow("Check-in", "F-002")
    people = [contact(f"Person {n}", [group("Kandahar", "G-001")]) for n in range(3)]
    rapidpro.data["flows"], rapidpro.data["contacts"] = [big, small], people
    rapidpro.data["runs"] = [run(big, people[n % 3], {}, created_on=T0 - timedelta(minutes=n)) for n in range(600)]
    rapidpro.data["runs"].append(run(small, people[0], {}))
    for remote in (big, small):
        f.PollFactory(org=org, flow_uuid=remote["uuid"], rapidpro_name=remote["name"], is_active=True)
    db.flush()

    def runs_asked() -> list[str]:
        return [filters["flow"] for resource, filters in rapidpro.calls if resource == "runs"]

    def one_page_of_runs() -> bool:  # the time is up once a page of runs is written
        return len(runs_asked()) >= 1

    first = sync_org(org.id, clock=lambda: T0, connect=lambda *args: rapidpro, out_of_time=one_page_of_runs)
    time_up = "the org's time for this run was up"
    # The archives a first sync reads after the live walk wait for the next run too.
    assert first.status == OrgStatus.SYNCED and first.unfinished == {
        "runs:F-001": time_up, "runs:F-002": time_up, "archives": time_up}
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Response)) == 250

    # The next run reads the poll with nothing under way first, then goes on with the long one.
    rapidpro.calls.clear()
    second = sync_org(org.id, clock=lambda: T0 + timedelta(minutes=10), connect=lambda *args: rapidpro,
                      out_of_time=lambda: len(runs_asked()) >= 2)
    assert runs_asked()[:2] == ["F-002", "F-001"] and list(second.unfinished) == ["runs:F-001", "archives"]
    rapidpro.calls.clear()
    third = sync_org(org.id, clock=lambda: T0 + timedelta(minutes=20), connect=lambda *args: rapidpro,
                     out_of_time=lambda: False)
    assert third.unfinished == {}
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Response)) == 601
