"""The embedded PostgreSQL is shared safely by processes that start it at the same moment."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import ROOT
from tests.start_together import READY_THEN_WAIT, release_together
from tracpro.db.embedded import embedded_database_url

# Once the others are ready too, starts (or joins) the server, and reports which cluster it reached.
JOIN_AND_REPORT = f"""
import json, sys
from pathlib import Path
from sqlalchemy import create_engine, text
from tracpro.db.embedded import embedded_database_url
{READY_THEN_WAIT}
engine = create_engine(embedded_database_url(Path(sys.argv[1])))
with engine.connect() as connection:
    row = connection.execute(text(
        "SELECT system_identifier::text, pg_postmaster_start_time()::text, current_database() "
        "FROM pg_control_system()")).one()
print(json.dumps(list(row)))
"""


def _spawn(data_dir) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", JOIN_AND_REPORT, str(data_dir)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_two_processes_starting_a_new_embedded_server_at_once_share_one_cluster(private_dir):
    processes = [_spawn(private_dir) for _ in range(2)]
    release_together(processes)
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    (first_cluster, _, first_database), (second_cluster, _, second_database) = (
        json.loads(stdout) for stdout, _ in outputs
    )
    # One cluster (it may have been restarted if the first process finished before the second
    # joined: the last process out stops it), and one database in it.
    assert first_cluster == second_cluster
    assert first_database == second_database == "tracpro"


@pytest.mark.slow
def test_a_process_leaving_does_not_stop_the_server_for_the_one_still_using_it(private_dir):
    engine = create_engine(embedded_database_url(private_dir))
    try:
        identity = "SELECT system_identifier::text, pg_postmaster_start_time()::text FROM pg_control_system()"
        with engine.connect() as connection:
            ours = list(connection.execute(text(identity)).one())
        visitor = _spawn(private_dir)
        release_together([visitor])
        stdout, stderr = visitor.communicate(timeout=120)
        assert visitor.returncode == 0, stderr
        assert json.loads(stdout)[:2] == ours  # the visitor joined our server
        with engine.connect() as connection:  # which is still up after it left, and not restarted
            assert list(connection.execute(text(identity)).one()) == ours
    finally:
        engine.dispose()
