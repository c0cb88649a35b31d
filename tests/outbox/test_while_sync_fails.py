"""Users' actions are pushed by every sync job, whatever the sync's own troubles: while the org
backs off after failed passes, and in a pass whose reading of RapidPro failed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from tracpro.db.models import OutboxAction, OutboxStatus, SyncState
from tracpro.rapidpro import RapidPro, RetryPolicy
from tracpro.simulator import Simulator
from tracpro.sync.runner import OrgStatus, sync_org
from tracpro.sync.state import ORG_RESOURCE

TOKEN = "backoff-token"
NOW = f.NOW


@pytest.fixture(scope="module")
def simulator():
    with Simulator(tier="demo", seed=17, token=TOKEN) as simulator:
        yield simulator


@pytest.fixture
def org(db, simulator):
    return f.OrgFactory(rapidpro_host=simulator.url, rapidpro_token=TOKEN)


def _connect(host: str, token: str, retry: RetryPolicy | None) -> RapidPro:
    return RapidPro(host, token, RetryPolicy(attempts=2, base_wait=0.01))


def _message(db, org, simulator, text: str) -> OutboxAction:
    contacts = [c["uuid"] for c in simulator.dataset.iter_contacts() if c["status"] == "active" and c["urns"]][:5]
    action = f.OutboxActionFactory(org=org, kind="send_broadcast", payload={"text": text, "contacts": contacts},
                                   created_at=NOW)
    db.flush()
    return action


def _status(db, action: OutboxAction) -> OutboxStatus:
    db.expire_all()
    return db.scalars(select(OutboxAction.status).where(OutboxAction.id == action.id)).one()


def _sent(simulator, text: str) -> int:
    return sum(1 for b in simulator.broadcasts if text in b["text"].values())


def test_a_message_is_sent_while_the_orgs_sync_backs_off(db, org, simulator, faults):
    f.SyncStateFactory(org=org, resource=ORG_RESOURCE, failure_count=3, last_error="RapidPro kept throttling",
                       next_allowed_at=NOW + timedelta(hours=2), pass_counts={}, last_counts={})
    action = _message(db, org, simulator, "Clinic closed tomorrow.")
    outcome = sync_org(org.id, clock=lambda: NOW, connect=_connect)
    assert (_sent(simulator, "Clinic closed tomorrow."), _status(db, action)) == (1, OutboxStatus.DONE)
    assert outcome.status == OrgStatus.BACKING_OFF  # the sync itself still waits its turn
    state = db.scalars(select(SyncState).where(SyncState.org_id == org.id, SyncState.resource == ORG_RESOURCE)).one()
    assert (state.failure_count, state.next_allowed_at) == (3, NOW + timedelta(hours=2))


def test_a_message_is_sent_in_a_pass_whose_reading_failed(db, org, simulator, faults):
    action = _message(db, org, simulator, "Training moved to Friday.")
    faults.update(error_next=2, error_status=500)  # the pass's first read fails, retried once
    outcome = sync_org(org.id, clock=lambda: NOW, connect=_connect)
    assert (_sent(simulator, "Training moved to Friday."), _status(db, action)) == (1, OutboxStatus.DONE)
    assert outcome.status != OrgStatus.SYNCED and "HTTP 500" in outcome.message
