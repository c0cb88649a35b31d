"""An org whose history goes back past RapidPro's 90 days, synced over HTTP with the real client from
the simulator, where those runs are in archives.json's files only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tracpro.db.models import Answer, Response
from tracpro.rapidpro import RapidPro, RetryPolicy
from tracpro.simulator import Simulator
from tracpro.sync.engine import SyncContext
from tracpro.sync.flows import sync_flows
from tracpro.sync.progress import Progress
from tracpro.sync.runs import sync_runs

TOKEN = "archives-token"
ANCHOR = datetime(2026, 3, 2, tzinfo=UTC)
NOW = ANCHOR + timedelta(hours=1)


@pytest.fixture(scope="module")
def simulator():
    with Simulator(tier="demo", seed=5, token=TOKEN, anchor=ANCHOR, clock=lambda: NOW) as simulator:
        yield simulator


@pytest.fixture
def synced_poll(db, simulator):
    """An org with one poll chosen, its questions read, and a way to sync its runs."""
    org = f.OrgFactory(rapidpro_host=simulator.url, rapidpro_token=TOKEN, timezone="Africa/Kigali")
    poll = f.PollFactory(org=org, flow_uuid=simulator.dataset.poll_flow_uuids[0], is_active=True)
    db.flush()
    context = SyncContext(org.id, org.slug, ZoneInfo(org.timezone), org.sameday_mode,
                          RapidPro(simulator.url, TOKEN, RetryPolicy(attempts=2, base_wait=0.01)), NOW,
                          Progress(bars=False))
    sync_flows(context)
    return org, poll, context


def _history(simulator, flow: str) -> tuple[set[str], list[dict]]:
    """The uuids of the flow's runs runs.json serves, and the records its archives hold."""
    return ({run["uuid"] for run in simulator.dataset.iter_runs(flow=flow)},
            list(simulator.dataset.iter_archived_runs(flow)))


def _stored(db, org) -> set[str]:
    db.expire_all()
    return set(db.scalars(select(Response.run_uuid).where(Response.org_id == org.id)))


def test_a_first_sync_shows_the_runs_older_than_ninety_days(db, simulator, synced_poll):
    org, poll, context = synced_poll
    live, archived = _history(simulator, poll.flow_uuid)
    assert len(archived) > 1000
    assert max(record["modified_on"] for record in archived) < (ANCHOR - timedelta(days=89)).isoformat()
    sync_runs(context)
    assert _stored(db, org) == live | {record["uuid"] for record in archived}
    answered = db.scalar(select(func.count()).select_from(Answer).join(Response)
                         .where(Response.run_uuid.in_([record["uuid"] for record in archived])))
    assert answered == sum(len(record["values"]) for record in archived)

