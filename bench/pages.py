"""How fast every page is, cold and warm, for an administrator and for a supervisor of one district.

    python -m bench.pages [--database-url URL] [--org SLUG] [--cold 3] [--warm 5]

Over an org already synced (`python -m bench` syncs a tier first and then runs this). Each page
runs through app.py in Streamlit's AppTest, in this process, signed in as the user would be:
"cold" clears Streamlit's read cache first, "warm" runs it again with the cache full. Each
read model the pages call is timed too, beside the time its SQL spent in PostgreSQL (measured
at the cursor), so "read model ≤ 1.5× its bare SQL" can be read off the table. Last, the
process's memory after every page has run.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, select, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

PASSWORD = "bench password 2026"
ADMIN = "bench-admin@example.org"
SUPERVISOR = "bench-supervisor@example.org"


@dataclass
class Timings:
    seconds: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.seconds.append(seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass
class ReadModelTimings:
    wall: Timings = field(default_factory=Timings)
    sql: Timings = field(default_factory=Timings)


class SqlClock:
    """Seconds spent inside cursor.execute on any engine, for the thread that asks."""

    def __init__(self) -> None:
        self.spent = 0.0
        self._started: dict[int, float] = {}

    def install(self) -> None:
        event.listen(Engine, "before_cursor_execute", self._before)
        event.listen(Engine, "after_cursor_execute", self._after)

    def _before(self, connection, cursor, statement, parameters, context, executemany) -> None:
        self._started[id(cursor)] = time.perf_counter()

    def _after(self, connection, cursor, statement, parameters, context, executemany) -> None:
        started = self._started.pop(id(cursor), None)
        if started is not None:
            self.spent += time.perf_counter() - started


def instrument_read_models(clock: SqlClock) -> dict[str, ReadModelTimings]:
    """Time every uncached read-model call the pages make: wall seconds and SQL seconds.

    Pages run read models through tracpro.ui.database._run (behind Streamlit's cache), so
    wrapping that one function sees them all, and only when the cache missed."""
    from tracpro.ui import database

    timings: dict[str, ReadModelTimings] = defaultdict(ReadModelTimings)
    original = database._run

    def timed(name, scope, parameters):
        sql_before, started = clock.spent, time.perf_counter()
        try:
            return original(name, scope, parameters)
        finally:
            timings[name].wall.add(time.perf_counter() - started)
            timings[name].sql.add(clock.spent - sql_before)

    database._run = timed
    return timings


def bench_users(org_slug: str | None) -> tuple[int, str]:
    """An admin and a supervisor of the district with most contacts (both with PASSWORD);
    returns the org's id and the district's name."""
    from tracpro.auth.passwords import hash_password
    from tracpro.db import session_scope
    from tracpro.db.models import Membership, Org, Region, Role, User

    with session_scope() as session:
        orgs = select(Org).where(Org.is_active).order_by(Org.id)
        org = session.scalars(orgs.where(Org.slug == org_slug) if org_slug else orgs).first()
        if org is None:
            raise SystemExit("no active org to benchmark: sync one first (python -m bench --tier district)")
        district_id = session.execute(
            text(
                "SELECT r.id FROM regions r JOIN contacts c ON c.region_id = r.id "
                "WHERE r.org_id = :org AND r.parent_id IS NOT NULL AND r.is_active "
                "GROUP BY r.id ORDER BY count(*) DESC, r.id LIMIT 1"
            ),
            {"org": org.id},
        ).scalar()
        if district_id is None:
            raise SystemExit("the org has no sub-region with contacts to give the bench supervisor")
        district = session.get(Region, district_id)
        password_hash = hash_password(PASSWORD, rounds=4)
        for login, role, regions in ((ADMIN, Role.ADMIN, []), (SUPERVISOR, Role.SUPERVISOR, [district])):
            user = session.scalars(select(User).where(User.login == login)).first()
            if user is None:
                user = User(login=login, name=login.split("@")[0], email=login, password_hash=password_hash)
                session.add(user)
            user.password_hash, user.is_active, user.must_change_password = password_hash, True, False
            user.failed_login_count, user.locked_until = 0, None
            session.flush()
            member = session.scalars(
                select(Membership).where(Membership.user_id == user.id, Membership.org_id == org.id)
            ).first()
            if member is None:
                member = Membership(user_id=user.id, org_id=org.id, role=role)
                session.add(member)
            member.role, member.regions = role, regions
        return org.id, district.name


def page_addresses(org_id: int) -> list[tuple[str, str, dict[str, str]]]:
    """(label, page file, query parameters) of every page, on the busiest poll and its latest date."""
    from tracpro.db import session_scope

    with session_scope() as session:
        poll_id, pollrun_id = session.execute(
            text(
                "SELECT pr.poll_id, max(pr.id) FROM pollruns pr JOIN polls p ON p.id = pr.poll_id "
                "WHERE p.org_id = :org AND p.is_active GROUP BY pr.poll_id ORDER BY count(*) DESC LIMIT 1"
            ),
            {"org": org_id},
        ).one()
        # One who answered that date and lives in the bench supervisor's district (bench_users'
        # choice), so both users open the contact rather than its "you may not see it" message.
        contact_id = session.execute(
            text("SELECT max(r.contact_id) FROM responses r JOIN contacts c ON c.id = r.contact_id "
                 "WHERE r.pollrun_id = :pollrun AND c.region_id = (SELECT r.id FROM regions r "
                 "JOIN contacts c ON c.region_id = r.id WHERE r.org_id = :org AND r.parent_id IS NOT NULL "
                 "AND r.is_active GROUP BY r.id ORDER BY count(*) DESC, r.id LIMIT 1)"),
            {"pollrun": pollrun_id, "org": org_id},
        ).scalar()
    return [
        ("Home", "pages/home.py", {}),
        ("Polls", "pages/polls.py", {}),
        ("Poll: charts", "pages/poll.py", {"poll": str(poll_id)}),
        ("Poll: dates", "pages/poll.py", {"poll": str(poll_id), "tab": "dates"}),
        ("Poll date: summary", "pages/pollrun.py", {"pollrun": str(pollrun_id)}),
        ("Poll date: participation", "pages/pollrun.py", {"pollrun": str(pollrun_id), "tab": "participation"}),
        ("Poll date: responses", "pages/pollrun.py", {"pollrun": str(pollrun_id), "tab": "responses"}),
        ("Activity", "pages/activity.py", {}),
        ("Contacts", "pages/contacts.py", {}),
        ("Contact", "pages/contact.py", {"contact": str(contact_id)}),
        ("Indicators", "pages/indicators.py", {}),
        ("Compare regions", "pages/compare.py", {}),
        ("Inbox", "pages/inbox.py", {}),
        ("Messages", "pages/messages.py", {}),
    ]


def _keep_navigation_on() -> None:
    # As in tests/pages/conftest.py: AppTest would otherwise look at pages/ again before each run.
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init


def signed_in(login: str):
    from streamlit.testing.v1 import AppTest

    from tracpro.ui.signin import LOGIN_ID

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    app.run()
    app.text_input[0].input(login)
    app.text_input[1].input(PASSWORD)
    app.button[0].click().run()
    if LOGIN_ID not in app.session_state:
        raise SystemExit(f"{login} could not sign in: {[e.value for e in app.error]}")
    return app


def run_page(app, page: str, parameters: dict[str, str]) -> float:
    app.query_params.clear()
    app.query_params.update(parameters)
    started = time.perf_counter()
    app.switch_page(page).run()
    seconds = time.perf_counter() - started
    if app.exception:
        raise SystemExit(f"{page} {parameters} failed: {app.exception[0].message}")
    return seconds


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class PageResults:
    pages: dict[tuple[str, str], tuple[Timings, Timings]]
    read_models: dict[str, ReadModelTimings]
    memory_mb: float


def measure(database_url: str | None, org_slug: str | None, cold: int = 3, warm: int = 5) -> PageResults:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("TRACPRO_COOKIE_KEY", "bench-cookie-key-3c9e1f7a5b2d4068-abcdefgh")
    os.environ["TRACPRO_DEMO"] = "0"
    import streamlit as st

    # AppTest has no server, and Streamlit says so on every cached call: silence those two.
    for name in ("streamlit.runtime.caching.cache_data_api", "streamlit.runtime.scriptrunner_utils.script_run_context"):
        logging.getLogger(name).disabled = True

    from tracpro.db import ensure_ready

    ensure_ready()
    org_id, district = bench_users(org_slug)
    addresses = page_addresses(org_id)
    _keep_navigation_on()
    clock = SqlClock()
    clock.install()
    read_models = instrument_read_models(clock)
    pages: dict[tuple[str, str], tuple[Timings, Timings]] = {}
    for role, login in (("admin", ADMIN), (f"supervisor of {district}", SUPERVISOR)):
        app = signed_in(login)
        for label, page, parameters in addresses:
            cold_timings, warm_timings = Timings(), Timings()
            for _ in range(cold):
                st.cache_data.clear()
                cold_timings.add(run_page(app, page, parameters))
            for _ in range(warm):
                warm_timings.add(run_page(app, page, parameters))
            pages[(label, role)] = (cold_timings, warm_timings)
    return PageResults(pages, dict(read_models), resident_mb())


def print_results(results: PageResults) -> None:
    print(f"{'page':<28}{'user':<34}{'cold med':>9}{'cold p95':>9}{'warm med':>9}{'warm p95':>9}")
    for (label, role), (cold, warm) in results.pages.items():
        print(f"{label:<28}{role:<34}{cold.median:>9.3f}{cold.p95:>9.3f}{warm.median:>9.3f}{warm.p95:>9.3f}")
    print()
    print(f"{'read model (uncached calls)':<52}{'calls':>6}{'median s':>10}{'SQL s':>9}{'ratio':>7}")
    heaviest = sorted(results.read_models.items(), key=lambda item: -item[1].wall.median)
    for name, timings in heaviest:
        sql = timings.sql.median
        ratio = timings.wall.median / sql if sql > 0 else float("nan")
        short = name.removeprefix("tracpro.queries.")
        print(f"{short:<52}{len(timings.wall.seconds):>6}{timings.wall.median:>10.3f}{sql:>9.3f}{ratio:>7.2f}")
    print()
    print(f"{'process memory after every page, MB':<52}{results.memory_mb:>10.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: DATABASE_URL, else the project's embedded database")
    parser.add_argument("--org", help="the org's slug (default: the first active org)")
    parser.add_argument("--cold", type=int, default=3)
    parser.add_argument("--warm", type=int, default=5)
    arguments = parser.parse_args()
    print_results(measure(arguments.database_url, arguments.org, arguments.cold, arguments.warm))


if __name__ == "__main__":
    main()
