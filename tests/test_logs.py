"""Log lines: plain, or one JSON object a line with TRACPRO_LOG_FORMAT=json; the audit trail's
events and the sync job's outcome per org carry their fields; the sync job deletes old events."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

import sync_job
from tests import factories as f
from tests.conftest import ROOT
from tracpro import logs
from tracpro.audit.trail import Acting, acting, record
from tracpro.db import session_scope
from tracpro.db.connection import make_engine
from tracpro.db.migrate import upgrade_to_head
from tracpro.db.models import AuditKind
from tracpro.sync.counts import Counts
from tracpro.sync.runner import OrgOutcome, OrgStatus


def _lines(capsys) -> list[str]:
    return capsys.readouterr().err.splitlines()


def test_json_lines_parse_with_their_fields_and_traceback(capsys):
    logs.configure("json")
    logging.getLogger("tracpro.test").info("hello %s", "world", extra={logs.FIELDS: {"org": "demo", "n": 3}})
    try:
        raise ValueError("broken\non two lines")
    except ValueError:
        logging.getLogger("tracpro.test").exception("it failed")
    hello, failed = (json.loads(line) for line in _lines(capsys))
    assert {key: hello[key] for key in ("level", "logger", "message", "org", "n")} == {
        "level": "INFO", "logger": "tracpro.test", "message": "hello world", "org": "demo", "n": 3}
    assert datetime.fromisoformat(hello["time"]).tzinfo == UTC
    assert failed["level"] == "ERROR" and "ValueError: broken\non two lines" in failed["exception"]


def test_plain_lines_end_with_their_fields(capsys):
    logs.configure("plain")
    logging.getLogger("tracpro.test").info("hello", extra={logs.FIELDS: {"org": "demo", "counts": {"created": 1}}})
    logging.getLogger("tracpro.test").info("no fields")
    with_fields, without = _lines(capsys)
    assert with_fields.endswith(' INFO hello org="demo" counts={"created": 1}')
    assert without.endswith(" INFO no fields")


def test_the_apps_setup_leaves_other_libraries_alone_and_can_be_repeated(capsys):
    logs.configure("json")
    logs.configure("json")
    logging.getLogger("streamlit.example").warning("not ours")
    logging.getLogger("tracpro.test").warning("ours")
    assert [json.loads(line)["message"] for line in _lines(capsys)] == ["ours"]


def test_a_committed_event_is_a_json_line_with_its_fields(db, capsys):
    org, ada = f.OrgFactory(), f.UserFactory(login="ada@example.org")
    db.flush()
    logs.configure("json")
    with session_scope() as session:
        acting(session, Acting(ada.id, ada.login, f.NOW))
        record(session, AuditKind.SYNC_REQUESTED, org.id, {"older_runs_days": 30})
    [line] = [json.loads(line) for line in _lines(capsys)]
    assert {key: line[key] for key in ("logger", "message", "event", "org_id", "user_id", "email", "at", "details")} \
        == {"logger": "tracpro.audit", "message": "audit sync_requested", "event": "sync_requested",
            "org_id": org.id, "user_id": ada.id, "email": "ada@example.org", "at": f.NOW.isoformat(),
            "details": {"older_runs_days": 30}}


def test_the_sync_job_logs_each_orgs_outcome_with_its_counts(capsys):
    logs.configure("json", everything=True)
    sync_job.report([
        OrgOutcome("demo", OrgStatus.SYNCED, counts={"contacts": Counts(created=2), "runs": Counts()}),
        OrgOutcome("kenya", OrgStatus.FAILED, "RapidPro answered 401"),
    ])
    written = capsys.readouterr()
    assert written.out.splitlines() == ["demo: synced (contacts +2 ~0 -0)", "kenya: failed — RapidPro answered 401"]
    synced, failed = (json.loads(line) for line in written.err.splitlines())
    assert (synced["level"], synced["org"], synced["status"]) == ("INFO", "demo", "synced")
    assert synced["counts"]["contacts"] == {"created": 2, "updated": 0, "deleted": 0, "unchanged": 0, "malformed": 0}
    assert (failed["level"], failed["status"], failed["outcome"]) == ("WARNING", "failed", "RapidPro answered 401")


@pytest.mark.end_to_end
def test_the_sync_job_deletes_events_older_than_the_retention_and_logs_json(fresh_database):
    engine = make_engine(fresh_database)
    try:
        upgrade_to_head(engine)
        with engine.begin() as connection:
            # Dated far from any day this test runs on: one long past any retention, one not yet come.
            connection.execute(text("INSERT INTO audit_events (at, kind, details) VALUES "
                                    "('2000-01-01T00:00:00Z', 'signed_in', '{}'), "
                                    "('2999-01-01T00:00:00Z', 'signed_in', '{}')"))
        environment = {**{k: v for k, v in os.environ.items() if "DATABASE_URL" not in k},
                       "DATABASE_URL": fresh_database, "TRACPRO_AUDIT_DAYS": "30", "TRACPRO_LOG_FORMAT": "json"}
        result = subprocess.run([sys.executable, "sync_job.py"], cwd=ROOT, env=environment, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        lines = [json.loads(line) for line in result.stderr.splitlines()]
        assert {"message": "audit trail: 1 events older than 30 days deleted", "deleted": 1, "days": 30}.items() \
            <= next(line for line in lines if line["message"].startswith("audit trail")).items()
        with engine.connect() as connection:
            assert connection.execute(text("SELECT extract(year FROM at)::int FROM audit_events")).scalars().all() \
                == [2999]
    finally:
        engine.dispose()
