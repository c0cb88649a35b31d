"""A first sync at RapidPro's rate limit: it moves on steadily across cron runs, never waits out a
long Retry-After holding the org, and another org synced by the same runs is never held up.

Both simulators and the sync read one clock, moved on ten minutes a cron run: no test waits for
the rate limit's hour to pass.
"""

from __future__ import annotations

import queue
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from tracpro.auth.scope import Scope
from tracpro.db.models import Poll, Response
from tracpro.queries.sync_status import sync_status
from tracpro.simulator import Simulator
from tracpro.sync.demo import configure_org
from tracpro.sync.runner import OrgOutcome, OrgStatus, sync_org

pytestmark = pytest.mark.slow

ANCHOR = datetime.fromisoformat("2026-03-02T00:00:00+00:00")
CRON = timedelta(minutes=10)
# The runs scope at 20 requests an hour: one poll's 13,832 runs (56 pages) take three hours' worth.
RATES = {"v2": 3600, "v2.contacts": 3600, "v2.messages": 3600, "v2.runs": 20}


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> Clock:
    return Clock(ANCHOR + timedelta(hours=9))


def _with_one_poll(db, simulator: Simulator, slug: str, now: datetime) -> tuple[int, str]:
    org_id = configure_org(simulator, now, slug)
    flow = simulator.dataset.poll_flow_uuids[0]
    db.execute(update(Poll).where(Poll.org_id == org_id, Poll.flow_uuid != flow).values(is_active=False))
    db.flush()
    return org_id, flow


def _cron_run(org_id: int, clock: Clock) -> OrgOutcome:
    """One run of the sync job for the org, which must not wait out the rate limit: RapidPro's
    Retry-After is tens of minutes there, and the org is held while it waits. (The limit on the
    wait is for a run that waits; the runs themselves take seconds.)"""
    answers: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: answers.put(sync_org(org_id, clock=clock)), daemon=True).start()
    try:
        return answers.get(timeout=600)
    except queue.Empty:
        pytest.fail("the sync of the org waited out RapidPro's rate limit (or hung)")


def _responses(db, org_id: int) -> int:
    return db.scalar(select(func.count()).select_from(Response).where(Response.org_id == org_id))


def test_a_first_sync_at_the_rate_limit_moves_on_every_hour_and_the_other_org_keeps_syncing(db, clock):
    with (Simulator(tier="demo", seed=7, token="big", anchor=ANCHOR, clock=clock, rate_limits=RATES) as big,
          Simulator(tier="demo", seed=8, token="small", anchor=ANCHOR, clock=clock) as small):
        big_org, flow = _with_one_poll(db, big, "national", clock())
        small_org, _ = _with_one_poll(db, small, "district", clock())
        # The runs RapidPro still serves, and those its archives hold (older than its retention).
        expected = sum(1 for _ in big.dataset.iter_runs(flow=flow))
        expected += sum(1 for _ in big.dataset.iter_archived_runs(flow))
        stored, estimates = [], []
        for _cron in range(30):
            outcome = _cron_run(big_org, clock)
            other = _cron_run(small_org, clock)
            assert (other.status, other.unfinished) == (OrgStatus.SYNCED, {})  # never held up by the first
            assert outcome.status == OrgStatus.SYNCED and set(outcome.unfinished) <= {f"runs:{flow}"}
            db.expire_all()
            stored.append(_responses(db, big_org))
            if not outcome.unfinished:
                break
            assert "rate limit for v2.runs" in outcome.unfinished[f"runs:{flow}"]
            estimates.append(sync_status(db, Scope(big_org, None), clock()).finish_estimate)
            clock.moment += CRON
        else:
            pytest.fail(f"the first sync did not finish in 30 cron runs: {stored}")

        assert stored[-1] == expected
        assert stored == sorted(stored) and len(stored) >= 12  # at least two hours of cron runs
        by_the_hour = [0, *stored[5::6], stored[-1]]
        assert all(later > earlier for earlier, later in zip(by_the_hour, by_the_hour[1:-1], strict=False)), stored
        assert big.limits.counts()["v2.runs"]["allowed"] <= 20 * (len(stored) // 6 + 1)
        assert all(estimate is not None for estimate in estimates[6:])  # once it has a pace
        assert sync_status(db, Scope(big_org, None), clock()).finish_estimate is None  # done
