"""The test database: one PostgreSQL for the whole suite, the schema built by migrations once,
and a transaction rolled back after each test.

The server is an embedded PostgreSQL in a temporary folder, or, when DATABASE_URL (or
TRACPRO_TEST_DATABASE_URL) is set, that URL's server, on which a throwaway database is
created and dropped again: the database the URL names is never touched. Nothing here starts
unless a test asks for the database, so tests that need none stay fast.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, make_url, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The key RapidPro tokens are encrypted with, in this process and the app and sync jobs it starts
# (outside demo mode one must be set; tests/db/test_token_cipher.py covers the rules without it).
TOKEN_KEY = "klWf81sLsOCCj-yf9O-MVyvU9jWsPrlZrs4Oq97IIXg="
os.environ.setdefault("TRACPRO_TOKEN_KEYS", TOKEN_KEY)

from tests import factories  # noqa: E402
from tracpro.db import connection as db_connection  # noqa: E402
from tracpro.db.connection import SessionFactory, make_engine  # noqa: E402
from tracpro.db.migrate import upgrade_to_head  # noqa: E402

SHARED = ROOT.parent / "shared"


class DatabaseServer:
    """A PostgreSQL server on which tests may create and drop databases."""

    def __init__(self, admin_url: str):
        self.admin_url = make_url(admin_url).set(drivername="postgresql+psycopg2")
        self._admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")

    def url(self, database: str) -> str:
        return self.admin_url.set(database=database).render_as_string(hide_password=False)

    def create_database(self, prefix: str = "tracpro_test") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        return name

    def drop_database(self, name: str) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def dispose(self) -> None:
        self._admin.dispose()


@pytest.fixture
def private_dir() -> Iterator[Path]:
    """A temporary folder outside pytest's: pytest deletes its oldest session folders when a new
    session starts, which would pull the data from under a server another session still runs."""
    with tempfile.TemporaryDirectory(prefix="tracpro-test-") as folder:
        yield Path(folder)


@pytest.fixture(scope="session")
def database_server() -> Iterator[DatabaseServer]:
    given = os.environ.get("TRACPRO_TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if given:
        server = DatabaseServer(given)
    else:
        from tracpro.db.embedded import socket_dir_of, url_for

        # "delete": the server stops and its folder goes when the test process exits. Not under
        # pytest's own temporary folders, for the reason private_dir gives.
        folder = Path(tempfile.mkdtemp(prefix="tracpro-tests-"))
        socket_dir = socket_dir_of(folder / "data", cleanup_mode="delete")
        server = DatabaseServer(url_for(socket_dir, "postgres"))
    yield server
    server.dispose()


@pytest.fixture(scope="session")
def database_url(database_server: DatabaseServer) -> Iterator[str]:
    """The suite's database, migrated to head; also what the code under test connects to."""
    name = database_server.create_database()
    url = database_server.url(name)
    previous = os.environ.get("DATABASE_URL")
    # Code under test (the app in AppTest, get_engine()) must find this database, never another.
    os.environ["DATABASE_URL"] = url
    db_connection.get_engine.cache_clear()
    engine = make_engine(url)
    upgrade_to_head(engine)
    engine.dispose()
    yield url
    db_connection.get_engine.cache_clear()
    if previous is None:
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = previous
    database_server.drop_database(name)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back when the test ends."""
    with engine.connect() as connection:
        transaction = connection.begin()
        # Sessions the code under test opens join this transaction; their commits become savepoints.
        SessionFactory.configure(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield connection
        finally:
            SessionFactory.configure(bind=None, join_transaction_mode="conditional_savepoint")
            transaction.rollback()


@pytest.fixture
def db(connection: Connection) -> Iterator[Session]:
    """A session for the test itself, with the factories writing through it."""
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    factories.use_session(session)
    try:
        yield session
    finally:
        factories.use_session(None)
        session.close()


@pytest.fixture
def fresh_database(database_server: DatabaseServer) -> Iterator[str]:
    """An empty database of its own, for tests that build or tear down the schema."""
    name = database_server.create_database("tracpro_fresh")
    yield database_server.url(name)
    database_server.drop_database(name)


@pytest.fixture(autouse=True)
def _logging_as_it_was() -> Iterator[None]:
    """app.py sets up TracPro's log lines for its process (tracpro.logs.configure), and AppTest runs
    it in this one: each test leaves the loggers' handlers and levels as it found them."""
    loggers = [logging.getLogger(), logging.getLogger("tracpro")]
    saved = [(logger, logger.handlers[:], logger.level) for logger in loggers]
    yield
    for logger, handlers, level in saved:
        logger.handlers[:] = handlers
        logger.setLevel(level)


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> Iterator[None]:
    """st.cache_data is process-wide: without this, one AppTest would see another's results."""
    yield
    streamlit = sys.modules.get("streamlit")
    if streamlit is not None:
        streamlit.cache_data.clear()
        streamlit.cache_resource.clear()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every browser test in one xdist group: `run.py test` runs the suite with `--dist loadgroup`,
    so one worker takes the browser tests one after another (they share a served demo app and a
    Chromium, built once) while the other workers share everything else."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
