"""The database lost in the middle of a sync: the job ends with exit status 2 and one sentence,
and a --loop job carries on once the database is back, from where the sync got to."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

from tests.process_output import OutputLines
from tests.sync.end_to_end import SyncedDatabase, database_with_org
from tracpro.simulator import Simulator

pytestmark = [pytest.mark.slow, pytest.mark.end_to_end]

TOKEN = "lost-database-token"
CONTACTS_DONE = "sync org=demo resource=contacts "  # the log line the job ends the contacts with
LOST = "sync_job: The database stopped answering"


@pytest.fixture(scope="module")
def simulator():
    with Simulator(tier="demo", seed=7, token=TOKEN) as simulator:
        yield simulator


@pytest.fixture
def database(database_server, simulator) -> Iterator[SyncedDatabase]:
    """The demo org with one poll chosen (its runs are a few pages), each answer slowed down so the
    sync is still at work after the contacts."""
    with database_with_org(database_server, simulator) as database:
        with database.engine.begin() as connection:
            connection.execute(text("UPDATE polls SET is_active = false WHERE id <> (SELECT min(id) FROM polls)"))
        simulator.faults.update(slow_ms=300)
        try:
            yield database
        finally:
            simulator.faults.reset()


@contextmanager
def lost(database_server, database: SyncedDatabase) -> Iterator[None]:
    """No connection to the database for the block: those open are ended, new ones refused."""
    admin = create_engine(database_server.admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{database.name}" ALLOW_CONNECTIONS false'))
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": database.name})
        yield
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{database.name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
        database.engine.dispose()  # its pooled connections were ended with the others


def _responses(database: SyncedDatabase) -> int:
    with database.engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM responses")).scalar_one()


def test_a_database_lost_mid_sync_ends_the_job_with_exit_2_and_one_sentence(database_server, database):
    job = database.start_sync_job("--org", "demo", quiet=False)
    log, output = OutputLines(job.stderr), OutputLines(job.stdout)
    assert log.wait_for(lambda line: CONTACTS_DONE in line), log.wait_until_ended()
    with lost(database_server, database):
        assert job.wait(timeout=300) == 2
    errors = log.wait_until_ended()
    assert "Traceback" not in errors, errors
    sentences = [line for line in errors.splitlines() if line.startswith("sync_job:")]
    assert len(sentences) == 1 and sentences[0].startswith(LOST), errors
    assert sentences[0].endswith("The sync stopped; it goes on from where it got to when run again."), errors
    assert output.wait_until_ended() == ""


def test_a_looping_job_carries_on_once_the_database_is_back(database_server, database, simulator):
    job = database.start_sync_job("--org", "demo", "--loop", "1", quiet=False)
    log, output = OutputLines(job.stderr), OutputLines(job.stdout)
    try:
        assert log.wait_for(lambda line: CONTACTS_DONE in line), log.wait_until_ended()
        with lost(database_server, database):
            # Two rounds meet the database gone: the job is still looping while it is away.
            assert log.wait_for(lambda line: line.startswith(LOST), count=2), log.wait_until_ended()
        assert output.wait_for(lambda line: line.startswith("demo: synced (")), log.wait_until_ended()
    finally:
        job.terminate()
        job.wait(timeout=60)
    assert "Traceback" not in "".join(log.lines)
    with database.engine.connect() as connection:
        chosen = connection.execute(text("SELECT flow_uuid FROM polls WHERE is_active")).scalar_one()
    assert chosen in simulator.dataset.poll_flow_uuids
    # The runs RapidPro still lists and those only its archives hold (older than its retention).
    runs = [*simulator.dataset.iter_runs(flow=chosen), *simulator.dataset.iter_archived_runs(chosen)]
    assert _responses(database) == len(runs) > 0
