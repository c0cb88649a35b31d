"""How the app holds up under many people at once: concurrent sessions against one running app.

    python -m bench.load --database-url URL --org SLUG [--sessions 50] [--seconds 60] [--think 0] [--processes 1]
                         [--profile] [--memory-every SECONDS]

Starts `streamlit run app.py` on a free port over an org already synced (as it is deployed: one
process; `--processes N` starts N, each session staying on one as behind a load balancer with
sticky sessions), signs half the sessions in as the org's administrator and half as a supervisor of its
busiest district (the users bench/pages.py makes), and lets them all browse every page in turn
for the given time, each waiting `--think` seconds (±50 %) between pages; 0 is the worst case,
every session asking again as soon as its page is done. Prints pages served, pages/s, errors
(with the first few), median/p95/max page time overall and per page, and the server's memory.
`--profile` samples the served process(es) with py-spy the whole time and prints where their CPU
went (bench/profile.py); `--memory-every` prints their memory every so many seconds (a soak run:
`--seconds 1800 --think 10 --memory-every 60`).

Why websocket clients rather than Playwright browsers: fifty Chromium tabs would need several GB
and most of the benchmark machine's CPU, and would time Chromium's drawing as much as the app.
Each client here (bench/load_client.py) sends what a browser tab sends Streamlit over its
websocket and reads the same answer, so the server does all of its work per page (the script
run, the database reads, serialising every element); only the drawing is left out, and that
happens on the user's own machine, not the server. A page's time is from the request to the
server's `script_finished`, which is when a browser has every element to draw.

Sign-in is real: each session gets a login record minted in the database, as the sign-in form
makes them (tracpro.auth.logins), and sends its cookie on the websocket's handshake; the app
checks it as it checks any browser's. They are revoked at the end. The server runs with the
app's settings but the file watcher off (as in the browser tests: nothing to reload). XSRF
protection stays on; Streamlit checks its token on the websocket only to read st.login's cookie,
which TracPro does not use.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.load_client import Browser, PageRequest, Visit, run_load, warm_up  # noqa: E402
from bench.pages import ADMIN, SUPERVISOR, Timings, bench_users, page_addresses  # noqa: E402
from bench.profile import HotSpots, sampling  # noqa: E402
from bench.sync import free_port  # noqa: E402
from tracpro.auth import logins  # noqa: E402
from tracpro.db.models import User  # noqa: E402
from tracpro.ui.serve import wait_until_healthy  # noqa: E402

HOME = "pages/home.py"  # the default page, whose URL path is ""
FIRST_ERRORS = 8


@dataclass(frozen=True)
class AppServer:
    url: str
    pid: int
    log: Path


@contextmanager
def app_server(database_url: str, cookie_key: str, workdir: Path) -> Iterator[AppServer]:
    """`streamlit run app.py` on a free port over `database_url`, signing cookies with `cookie_key`."""
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("TRACPRO_") or key == "TRACPRO_TOKEN_KEYS"}  # the orgs' tokens stay readable
    environment |= {"DATABASE_URL": database_url, "TRACPRO_COOKIE_KEY": cookie_key, "TRACPRO_DEMO": "0",
                    "TRACPRO_DATA_DIR": str(workdir / "data")}
    log = workdir / "streamlit.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "tracpro.ui.serve", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port),
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
        )
    server = AppServer(f"http://127.0.0.1:{port}", process.pid, log)
    try:
        wait_until_healthy(server.url, process, server.log, timeout=120)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def memory_mb(pid: int) -> tuple[float, float]:
    """The process's resident memory now and at its peak (VmRSS, VmHWM), in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def mint_login_records(db: Session, user_logins: list[str], cookie_key: str) -> list[tuple[str, int]]:
    """A live login record for each user's login, as the sign-in form makes one: (cookie value, id)."""
    at = datetime.now(UTC)
    rows = db.execute(select(User.login, User.id).where(User.login.in_(set(user_logins))))
    user_ids = {login: user_id for login, user_id in rows}
    minted = []
    for login in user_logins:
        token = logins.issue_token(login, cookie_key, at + logins.LIFETIME)
        minted.append((token, logins.start(db, user_ids[login], token, at).id))
    return minted


def end_login_records(db: Session, login_ids: list[int]) -> None:
    at = datetime.now(UTC)
    for login_id in login_ids:
        logins.revoke(db, login_id, at)


def page_requests(addresses: list[tuple[str, str, dict[str, str]]]) -> list[PageRequest]:
    """bench/pages.py's (label, page file, query) addresses as the requests a browser sends."""
    return [PageRequest(label, "" if page == HOME else Path(page).stem, tuple(query.items()))
            for label, page, query in addresses]


@dataclass
class LoadResults:
    roles: list[str]
    seconds: float
    think: float
    visits: list[Visit]
    memory_mb: float  # all app processes together
    peak_memory_mb: float  # the sum of each process's peak
    server_cpu_seconds: float  # while browsing, all app processes together
    processes: int = 1
    hot_spots: HotSpots | None = None  # --profile
    memory_over_time: list[tuple[float, float]] | None = None  # --memory-every: (seconds in, MB)


class MemorySampler:
    """The app processes' resident memory together, every `every` seconds from start to stop."""

    def __init__(self, pids: list[int], every: float) -> None:
        self.pids, self.every, self.samples = pids, every, list[tuple[float, float]]()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        started = time.monotonic()
        while True:
            self.samples.append((time.monotonic() - started, sum(memory_mb(pid)[0] for pid in self.pids)))
            if self._stopped.wait(self.every):
                return

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stopped.set()
        self._thread.join()


