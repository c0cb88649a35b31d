"""Helpers for end-to-end sync tests: a database of their own, the org set up in it, and
`sync_job.py` run as cron runs it, in a process of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from tests.conftest import ROOT, DatabaseServer
from tracpro.db.connection import SessionFactory, make_engine
from tracpro.db.migrate import upgrade_to_head
from tracpro.simulator import Simulator
from tracpro.sync.demo import configure_org


@contextmanager
def sessions_on(engine: Engine) -> Iterator[None]:
    """Point tracpro's sessions at `engine` for the block (setup code runs in the test process)."""
    previous = dict(SessionFactory.kw)
    SessionFactory.configure(bind=engine, join_transaction_mode="conditional_savepoint")
    try:
        yield
    finally:
        SessionFactory.configure(**{"bind": None, **previous})


@dataclass
class SyncedDatabase:
    name: str
    url: str
    engine: Engine

    def sync_job(self, *arguments: str, timeout: float = 600, **environment: str) -> subprocess.CompletedProcess:
        return subprocess.run(self.command(*arguments), cwd=ROOT, env=self.environment(**environment),
                              capture_output=True, text=True, timeout=timeout)

    def start_sync_job(self, *arguments: str, quiet: bool = True, at: datetime | None = None,
                       **environment: str) -> subprocess.Popen:
        """The job started, not waited for; `quiet=False` for its log line per resource on stderr;
        `at`: the job's clock starts there (tests/sync/clocked_job.py) instead of the wall clock's now."""
        return subprocess.Popen(self.command(*arguments, quiet=quiet, at=at), cwd=ROOT,
                                env=self.environment(**environment), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, preexec_fn=_interruptible)

    @staticmethod
    def command(*arguments: str, quiet: bool = True, at: datetime | None = None) -> list[str]:
        job = ["sync_job.py"] if at is None else ["-m", "tests.sync.clocked_job", at.isoformat()]
        return [sys.executable, *job, *(["--quiet"] if quiet else []), *arguments]

    def environment(self, **extra: str) -> dict[str, str]:
        environment = {key: value for key, value in os.environ.items() if "DATABASE_URL" not in key}
        return {**environment, "DATABASE_URL": self.url, **extra}


def _interruptible() -> None:
    """Let the job hear SIGINT as Ctrl+C, even when the tests run in the background: a shell
    starts background commands with SIGINT ignored, and an ignored signal stays ignored in
    every process started from there (Python then installs no KeyboardInterrupt handler)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def database_with_org(server: DatabaseServer, simulator: Simulator, slug: str = "demo") -> Iterator[SyncedDatabase]:
    """A new database holding one org on `simulator`, set up as the demo is: nothing synced yet
    but the lists an admin chooses from, and the choices made (at the simulator's time, which the
    sync job's own clock follows)."""
    name = server.create_database("tracpro_e2e")
    url = server.url(name)
    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
        with sessions_on(engine):
            configure_org(simulator, simulator.now(), slug)
        yield SyncedDatabase(name, url, engine)
    finally:
        engine.dispose()
        server.drop_database(name)
