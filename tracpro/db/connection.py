"""One engine per process and the sessions built on it.

`SessionFactory` is the seam tests use: they bind it to a connection holding an outer
transaction, so everything the app or the sync job writes during a test is rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine, create_engine, exc, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from tracpro.config import Settings, SettingsError, load_settings

log = logging.getLogger(__name__)


class DatabaseUnavailable(Exception):
    """The database cannot be used; `str()` is one sentence an operator can act on."""


def _safe_url(url: str) -> str:
    """The URL as an operator wrote it, password hidden."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        return "(unparseable)"
    return parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=True)


def _first_line(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(original).strip().splitlines() if line.strip()]
    return lines[0].rstrip(".") if lines else type(original).__name__


# SQLSTATEs of a server going away: connection exceptions, and the server shutting down or
# still starting (errors raised while connecting carry no SQLSTATE at all).
_LOST_STATES = ("08", "57P01", "57P02", "57P03")


def is_database_lost(error: BaseException) -> bool:
    """The database went away or refuses connections (as opposed to a statement failing in it)."""
    if isinstance(error, DatabaseUnavailable):
        return True
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    if not isinstance(error, exc.OperationalError | exc.InterfaceError):
        return False
    code = getattr(error.orig, "pgcode", None)
    return code is None or code.startswith(_LOST_STATES)


def lost_database_sentence(error: BaseException) -> str:
    """What to tell an operator when `is_database_lost(error)`, in one sentence."""
    if isinstance(error, DatabaseUnavailable):
        return str(error)
    return f"The database stopped answering ({_first_line(error)})."


def database_url(settings: Settings) -> str:
    """The SQLAlchemy URL to use: DATABASE_URL as given, or the embedded server's.

    Outside demo mode the embedded server is used only in a folder TRACPRO_DATA_DIR names: its
    default lies inside the code folder, so a deployment that forgot DATABASE_URL would start on
    an empty database at every new release folder, and say nothing."""
    if settings.database_url is not None:
        return settings.database_url
    if not settings.demo_mode and not settings.data_dir_named:
        raise DatabaseUnavailable(
            "No database is configured: set DATABASE_URL to your PostgreSQL, or TRACPRO_DATA_DIR to a folder "
            "outside the code (e.g. /var/lib/tracpro) for the embedded one; only demo mode uses a folder of its own."
        )
    from tracpro.db.embedded import embedded_database_url

    try:
        url = embedded_database_url(settings.data_dir)
    except Exception as error:  # any start-up failure of the embedded server
        raise DatabaseUnavailable(
            f"The embedded PostgreSQL in {settings.data_dir} could not start ({_first_line(error)}); "
            "its log is in that folder, under postgres/log."
        ) from error
    log.info("Using the embedded PostgreSQL whose data is in %s", settings.data_dir)
    return url


def make_engine(url: str) -> Engine:
    """An engine for a PostgreSQL URL; anything else is refused with one sentence."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError as error:
        raise DatabaseUnavailable(
            "DATABASE_URL is not a database URL; expected postgresql://user:password@host:5432/database."
        ) from error
    if parsed.get_backend_name() != "postgresql":
        raise DatabaseUnavailable(
            f"DATABASE_URL must point to PostgreSQL (postgresql://…), not '{parsed.get_backend_name()}'."
        )
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg2")
    try:
        # libpq waits forever for a host that drops packets; ten seconds is plenty on a LAN.
        return create_engine(
            parsed, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args={"connect_timeout": 10}
        )
    except (exc.ArgumentError, exc.NoSuchModuleError) as error:
        raise DatabaseUnavailable(f"DATABASE_URL cannot be used: {_first_line(error)}.") from error


def check_connection(engine: Engine) -> None:
    """Connect once, turning any failure into DatabaseUnavailable."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except exc.DBAPIError as error:
        raise DatabaseUnavailable(
            f"Could not connect to the PostgreSQL database at {_safe_url(str(engine.url))}: "
            f"{_first_line(error)}."
        ) from error


def answers() -> bool:
    """Whether the database answers right now (one connection, one `SELECT 1`)."""
    try:
        check_connection(get_engine())
    except DatabaseUnavailable:
        return False
    return True


def logged_if_lost(error: BaseException) -> bool:
    """is_database_lost(error); when it is, the reason (lost_database_sentence, which may name a host
    or a socket's path) goes to the log, for whoever runs the server: a page shows its visitors
    only that the database is unreachable."""
    if not is_database_lost(error):
        return False
    log.warning("The database is unreachable: %s", lost_database_sentence(error))
    return True


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    """The process's engine, from the settings (starting the embedded server if needed)."""
    try:
        settings = load_settings()
    except SettingsError as error:
        raise DatabaseUnavailable(str(error)) from error
    return make_engine(database_url(settings))


SessionFactory = sessionmaker(expire_on_commit=False)


def new_session() -> Session:
    if SessionFactory.kw.get("bind") is None:
        SessionFactory.configure(bind=get_engine())
    return SessionFactory()


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back when it raises."""
    session = new_session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
