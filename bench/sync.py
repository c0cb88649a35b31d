"""How fast the sync job pulls a tier from RapidPro (the simulator, in a process of its own).

    python -m bench.sync --tier district        # demo | district | national
    python -m bench.sync --tier district --rate-limited [--scale 10] [--rates v26|v9]

Prints runs/s and answers/s of the runs phase, the whole job's time and peak memory, and the
time of a second pass that finds nothing new: the simulator's rate limits off, and the job given
all the time it needs. With --rate-limited, a first sync at RapidPro's rate limits instead, run
as cron runs it on a shortened hour (bench/first_sync.py): its requests per hour and the Sync
page's finish estimate. Uses DATABASE_URL's server (a new database is made there) or else a
temporary embedded PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import time as day_start
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, make_url, text  # noqa: E402

from tracpro.db.connection import SessionFactory, make_engine  # noqa: E402
from tracpro.db.migrate import upgrade_to_head  # noqa: E402
from tracpro.simulator import Simulator  # noqa: E402
from tracpro.sync.demo import configure_org  # noqa: E402

TOKEN = "bench-token"
# Encrypts the bench org's token, here and in the sync jobs this starts (a throwaway database: the
# key needs no secrecy, only to be the same in every process).
TOKEN_KEY = "EUpBzMYL7fyBOAy_aNSQz2II3Wu2vd_f3O9CqFWt2mU="
os.environ.setdefault("TRACPRO_TOKEN_KEYS", TOKEN_KEY)
RESOURCE_LINE = re.compile(r"resource=(\S+) .*created=(\d+) updated=(\d+).* seconds=([\d.]+)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(f"{url}/api/v2/org.json", headers={"Authorization": f"Token {TOKEN}"}, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"the simulator at {url} did not start")


def database(workdir: Path) -> tuple[str, callable]:
    """A new empty database URL, and how to drop it."""
    given = os.environ.get("DATABASE_URL")
    if given:
        admin = create_engine(make_url(given).set(drivername="postgresql+psycopg2"), isolation_level="AUTOCOMMIT")
        name = f"tracpro_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))

        def drop() -> None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))

        return make_url(given).set(database=name).render_as_string(hide_password=False), drop
    from tracpro.db.embedded import embedded_database_url

    return embedded_database_url(workdir), lambda: None


def run_job(url: str, *arguments: str) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in MB, and the log of one sync_job.py process."""
    # All the time it needs: the figures are the sync's own pace, not a share of cron's ten minutes.
    environment = {**os.environ, "DATABASE_URL": url, "TRACPRO_SYNC_PASS_SECONDS": "0"}
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "sync_job.py", *arguments], cwd=ROOT, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if status != 0:
        raise SystemExit(f"sync_job.py failed:\n{output}")
    return seconds, usage.ru_maxrss // 1024, output


@dataclass
class SyncFigures:
    tier: str
    seed: int
    contacts: int
    responses: int
    answers: int
    run_seconds: float
    first_seconds: float
    first_mb: int
    again_seconds: float
    again_summary: str

    def lines(self) -> list[tuple[str, str]]:
        return [
            ("contacts", f"{self.contacts:,}"),
            ("runs (responses)", f"{self.responses:,}"),
            ("answers", f"{self.answers:,}"),
            ("runs phase, seconds", f"{self.run_seconds:.1f}"),
            ("runs/s", f"{self.responses / self.run_seconds:,.0f}"),
            ("answers/s", f"{self.answers / self.run_seconds:,.0f}"),
            ("whole first sync, seconds", f"{self.first_seconds:.1f}"),
            ("sync job peak memory, MB", f"{self.first_mb:,}"),
            ("second pass (nothing new), s", f"{self.again_seconds:.1f}"),
        ]


@contextmanager
def synced_tier(tier: str, seed: int = 1, keep: bool = False) -> Iterator[tuple[str, SyncFigures]]:
    """Generate `tier` in a simulator process, sync it into a new database with sync_job.py
    (twice: the second pass finds nothing new); yields the database's URL and the figures.
    With `keep` (and DATABASE_URL's server), the database stays for bench.pages to use again."""
    anchor = datetime.combine(datetime.now(UTC).date(), day_start(), UTC)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tracpro.simulator", "--tier", tier, "--seed", str(seed),
         "--port", str(port), "--token", TOKEN, "--anchor", anchor.isoformat(), "--rate-limits", "none"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    with tempfile.TemporaryDirectory(prefix="tracpro-bench-") as workdir:
        url, drop = database(Path(workdir))
        try:
            # The same dataset, described locally: it tells the setup which groups are regions.
            described = Simulator(tier=tier, seed=seed, token=TOKEN, port=port, anchor=anchor, rate_limits=None)
            wait_for(described.url)
            engine = make_engine(url)
            upgrade_to_head(engine)
            SessionFactory.configure(bind=engine)
            configure_org(described, datetime.now(UTC), "bench")

            first_seconds, first_mb, log = run_job(url, "--org", "bench")
            again_seconds, _, again_log = run_job(url, "--org", "bench")
            with engine.connect() as connection:
                responses = connection.execute(text("SELECT count(*) FROM responses")).scalar_one()
                answers = connection.execute(text("SELECT count(*) FROM answers")).scalar_one()
                contacts = connection.execute(text("SELECT count(*) FROM contacts")).scalar_one()
            # The runs phase: each poll's runs.json walk and the archives past RapidPro's retention.
            run_seconds = sum(float(m[4]) for m in RESOURCE_LINE.finditer(log)
                              if m[1].startswith("runs:") or m[1] == "archives")
            engine.dispose()
            server.terminate()
            server.wait(timeout=10)
            yield url, SyncFigures(tier, seed, contacts, responses, answers, run_seconds, first_seconds,
                                   first_mb, again_seconds, again_log.strip().splitlines()[-1])
        finally:
            if server.poll() is None:
                server.terminate()
                server.wait(timeout=10)
            if not keep:
                drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tier", default="district", choices=["demo", "district", "national"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true",
                        help="keep the synced database (on DATABASE_URL's server) and print its URL")
    parser.add_argument("--rate-limited", action="store_true",
                        help="a first sync at RapidPro's rate limits, as cron runs it, on a shortened hour")
    parser.add_argument("--scale", type=float, default=10.0, help="with --rate-limited: hours last 3600/SCALE s")
    parser.add_argument("--rates", choices=["v26", "v9"], default="v26", help="with --rate-limited: whose limits")
    arguments = parser.parse_args()
    if arguments.rate_limited:
        from bench.first_sync import first_sync, print_first_sync

        print_first_sync(first_sync(arguments.tier, arguments.seed, arguments.scale, arguments.rates), arguments.seed)
        return
    with synced_tier(arguments.tier, arguments.seed, arguments.keep) as (url, figures):
        if arguments.keep:
            print(f"kept: {url}")
        print(f"TracPro sync benchmark, {arguments.tier} tier (seed {arguments.seed}), {os.cpu_count()} CPUs")
        for label, value in figures.lines():
            print(f"{label:<34}{value:>14}")
        print("second pass:", figures.again_summary)


if __name__ == "__main__":
    main()
