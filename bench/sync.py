"""How fast the sync job pulls a tier from RapidPro (the simulator, in a process of its own).

    python -m bench.sync --tier district        # demo | district | national

Prints runs/s and answers/s of the runs phase, the whole job's time and peak memory, and the
time of a second pass that finds nothing new. Uses DATABASE_URL's server (a new database is
made there) or else a temporary embedded PostgreSQL.
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
from datetime import UTC, datetime, time as day_start
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, make_url, text  # noqa: E402

from tracpro.db.connection import SessionFactory, make_engine  # noqa: E402
from tracpro.db.migrate import upgrade_to_head  # noqa: E402
from tracpro.simulator import Simulator  # noqa: E402
from tracpro.sync.demo import configure_org  # noqa: E402

TOKEN = "bench-token"
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
    environment = {**os.environ, "DATABASE_URL": url}
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "sync_job.py", *arguments], cwd=ROOT, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if status != 0:
        raise SystemExit(f"sync_job.py failed:\n{output}")
    return seconds, usage.ru_maxrss // 1024, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tier", default="district", choices=["demo", "district", "national"])
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()

    anchor = datetime.combine(datetime.now(UTC).date(), day_start(), UTC)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tracpro.simulator", "--tier", arguments.tier, "--seed", str(arguments.seed),
         "--port", str(port), "--token", TOKEN, "--anchor", anchor.isoformat()],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    with tempfile.TemporaryDirectory(prefix="tracpro-bench-") as workdir:
        url, drop = database(Path(workdir))
        try:
            # The same dataset, described locally: it tells the setup which groups are regions.
            described = Simulator(tier=arguments.tier, seed=arguments.seed, token=TOKEN, port=port, anchor=anchor)
            wait_for(described.url)
            engine = make_engine(url)
            upgrade_to_head(engine)
            SessionFactory.configure(bind=engine)
            configure_org(described, "bench")

            first_seconds, first_mb, log = run_job(url, "--org", "bench")
            again_seconds, _, again_log = run_job(url, "--org", "bench")
            with engine.connect() as connection:
                responses = connection.execute(text("SELECT count(*) FROM responses")).scalar_one()
                answers = connection.execute(text("SELECT count(*) FROM answers")).scalar_one()
                contacts = connection.execute(text("SELECT count(*) FROM contacts")).scalar_one()
            run_seconds = sum(float(m[4]) for m in RESOURCE_LINE.finditer(log) if m[1].startswith("runs:"))
            engine.dispose()
        finally:
            drop()
            server.terminate()
            server.wait(timeout=10)

    print(f"TracPro sync benchmark, {arguments.tier} tier (seed {arguments.seed}), {os.cpu_count()} CPUs")
    print(f"{'contacts':<34}{contacts:>14,}")
    print(f"{'runs (responses)':<34}{responses:>14,}")
    print(f"{'answers':<34}{answers:>14,}")
    print(f"{'runs phase, seconds':<34}{run_seconds:>14.1f}")
    print(f"{'runs/s':<34}{responses / run_seconds:>14,.0f}")
    print(f"{'answers/s':<34}{answers / run_seconds:>14,.0f}")
    print(f"{'whole first sync, seconds':<34}{first_seconds:>14.1f}")
    print(f"{'sync job peak memory, MB':<34}{first_mb:>14,}")
    print(f"{'second pass (nothing new), s':<34}{again_seconds:>14.1f}")
    print("second pass:", again_log.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
