"""A first sync at RapidPro's real rate limits, run as cron runs it, on a shortened hour.

    python -m bench.sync --tier district --rate-limited [--scale 10] [--rates v26]

The simulator (a process of its own) throttles as RapidPro does (3,600 requests an hour per scope
on v26, 2,500 on v9) with its hour lasting 3600/scale seconds; sync_job.py is started every ten
minutes of that time, each run given ten of those minutes for the org (TRACPRO_SYNC_PASS_SECONDS)
and a minute for waiting out throttling, until a run leaves nothing to go on with. Prints the
time the first sync took in RapidPro's hours, the requests each scope was allowed and refused per
hour, and the Sync page's finish estimate after each hour beside the true finish.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import time as day_start
from pathlib import Path
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import select, text

from bench.sync import ROOT, TOKEN, database, free_port, wait_for
from tracpro.auth.scope import Scope
from tracpro.db.connection import SessionFactory, make_engine, session_scope
from tracpro.db.migrate import upgrade_to_head
from tracpro.db.models import Org
from tracpro.queries.sync_status import sync_status
from tracpro.simulator import Simulator
from tracpro.sync.demo import configure_org

CRON_MINUTES = 10


@dataclass
class FirstSync:
    tier: str
    scale: float
    rates: str
    runs: int = 0  # cron runs of the job
    hours: float = 0.0  # RapidPro's hours until the first sync was done
    stored: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # After each hour of cron runs: (hours so far, stored, the estimated finish in hours from the start).
    estimates: list[tuple[float, int, float | None]] = field(default_factory=list)

    def lines(self) -> list[tuple[str, str]]:
        lines = [("rate limits", f"{self.rates}, an hour lasting {3600 / self.scale:,.0f} s"),
                 ("cron runs (every 10 minutes)", f"{self.runs:,}"),
                 ("first sync took, RapidPro hours", f"{self.hours:.2f}"),
                 ("runs stored", f"{self.stored:,}")]
        for scope, count in self.counts.items():
            per_hour = count["allowed"] / self.hours if self.hours else 0
            lines.append((f"{scope} requests per hour", f"{per_hour:,.0f} (refused {count['refused']:,})"))
        for hours, stored, finish in self.estimates:
            guess = f"{finish:.2f} h" if finish is not None else "none yet"
            lines.append((f"estimate after {hours:.0f} h ({stored:,} stored)", guess))
        return lines


def _estimate(org_id: int, now: datetime, started: datetime, scale: float) -> float | None:
    """The Sync page's finish estimate, in RapidPro's hours from the start."""
    with session_scope() as session:
        zone = ZoneInfo(session.scalar(select(Org.timezone).where(Org.id == org_id)) or "UTC")
        finish = sync_status(session, Scope(org_id, None), now).finish_estimate
    if finish is None:  # the page shows the org's local time
        return None
    return (finish.replace(tzinfo=zone) - started).total_seconds() * scale / 3600


def first_sync(tier: str, seed: int = 1, scale: float = 10.0, rates: str = "v26") -> FirstSync:
    anchor = datetime.combine(datetime.now(UTC).date(), day_start(), UTC)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tracpro.simulator", "--tier", tier, "--seed", str(seed), "--port", str(port),
         "--token", TOKEN, "--anchor", anchor.isoformat(), "--rate-limits", rates, "--rate-limit-scale", str(scale)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    cron = CRON_MINUTES * 60 / scale  # real seconds between runs, and each run's time for the org
    environment = {**os.environ, "TRACPRO_SYNC_PASS_SECONDS": str(cron), "TRACPRO_THROTTLE_WAIT": str(60 / scale)}
    figures = FirstSync(tier, scale, rates)
    with tempfile.TemporaryDirectory(prefix="tracpro-bench-") as workdir:
        url, drop = database(Path(workdir))
        try:
            described = Simulator(tier=tier, seed=seed, token=TOKEN, port=port, anchor=anchor, rate_limits=None)
            wait_for(described.url)
            engine = make_engine(url)
            upgrade_to_head(engine)
            SessionFactory.configure(bind=engine)
            org_id = configure_org(described, datetime.now(UTC), "bench")
            started, tick = datetime.now(UTC), time.monotonic()
            while True:
                job = subprocess.run([sys.executable, "sync_job.py", "--quiet", "--org", "bench"], cwd=ROOT,
                                     env={**environment, "DATABASE_URL": url}, capture_output=True, text=True)
                figures.runs += 1
                if job.returncode not in (0, 4):
                    raise SystemExit(f"sync_job.py failed:\n{job.stdout}{job.stderr}")
                hours = (datetime.now(UTC) - started).total_seconds() * scale / 3600
                if "goes on next run" not in job.stdout:
                    figures.hours = hours
                    break
                if figures.runs % (60 // CRON_MINUTES) == 0:
                    with engine.connect() as connection:
                        stored = connection.execute(text("SELECT count(*) FROM responses")).scalar_one()
                    figures.estimates.append((hours, stored, _estimate(org_id, datetime.now(UTC), started, scale)))
                tick += cron
                time.sleep(max(0.0, tick - time.monotonic()))
            with engine.connect() as connection:
                figures.stored = connection.execute(text("SELECT count(*) FROM responses")).scalar_one()
            answer = requests.get(f"{described.url}/_control/limits", headers={"Authorization": f"Token {TOKEN}"},
                                  timeout=10)
            figures.counts = answer.json()["counts"]
            engine.dispose()
        finally:
            server.terminate()
            server.wait(timeout=10)
            drop()
    return figures


def print_first_sync(figures: FirstSync, seed: int) -> None:
    print(f"TracPro first sync at RapidPro's rate limits, {figures.tier} tier (seed {seed}), "
          f"hours shortened {figures.scale:g} times")
    for label, value in figures.lines():
        print(f"{label:<40}{value:>28}")

