"""TracPro's command line: `python -m tracpro <command>`.

    python -m tracpro db upgrade          bring the schema to the newest migration
    python -m tracpro db status           say which database is used and where its schema stands
    python -m tracpro createsuperuser     create a superuser, the first account (prompts, or
                                          --login EMAIL --name NAME --password-from-env VARIABLE)
    python -m tracpro adduser --org SLUG --role admin|supervisor --login EMAIL [--region NAME ...]
                                          give someone a role in an org, creating their account if new
    python -m tracpro token-key rotate    encrypt every org's RapidPro token again with the first key
                                          of TRACPRO_TOKEN_KEYS (after putting a new key first)
    python -m tracpro check [--sync-minutes N] [--action-minutes N]
                                          health for monitors: one line a check; exit 0 when all are
                                          ok, 1 when one fails, 2 when the database is out of reach
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tracpro.auth.commands import CommandError, add_account_commands
from tracpro.db import DatabaseUnavailable, get_engine
from tracpro.db.connection import check_connection
from tracpro.db.migrate import current_revision, ensure_ready, head_revision, upgrade_to_head
from tracpro.db.token_cipher import TokenKeyError
from tracpro.health import health
from tracpro.orgs.connection import reencrypt_tokens


def _db_upgrade(engine: Engine, args: argparse.Namespace) -> None:
    upgrade_to_head(engine)
    print(f"The schema is at {current_revision(engine)} (head).")


def _db_status(engine: Engine, args: argparse.Namespace) -> None:
    current, head = current_revision(engine), head_revision()
    print(f"Database: {engine.url.render_as_string(hide_password=True)}")
    state = "up to date" if current == head else f"behind: head is {head}; run `python -m tracpro db upgrade`"
    print(f"Schema: {current or 'empty'} ({state})")


def _rotate_token_key(engine: Engine, args: argparse.Namespace) -> None:
    with Session(engine) as session, session.begin():
        count = reencrypt_tokens(session)
    print(f"Encrypted {count} RapidPro token(s) again with the first key of TRACPRO_TOKEN_KEYS; "
          "the other keys may now be removed.")


def _check(engine: Engine, args: argparse.Namespace) -> int:
    """Print each check's line; the exit status a monitor reads (see the module docstring)."""
    try:
        check_connection(engine)
    except DatabaseUnavailable as error:
        print(f"FAIL database: {error}")
        return 2
    print(f"ok database: {engine.url.render_as_string(hide_password=True)} answers")
    checks = health(engine, datetime.now(UTC), sync_limit=timedelta(minutes=args.sync_minutes),
                    action_limit=timedelta(minutes=args.action_minutes))
    for check in checks:
        print(check.line)
    return 0 if all(check.ok for check in checks) else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tracpro", description="TracPro administration.")
    commands = parser.add_subparsers(dest="command", required=True)
    db = commands.add_parser("db", help="the database and its schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply every migration not yet applied").set_defaults(run=_db_upgrade)
    db_commands.add_parser("status", help="which database, and its schema revision").set_defaults(run=_db_status)
    add_account_commands(commands)
    token_key = commands.add_parser("token-key", help="the keys that encrypt the stored RapidPro tokens")
    token_key_commands = token_key.add_subparsers(dest="token_key_command", required=True)
    token_key_commands.add_parser(
        "rotate", help="encrypt every stored token again with the first key of TRACPRO_TOKEN_KEYS"
    ).set_defaults(run=_rotate_token_key, needs_schema=True)
    check = commands.add_parser("check", help="health for monitors: database, schema, each org's sync, waiting actions")
    # Cron runs the sync every 10 minutes (README): an hour is several runs missed, not one slow one.
    check.add_argument("--sync-minutes", type=int, default=60,
                       help="an org's last successful sync may be this old (default 60)")
    check.add_argument("--action-minutes", type=int, default=30,
                       help="an action may wait this long for RapidPro (default 30)")
    check.set_defaults(check=_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "check", None):
        try:
            return args.check(get_engine(), args)
        except DatabaseUnavailable as error:  # the embedded database could not start
            print(f"FAIL database: {error}")
            return 2
    try:
        engine = get_engine()
        check_connection(engine)
        if getattr(args, "needs_schema", False):
            ensure_ready(engine)
        args.run(engine, args)
    except (DatabaseUnavailable, CommandError, TokenKeyError) as error:
        print(f"tracpro: {error}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, EOFError):
        print("\ntracpro: cancelled; nothing was changed.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
