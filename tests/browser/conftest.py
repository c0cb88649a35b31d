"""A real `streamlit run app.py` on a free port, over a database of committed test users, and
Debian's Chromium driven by Playwright (never `playwright install`: the browser is the system's)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy.orm import Session

from tests import factories as f
from tests.conftest import ROOT, TOKEN_KEY
from tracpro.db.connection import make_engine
from tracpro.db.migrate import upgrade_to_head
from tracpro.db.models import Role
from tracpro.ui.serve import wait_until_healthy

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
COOKIE_KEY = "browser-test-cookie-key-7d1e9a3c5b2f4e6d8a0c"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# Limits for a process that hangs, far above what a loaded machine takes: a limit reached is a failure.
SERVER_START_SECONDS = 600
DEMO_BUILD_SECONDS = 1800
ADMIN = ("ada@example.org", "ada's long password")
SUPERVISOR = ("sam@example.org", "sam's long password")
T = TypeVar("T")


@dataclass
class ServedApp:
    url: str
    database_url: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def committed_users(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    with Session(engine) as session:
        f.use_session(session)
        try:
            org = f.OrgFactory(name="Ministry of Health")
            north = f.RegionFactory(org=org, name="North")
            f.RegionFactory(org=org, name="Gicumbi", parent=north)
            f.RegionFactory(org=org, name="South")
            for _ in range(3):
                f.ContactFactory(org=org, region=north)
            f.MembershipFactory(
                org=org,
                role=Role.ADMIN,
                user__login=ADMIN[0],
                user__name="Ada Admin",
                user__password_hash=_hash(ADMIN[1]),
            )
            f.MembershipFactory(
                org=org,
                role=Role.SUPERVISOR,
                regions=[north],
                user__login=SUPERVISOR[0],
                user__name="Sam Supervisor",
                user__password_hash=_hash(SUPERVISOR[1]),
            )
            session.commit()
        finally:
            f.use_session(None)
    engine.dispose()


def _hash(password: str) -> str:
    from tracpro.auth.passwords import hash_password

    return hash_password(password, rounds=4)


@contextmanager
def streamlit_app(database_url: str, log_dir: Path, data_dir: Path, *, port: int | None = None,
               options: Sequence[str] = (), **settings: str) -> Iterator[str]:
    """`streamlit run app.py` on `port` (a free one by default) over `database_url`, with Streamlit's
    `options` besides the tests' own; yields its URL, stops it after."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    log = log_dir / "streamlit.log"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("TRACPRO_")}
    environment |= {"DATABASE_URL": database_url, "TRACPRO_DATA_DIR": str(data_dir), **settings}
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tracpro.ui.serve",  # streamlit run app.py, as the two commands start it
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(port),
                "--browser.gatherUsageStats",
                "false",
                # A test server has nothing to reload; and when the machine's inotify queue
                # overflows, the watcher's flood of "changed" events sends sessions back to Home.
                "--server.fileWatcherType",
                "none",
                *options,
            ],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(url, process, log, timeout=SERVER_START_SECONDS)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def served_app(database_server, tmp_path_factory) -> Iterator[ServedApp]:
    name = database_server.create_database("tracpro_browser")
    database_url = database_server.url(name)
    committed_users(database_url)
    try:
        with streamlit_app(
            database_url,
            tmp_path_factory.mktemp("streamlit"),
            tmp_path_factory.mktemp("data"),
            TRACPRO_COOKIE_KEY=COOKIE_KEY,
            TRACPRO_DEMO="0",
            TRACPRO_TOKEN_KEYS=TOKEN_KEY,  # the org's token was encrypted in this process, with the tests' key
        ) as url:
            yield ServedApp(url, database_url)
    finally:
        database_server.drop_database(name)


@contextmanager
def served_world(database_server, tmp_path_factory, name: str, build: Callable[[Session], T]) -> Iterator[
        tuple[ServedApp, T]]:
    """A database of its own, migrated, holding what `build` makes through the test factories
    (committed), served by `streamlit run app.py` (not in demo mode); dropped afterwards."""
    name = database_server.create_database(name)
    database_url = database_server.url(name)
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    with Session(engine) as session:
        f.use_session(session)
        try:
            world = build(session)
            session.commit()
        finally:
            f.use_session(None)
    engine.dispose()
    try:
        with streamlit_app(database_url, tmp_path_factory.mktemp("streamlit"), tmp_path_factory.mktemp("data"),
                        TRACPRO_COOKIE_KEY=COOKIE_KEY, TRACPRO_DEMO="0", TRACPRO_TOKEN_KEYS=TOKEN_KEY) as url:
            yield ServedApp(url, database_url), world
    finally:
        database_server.drop_database(name)


@pytest.fixture(scope="module")
def demo_app(database_server, tmp_path_factory) -> Iterator[ServedApp]:
    """The demo org, as `python3 run.py demo` builds it (sync_job.py --demo, about half a minute),
    in a database of its own, served in demo mode."""
    name = database_server.create_database("tracpro_demo")
    database_url = database_server.url(name)
    data_dir = tmp_path_factory.mktemp("demo-data")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("TRACPRO_")}
    environment |= {"DATABASE_URL": database_url, "TRACPRO_DATA_DIR": str(data_dir), "TRACPRO_DEMO": "1"}
    try:
        built = subprocess.run(
            [sys.executable, "sync_job.py", "--demo", "--quiet"],
            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=DEMO_BUILD_SECONDS,
        )
        assert built.returncode == 0, f"sync_job.py --demo failed:\n{built.stdout}\n{built.stderr}"
        with streamlit_app(database_url, tmp_path_factory.mktemp("demo-streamlit"), data_dir, TRACPRO_DEMO="1") as url:
            yield ServedApp(url, database_url)
    finally:
        database_server.drop_database(name)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
