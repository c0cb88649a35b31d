"""The app tries a user's actions at once: accepted, refused, or left for the sync job when
RapidPro does not answer (without waiting on every action)."""

from __future__ import annotations

import socket
import time

import pytest
from cryptography.fernet import Fernet

from tests import factories as f
from tracpro.db.models import OutboxAction, OutboxStatus
from tracpro.outbox.immediate import try_now
from tracpro.simulator import Simulator

TOKEN = "immediate-token"


@pytest.fixture(scope="module")
def simulator():
    with Simulator(tier="demo", seed=12, token=TOKEN) as simulator:
        yield simulator


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_accepted_and_refused_actions_are_settled_at_once(db, simulator):
    org = f.OrgFactory(rapidpro_host=simulator.url, rapidpro_token=TOKEN)
    contact = next(c for c in simulator.dataset.iter_contacts() if c["status"] == "active" and c["urns"])
    accepted = f.OutboxActionFactory(
        org=org, kind="send_broadcast", payload={"text": "Hi", "contacts": [contact["uuid"]]}
    )
    refused = f.OutboxActionFactory(org=org, kind="send_broadcast", payload={"text": "", "contacts": [contact["uuid"]]})
    db.flush()
    statuses = try_now(org.id, [accepted.id, refused.id], f.NOW)
    assert statuses == {accepted.id: OutboxStatus.DONE, refused.id: OutboxStatus.FAILED}
    db.expire_all()
    assert "text" in db.get(OutboxAction, refused.id).last_error


def test_when_rapidpro_does_not_answer_the_actions_stay_pending_and_only_the_first_is_tried(db):
    org = f.OrgFactory(rapidpro_host=f"http://127.0.0.1:{_closed_port()}", rapidpro_token=TOKEN)
    actions = [f.OutboxActionFactory(org=org, payload={"text": "Hi", "contacts": ["C-1"]}) for _ in range(3)]
    db.flush()
    started = time.monotonic()
    statuses = try_now(org.id, [action.id for action in actions], f.NOW)
    assert time.monotonic() - started < 10
    assert set(statuses.values()) == {OutboxStatus.PENDING}
    db.expire_all()
    assert [db.get(OutboxAction, action.id).attempts for action in actions] == [1, 0, 0]
    assert db.get(OutboxAction, actions[0].id).last_error


def test_an_org_without_a_token_leaves_its_actions_pending(db):
    org = f.OrgFactory(rapidpro_host="", rapidpro_token="")
    action = f.OutboxActionFactory(org=org)
    db.flush()
    assert try_now(org.id, [action.id], f.NOW) == {action.id: OutboxStatus.PENDING}


def test_a_token_no_key_decrypts_leaves_the_actions_to_the_sync_job(db, simulator, monkeypatch):
    org = f.OrgFactory(rapidpro_host=simulator.url, rapidpro_token=TOKEN)
    action = f.OutboxActionFactory(org=org, payload={"text": "Hi", "contacts": ["C-1"]})
    db.flush()
    monkeypatch.setenv("TRACPRO_TOKEN_KEYS", Fernet.generate_key().decode())  # not the key it was encrypted with
    assert try_now(org.id, [action.id], f.NOW) == {action.id: OutboxStatus.PENDING}
    db.expire_all()
    assert db.get(OutboxAction, action.id).attempts == 0
