"""Account commands of `python -m tracpro`: the first superuser, and people added to an org.

Both prompt in a terminal (passwords with getpass, never echoed) and take flags for scripts;
a password is never a command-line argument (other users of the machine can read those),
only the name of an environment variable holding it. Input is validated as the app's forms
validate it; bad input ends the command with one sentence (exit status 2).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from getpass import getpass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tracpro.audit.trail import Acting, acting
from tracpro.auth.members import add_member
from tracpro.auth.users import create_superuser, find_by_login
from tracpro.db.models import Role
from tracpro.forms import GENERAL, FormErrors

LABELS = {
    "name": "Name",
    "email": "Email",
    "password": "Password",
    "confirm_password": "Password (again)",
    "regions": "Regions",
    "org": "Organisation",
}


class CommandError(Exception):
    """The command cannot go on; `str()` is one sentence for the person at the terminal."""


def _sentence(errors: dict[str, list[str]]) -> str:
    field, messages = next(iter(errors.items()))
    return messages[0] if field == GENERAL else f"{LABELS.get(field, field)}: {messages[0]}"


def _interactive() -> bool:
    return sys.stdin.isatty()


def _ask(given: str | None, prompt: str, flag: str) -> str:
    if given is not None:
        return given
    if not _interactive():
        raise CommandError(f"Give {flag} when not running in a terminal.")
    return input(prompt)


def _password(variable: str | None) -> tuple[str, str]:
    if variable is not None:
        value = os.environ.get(variable)
        if value is None:
            raise CommandError(f"The environment variable {variable} (from --password-from-env) is not set.")
        return value, value
    if not _interactive():
        raise CommandError("Give --password-from-env VARIABLE when not running in a terminal.")
    return getpass("Password: "), getpass("Password (again): ")


def _by_a_command(session: Session) -> None:
    """What a command changes is in the audit trail as done by no account (whoever runs it on the
    server signs in to nothing), at the command's time."""
    acting(session, Acting(None, None, datetime.now(UTC)))


def create_superuser_command(engine: Engine, args: argparse.Namespace) -> None:
    login = _ask(args.login, "Email (used to sign in): ", "--login")
    name = _ask(args.name, "Full name: ", "--name")
    password, confirmation = _password(args.password_from_env)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        _by_a_command(session)
        try:
            user = create_superuser(session, login, name, password, confirmation)
        except FormErrors as error:
            raise CommandError(_sentence(error.errors)) from error
    print(f"Superuser {user.login} created: sign in to the app with this email.")


def add_user_command(engine: Engine, args: argparse.Namespace) -> None:
    role = Role(args.role)
    login = _ask(args.login, "Email (used to sign in): ", "--login")
    with Session(engine, expire_on_commit=False) as session, session.begin():
        _by_a_command(session)
        existing = find_by_login(session, login) is not None
        name, password = args.name or "", ""
        if not existing:
            name = _ask(args.name, "Full name: ", "--name")
            password, confirmation = _password(args.password_from_env)
            if password != confirmation:
                raise CommandError("Password (again): Passwords don't match.")
        try:
            user, created = add_member(
                session,
                args.org,
                login,
                role,
                args.region or [],
                name=name,
                password=password,
                now=datetime.now(UTC),
            )
        except FormErrors as error:
            raise CommandError(_sentence(error.errors)) from error
    what = "created and added" if created else "added"
    print(
        f"{user.login} {what} to {args.org} as {role.value}"
        + (" (they choose a new password at their first sign-in)." if created else ".")
    )


def add_account_commands(commands: argparse._SubParsersAction) -> None:
    """Register `createsuperuser` and `adduser` on the top-level parser's subcommands."""
    superuser = commands.add_parser("createsuperuser", help="create a superuser (the first account)")
    superuser.add_argument("--login", metavar="EMAIL", help="the email the superuser signs in with")
    superuser.add_argument("--name", help="the superuser's full name")
    superuser.add_argument(
        "--password-from-env",
        metavar="VARIABLE",
        help="read the password from this environment variable instead of prompting",
    )
    superuser.set_defaults(run=create_superuser_command, needs_schema=True)

    user = commands.add_parser(
        "adduser", help="give someone a role in an org (creating their account if new)"
    )
    user.add_argument("--org", required=True, metavar="SLUG", help="the org, by slug")
    user.add_argument("--role", required=True, choices=[role.value for role in Role])
    user.add_argument("--login", metavar="EMAIL")
    user.add_argument("--name", help="full name (new accounts)")
    user.add_argument(
        "--region", action="append", metavar="NAME", help="a region given to a supervisor; repeat for more"
    )
    user.add_argument(
        "--password-from-env", metavar="VARIABLE", help="new accounts: the password's environment variable"
    )
    user.set_defaults(run=add_user_command, needs_schema=True)
