"""`python -m tracpro check`: one line a check, and the exit status a monitor reads."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from sqlalchemy import text

from tests import factories as f
from tests.conftest import ROOT
from tracpro.db.connection import make_engine
from tracpro.db.migrate import head_revision, upgrade_to_head
from tracpro.db.models import OutboxStatus
from tracpro.health import outbox_check, schema_check, sync_checks
from tracpro.sync.state import ORG_RESOURCE

NOW = f.NOW
HOUR = timedelta(hours=1)


def test_each_org_with_a_token_is_checked_for_a_recent_successful_sync(db):
    fresh = f.OrgFactory(slug="fresh")
    f.SyncStateFactory(org=fresh, resource=ORG_RESOURCE, last_success_at=NOW - timedelta(minutes=9))
    stale = f.OrgFactory(slug="stale")
    f.SyncStateFactory(org=stale, resource=ORG_RESOURCE, last_success_at=NOW - timedelta(minutes=200),
                       last_error="RapidPro answered 401")
    f.SyncStateFactory(org=stale, resource="contacts", last_success_at=NOW)  # a resource is not the org's pass
    f.OrgFactory(slug="never")
    f.OrgFactory(slug="tokenless", rapidpro_token_encrypted="")  # nothing to sync yet
    f.OrgFactory(slug="closed", is_active=False)
    db.flush()
    lines = [check.line for check in sync_checks(db, NOW, HOUR)]
    assert lines == [
        "ok sync of fresh: last success 9 min ago",
        "FAIL sync of never: never synced successfully",
        "FAIL sync of stale: last success 3 h 20 min ago, over the limit of 60 min; last error: RapidPro answered 401",
    ]


def test_an_action_waiting_too_long_for_rapidpro_fails_the_check(db):
    org = f.OrgFactory()
    f.OutboxActionFactory(org=org, created_at=NOW - timedelta(minutes=5))  # young: fine
    f.OutboxActionFactory(org=org, created_at=NOW - HOUR, status=OutboxStatus.DONE)  # settled: fine
    f.OutboxActionFactory(org=org, created_at=NOW - HOUR, status=OutboxStatus.FAILED)  # RapidPro said no: settled
    db.flush()
    assert outbox_check(db, NOW, timedelta(minutes=30)).line == "ok actions: none waiting longer than 30 min"
    f.OutboxActionFactory(org=org, created_at=NOW - 2 * HOUR, status=OutboxStatus.MAYBE_SENT)
    f.OutboxActionFactory(org=org, created_at=NOW - HOUR)
    db.flush()
    assert outbox_check(db, NOW, timedelta(minutes=30)).line == (
        "FAIL actions: 2 waiting for RapidPro longer than 30 min, the oldest for 2 h 0 min: is the sync job running?")


def _check(database_url: str, *arguments: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if "DATABASE_URL" not in key}
    environment |= {"DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "tracpro", "check", *arguments], cwd=ROOT, env=environment,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)


def test_the_command_says_each_check_and_exits_by_the_worst(fresh_database):
    engine = make_engine(fresh_database)
    try:
        assert schema_check(engine).line.startswith("FAIL schema: at nothing, newest is ")
        behind = _check(fresh_database)
        assert behind.returncode == 1 and behind.stdout.splitlines()[1].startswith("FAIL schema")
        upgrade_to_head(engine)
        healthy = _check(fresh_database)
        assert healthy.returncode == 0, healthy.stdout
        assert healthy.stdout.splitlines()[1:] == [f"ok schema: at the newest migration ({head_revision()})",
                                                   "ok actions: none waiting longer than 30 min"]
        with engine.begin() as connection:  # an org whose sync never succeeded
            connection.execute(text("INSERT INTO orgs (slug, name, rapidpro_token_encrypted) "
                                    "VALUES ('moh', 'MoH', 'x')"))
        failing = _check(fresh_database, "--sync-minutes", "15")
        assert failing.returncode == 1 and "FAIL sync of moh: never synced successfully" in failing.stdout
    finally:
        engine.dispose()


def test_a_database_out_of_reach_exits_2_with_one_line():
    result = _check("postgresql://nobody:secret@127.0.0.1:9/tracpro")
    assert result.returncode == 2
    assert result.stdout.startswith("FAIL database: Could not connect") and "secret" not in result.stdout
