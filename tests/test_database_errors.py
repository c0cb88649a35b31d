"""A wrong or unreachable database gives one clear sentence, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

COMMANDS = {
    "cli": [sys.executable, "-m", "tracpro", "db", "status"],
    "sync job": [sys.executable, "sync_job.py"],
}
# The sync job's runs are end-to-end tests (the fast path leaves them out); the cli's are not.
MARKS = {"cli": (), "sync job": (pytest.mark.end_to_end,)}

BAD_URLS = {
    "refused": ("postgresql://tracpro:secret@127.0.0.1:9/tracpro", "Connection refused"),
    "unknown host": ("postgresql://tracpro:secret@no-such-host.invalid/tracpro", "could not translate host name"),
    "not postgres": ("mysql://tracpro@localhost/tracpro", "must point to PostgreSQL"),
    "not a url": ("localhost:5432", "not a database URL"),
}


def _run(command: list[str], database_url: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "TRACPRO_TEST_DATABASE_URL"}
    environment["DATABASE_URL"] = database_url
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("command", [pytest.param(command, id=name, marks=MARKS[name])
                                     for name, command in COMMANDS.items()])
@pytest.mark.parametrize("url, expected", BAD_URLS.values(), ids=BAD_URLS.keys())
def test_a_bad_database_url_is_one_sentence_and_exit_code_2(command, url, expected):
    result = _run(command, url)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "secret" not in lines[0]  # passwords never printed


def test_a_database_that_does_not_exist_is_named(database_server):
    result = _run(COMMANDS["cli"], database_server.url("no_such_database"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert 'database "no_such_database" does not exist' in result.stderr


@pytest.mark.end_to_end
def test_the_sync_job_brings_an_empty_database_to_head(fresh_database):
    result = _run(COMMANDS["sync job"], fresh_database)
    assert result.returncode == 0, result.stderr
    status = _run(COMMANDS["cli"], fresh_database)
    assert "(up to date)" in status.stdout
