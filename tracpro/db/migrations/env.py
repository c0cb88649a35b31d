"""Alembic's entry point. Migrations run on a connection handed over by tracpro.db.migrate,
or, from the `alembic` command line, on the database TracPro's settings name."""

from __future__ import annotations

import logging.config

from alembic import context

import tracpro.db.models  # noqa: F401  (fills the metadata)
from tracpro.db.base import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("connection") is None:
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)


def _configure_and_run(connection) -> None:
    context.configure(
        connection=connection,
        # Tests hand in a deliberately drifted metadata to prove `alembic check` can fail.
        target_metadata=config.attributes.get("target_metadata", Base.metadata),
        compare_type=True,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    from tracpro.db.connection import get_engine

    with get_engine().connect() as connection:
        _configure_and_run(connection)
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("TracPro's migrations run online only: they need the database to talk to.")
run_migrations_online()
