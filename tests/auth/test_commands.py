"""`python -m tracpro createsuperuser` and `adduser`, run as an operator runs them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import select, text

from tests.conftest import ROOT
from tracpro.auth.passwords import check_password
from tracpro.db.connection import make_engine
from tracpro.db.models import Membership, User


def _tracpro(database_url: str, *args: str, **environ: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if "DATABASE_URL" not in key}
    environment |= {"DATABASE_URL": database_url, **environ}
    return subprocess.run(
        [sys.executable, "-m", "tracpro", *args],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def engine(fresh_database):
    engine = make_engine(fresh_database)
    yield engine
    engine.dispose()


def _users(engine) -> list[User]:
    with engine.connect() as connection:
        return list(connection.execute(select(User)))


def test_createsuperuser_makes_the_first_account_on_an_empty_database(fresh_database, engine):
    result = _tracpro(
        fresh_database,
        "createsuperuser",
        "--login",
        "Root@Example.org",
        "--name",
        "Rita Root",
        "--password-from-env",
        "FIRST_PASSWORD",
        FIRST_PASSWORD="a long secret",
    )
    assert result.returncode == 0, result.stderr
    assert "Superuser root@example.org created" in result.stdout
    [user] = _users(engine)
    assert (user.login, user.name, user.is_superuser, user.must_change_password) == (
        "root@example.org",
        "Rita Root",
        True,
        False,
    )
    assert check_password("a long secret", user.password_hash)


@pytest.mark.parametrize(
    ("arguments", "environ", "message"),
    [
        (
            ["--login", "x@example.org", "--name", "X", "--password-from-env", "PW"],
            {"PW": "short"},
            "tracpro: Password: Ensure this value has at least 8 characters (it has 5).\n",
        ),
        (
            ["--login", "nonsense", "--name", "X", "--password-from-env", "PW"],
            {"PW": "long enough"},
            "tracpro: Email: Enter a valid email address.\n",
        ),
        (
            ["--login", "x@example.org", "--name", "X", "--password-from-env", "UNSET_VARIABLE"],
            {},
            "tracpro: The environment variable UNSET_VARIABLE (from --password-from-env) is not set.\n",
        ),
        (["--name", "X"], {}, "tracpro: Give --login when not running in a terminal.\n"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_status_2(fresh_database, engine, arguments, environ, message):
    result = _tracpro(fresh_database, "createsuperuser", *arguments, **environ)
    assert (result.returncode, result.stderr) == (2, message)
    assert _users(engine) == []


def test_the_same_login_twice_is_refused(fresh_database):
    arguments = ["createsuperuser", "--login", "root@example.org", "--name", "R", "--password-from-env", "PW"]
    assert _tracpro(fresh_database, *arguments, PW="long enough").returncode == 0
    again = _tracpro(fresh_database, *[a.upper() if "@" in a else a for a in arguments], PW="long enough")
    assert (again.returncode, again.stderr) == (2, "tracpro: Email: Email address already taken.\n")


def test_adduser_creates_a_supervisor_of_named_regions_or_adds_an_existing_user(fresh_database, engine):
    assert _tracpro(fresh_database, "db", "upgrade").returncode == 0
    with engine.begin() as connection:
        org = connection.execute(
            text("INSERT INTO orgs (slug, name) VALUES ('moh', 'Ministry') RETURNING id")
        ).scalar()
        connection.execute(
            text("INSERT INTO regions (org_id, uuid, name) VALUES (:org, 'u-1', 'North')"), {"org": org}
        )
    created = _tracpro(
        fresh_database,
        "adduser",
        "--org",
        "moh",
        "--role",
        "supervisor",
        "--login",
        "sam@example.org",
        "--name",
        "Sam",
        "--region",
        "north",
        "--password-from-env",
        "PW",
        PW="first password",
    )
    assert created.returncode == 0, created.stderr
    assert "created and added to moh as supervisor" in created.stdout
    promoted = _tracpro(
        fresh_database, "adduser", "--org", "moh", "--role", "admin", "--login", "SAM@example.org"
    )
    assert promoted.returncode == 0, promoted.stderr
    with engine.connect() as connection:
        [membership] = connection.execute(select(Membership.role)).all()
        [user] = connection.execute(select(User.must_change_password)).all()
    assert membership.role == "admin" and user.must_change_password
    unknown = _tracpro(
        fresh_database, "adduser", "--org", "nope", "--role", "admin", "--login", "sam@example.org"
    )
    assert (unknown.returncode, unknown.stderr) == (
        2,
        "tracpro: Organisation: There is no organisation with the slug 'nope'.\n",
    )
