"""TracPro's command line: `python -m tracpro <command>`.

    python -m tracpro db upgrade    bring the schema to the newest migration
    python -m tracpro db status     say which database is used and where its schema stands
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import Engine

from tracpro.db import DatabaseUnavailable, get_engine
from tracpro.db.connection import check_connection
from tracpro.db.migrate import current_revision, head_revision, upgrade_to_head


def _db_upgrade(engine: Engine) -> None:
    upgrade_to_head(engine)
    print(f"The schema is at {current_revision(engine)} (head).")


def _db_status(engine: Engine) -> None:
    current, head = current_revision(engine), head_revision()
    print(f"Database: {engine.url.render_as_string(hide_password=True)}")
    state = "up to date" if current == head else f"behind: head is {head}; run `python -m tracpro db upgrade`"
    print(f"Schema: {current or 'empty'} ({state})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tracpro", description="TracPro administration.")
    commands = parser.add_subparsers(dest="command", required=True)
    db = commands.add_parser("db", help="the database and its schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply every migration not yet applied").set_defaults(run=_db_upgrade)
    db_commands.add_parser("status", help="which database, and its schema revision").set_defaults(run=_db_status)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        engine = get_engine()
        check_connection(engine)
        args.run(engine)
    except DatabaseUnavailable as error:
        print(f"tracpro: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