def measure(database_url: str, org_slug: str | None, count: int = 50, seconds: float = 60,
            think: float = 0.0, processes: int = 1, profile: bool = False,
            memory_every: float | None = None) -> LoadResults:
    os.environ["DATABASE_URL"] = database_url
    from tracpro.db import ensure_ready, session_scope

    ensure_ready()
    org_id, district = bench_users(org_slug)
    requests = page_requests(page_addresses(org_id))
    cookie_key = secrets.token_urlsafe(48)
    roles = [("admin", ADMIN) if number % 2 == 0 else (f"supervisor of {district}", SUPERVISOR)
             for number in range(count)]
    with session_scope() as db:
        minted = mint_login_records(db, [login for _, login in roles], cookie_key)
    browsers = [Browser(role, token) for (role, _), (token, _) in zip(roles, minted, strict=True)]
    try:
        with tempfile.TemporaryDirectory(prefix="tracpro-load-") as workdir, ExitStack() as servers:
            started_servers = [servers.enter_context(app_server(database_url, cookie_key, Path(workdir) / str(number)))
                               for number in range(processes)]
            for server in started_servers:
                warm_up(server.url)
            pids = [server.pid for server in started_servers]
            hot_spots = None
            with ExitStack() as watching:
                files = watching.enter_context(sampling(pids, seconds, Path(workdir) / "profile")) if profile else []
                sampler = watching.enter_context(MemorySampler(pids, memory_every)) if memory_every else None
                started, cpu_before = time.monotonic(), sum(map(cpu_seconds, pids))
                visits = run_load([server.url for server in started_servers], browsers, requests, seconds, think)
                elapsed, cpu = time.monotonic() - started, sum(map(cpu_seconds, pids)) - cpu_before
                memory = [memory_mb(pid) for pid in pids]
            if profile:
                hot_spots = HotSpots.read(files)
    finally:
        with session_scope() as db:
            end_login_records(db, [login_id for _, login_id in minted])
    return LoadResults([role for role, _ in roles], elapsed, think, visits, sum(rss for rss, _ in memory),
                       sum(peak for _, peak in memory), cpu, processes, hot_spots,
                       sampler.samples if sampler else None)


def _row(name: str, visits: list[Visit]) -> str:
    times = Timings([visit.seconds for visit in visits])
    errors = sum(visit.error is not None for visit in visits)
    return f"{name:<30}{len(visits):>7}{errors:>7}{times.median:>9.2f}{times.p95:>9.2f}{max(times.seconds):>9.2f}"


def print_results(results: LoadResults) -> None:
    visits = results.visits
    errors = [visit for visit in visits if visit.error is not None]
    counts = defaultdict(int)
    for role in results.roles:
        counts[role] += 1
    who = ", ".join(f"{number} {role}" for role, number in counts.items())
    print(f"TracPro under load: {len(results.roles)} sessions ({who}), {results.processes} app process(es), "
          f"{os.cpu_count()} CPUs")
    print(f"{'browsing for, seconds':<34}{results.seconds:>10.1f}")
    print(f"{'think time between pages, s':<34}{results.think:>10.1f}")
    print(f"{'pages served':<34}{len(visits):>10,}")
    print(f"{'pages per second':<34}{len(visits) / results.seconds:>10.1f}")
    print(f"{'errors':<34}{len(errors):>10,}")
    # One Streamlit process runs its scripts under one GIL: near 100 % per process, it is the bottleneck.
    print(f"{'app CPU, % of one core':<34}{100 * results.server_cpu_seconds / results.seconds:>10.0f}")
    print(f"{'app CPU per page, seconds':<34}{results.server_cpu_seconds / max(1, len(visits)):>10.3f}")
    print(f"{'app memory at the end, MB':<34}{results.memory_mb:>10.0f}")
    print(f"{'app peak memory, MB':<34}{results.peak_memory_mb:>10.0f}")
    print()
    print(f"{'page time, seconds':<30}{'pages':>7}{'errors':>7}{'median':>9}{'p95':>9}{'max':>9}")
    if visits:
        print(_row("all pages", visits))
    by_page: dict[str, list[Visit]] = defaultdict(list)
    for visit in visits:
        by_page[visit.label].append(visit)
    for label, page_visits in by_page.items():
        print(_row(label, page_visits))
    if results.memory_over_time:
        print()
        print("app memory over the run, MB: " + ", ".join(
            f"{seconds / 60:.0f} min {mb:.0f}" for seconds, mb in results.memory_over_time))
    if results.hot_spots is not None:
        print()
        print("\n".join(results.hot_spots.lines()))
    if errors:
        print()
        print(f"first {min(FIRST_ERRORS, len(errors))} errors:")
        for visit in errors[:FIRST_ERRORS]:
            print(f"  {visit.label} ({visit.role}, {visit.seconds:.1f} s): {visit.error[:300]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="an org already synced (default: DATABASE_URL)")
    parser.add_argument("--org", help="the org's slug (default: the first active org)")
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=0.0, help="seconds between a session's pages")
    parser.add_argument("--processes", type=int, default=1,
                        help="app processes, each session sticking to one (as behind a load balancer)")
    parser.add_argument("--profile", action="store_true",
                        help="sample the app process(es) with py-spy and print where their CPU went")
    parser.add_argument("--memory-every", type=float, help="print the app's memory every so many seconds")
    arguments = parser.parse_args()
    if not arguments.database_url:
        parser.error("give --database-url (or set DATABASE_URL) to an org already synced")
    print_results(measure(arguments.database_url, arguments.org, arguments.sessions, arguments.seconds,
                          arguments.think, arguments.processes, arguments.profile, arguments.memory_every))


if __name__ == "__main__":
    main()
