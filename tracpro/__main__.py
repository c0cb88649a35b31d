"""TracPro's command line: `python -m tracpro <command>`.

    python -m tracpro db upgrade          bring the schema to the newest migration
    python -m tracpro db status           say which database is used and where its schema stands
    python -m tracpro createsuperuser     create a superuser, the first account (prompts, or
                                          --login EMAIL --name NAME --password-from-env VARIABLE)
    python -m tracpro adduser --org SLUG --role admin|supervisor --login EMAIL [--region NAME ...]
                                          give someone a role in an org, creating their account if new
    python -m tracpro token-key rotate    encrypt every org's RapidPro token again with the first key
                                          of TRACPRO_TOKEN_KEYS (after putting a new key first)
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tracpro.auth.commands import CommandError, add_account_commands
from tracpro.db import DatabaseUnavailable, get_engine
from tracpro.db.connection import check_connection
from tracpro.db.migrate import current_revision, ensure_ready, head_revision, upgrade_to_head
from tracpro.db.token_cipher import TokenKeyError
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
