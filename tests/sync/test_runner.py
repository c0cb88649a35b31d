"""The per-org pass: order, failure handling and backoff (30 minutes doubling, at most a day)."""

from __future__ import annotations

from datetime import timedelta

from cryptography.fernet import Fernet
from sqlalchemy import select

from tests import factories as f
from tests.sync.fake_rapidpro import T0, FakeRapidPro, contact, group
from tracpro.db.models import Contact, SyncState
from tracpro.db.token_cipher import decrypt_token
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
