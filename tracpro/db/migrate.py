"""Alembic, driven from code: the app and the sync job bring the schema to head when they start.

Migrations are the only way the schema is made (tests included). Upgrades run inside one
transaction holding a PostgreSQL advisory lock, so processes starting together take turns
and the second finds nothing left to do.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from tracpro.config import PROJECT_ROOT
from tracpro.db.connection import check_connection, get_engine

# An arbitrary constant naming "TracPro schema migration" among advisory locks.
_MIGRATION_LOCK_KEY = 7_340_112_001


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "tracpro" / "db" / "migrations"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        command.upgrade(alembic_config(connection), "head")


def downgrade_to_base(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        command.downgrade(alembic_config(connection), "base")


_ready_engines: set[int] = set()


def ensure_ready(engine: Engine | None = None) -> Engine:
    """Check the database answers and is at head; cheap after the first call in a process."""
    engine = engine or get_engine()
    if id(engine) not in _ready_engines:
        check_connection(engine)
        if current_revision(engine) != head_revision():
            upgrade_to_head(engine)
        _ready_engines.add(id(engine))
    return engine
