"""Sync requests, the sync status an admin sees, and the nightly snapshot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import select

from tests import factories as f
from tracpro.auth.scope import Scope
from tracpro.db.models import SyncRequest, SyncRequestStatus
from tracpro.queries.sync_status import sync_status
from tracpro.sync.requests import honour_requests, request_sync
from tracpro.sync.snapshot import export_org, snapshot


def test_requests_are_run_once_each_and_closed_with_the_outcome(db, connection):
    org, other = f.OrgFactory(), f.OrgFactory()
    first = request_sync(db, org.id, None)
    assert request_sync(db, org.id, None).id == first.id  # the same ask, not twice
    request_sync(db, org.id, None, days=30)
    request_sync(db, other.id, None)
    db.commit()
    runs = []

    def run(org_id, days):
        runs.append((org_id, days))
        return org_id == org.id, f"ran {org_id} {days}"

    assert honour_requests(run, lambda: f.NOW) == 3
    assert runs == [(org.id, None), (org.id, 30), (other.id, None)]
    db.expire_all()
    statuses = {(r.org_id, r.days): (r.status, r.message) for r in db.scalars(select(SyncRequest))}
    assert statuses[(other.id, None)] == (SyncRequestStatus.FAILED, f"ran {other.id} None")
    assert statuses[(org.id, 30)][0] == SyncRequestStatus.DONE
    assert {(r.started_at, r.finished_at) for r in db.scalars(select(SyncRequest))} == {(f.NOW, f.NOW)}
    assert honour_requests(run, lambda: f.NOW) == 0


def test_the_status_page_names_resources_counts_errors_and_requests(db):
    poll = f.PollFactory(rapidpro_name="Attendance", flow_uuid="F-1")
    org_id = poll.org_id
    f.SyncStateFactory(org_id=org_id, org=None, resource="contacts", last_counts={"created": 5, "updated": 2},
                       last_success_at=datetime(2026, 11, 2, 6, tzinfo=UTC))
    f.SyncStateFactory(org_id=org_id, org=None, resource="runs:F-1", last_error="RapidPro did not answer in time.",
                       failure_count=2, pass_started_at=datetime(2026, 11, 2, 7, tzinfo=UTC))
    f.SyncStateFactory(org_id=org_id, org=None, resource="archives", last_counts={"created": 40})
    f.SyncStateFactory(org_id=org_id, org=None, resource="org", failure_count=1, last_error="boom",
                       next_allowed_at=datetime(2026, 11, 2, 8, tzinfo=UTC))
    request_sync(db, org_id, f.UserFactory(name="Richard").id, days=3)
    db.flush()
    status = sync_status(db, Scope(org_id, None), f.NOW)
    table = status.resources.set_index("Resource")
    assert table.loc["Contacts", ["Created", "Updated"]].tolist() == [5, 2]
    assert table.loc["Runs of Attendance", ["Failures", "Last error", "Under way"]].tolist() == [
        2, "RapidPro did not answer in time.", True]
    assert table.loc["Archived runs", "Created"] == 40
    assert (status.failures, status.last_error) == (1, "boom")
    assert status.next_allowed == datetime(2026, 11, 2, 10, 0)  # in the org's time: Africa/Kigali is UTC+2
    assert status.requests[["By", "Older runs (days)", "Status"]].values.tolist() == [["Richard", 3, "pending"]]


def test_the_snapshot_has_one_row_per_answer_of_the_days_responses(db, tmp_path):
    day = datetime(2026, 11, 2, 10, tzinfo=UTC)
    answer = f.AnswerFactory(response__updated_on=day, value="4", question__key="sheep")
    f.ResponseFactory(pollrun=answer.response.pollrun, contact__org_id=answer.org_id, contact__org=None,
                      updated_on=day - timedelta(days=2))  # another day: not in the snapshot
    db.flush()
    when, table = snapshot(answer.org_id, f.NOW, day.date())
    assert when == day.date() and len(table) == 1
    assert table.loc[0, ["question_key", "value", "status"]].tolist() == ["sheep", "4", "complete"]
    assert table.loc[0, "updated_on"] == "2026-11-02T12:00:00+02:00"  # the org's time
    just_after_midnight = datetime(2026, 11, 2, 22, 30, tzinfo=UTC)  # 00:30 on Nov 3 in Kigali
    assert snapshot(answer.org_id, just_after_midnight)[0] == day.date()  # by default the org's yesterday
    csv, parquet, rows = export_org(answer.org_id, tmp_path, f.NOW, day.date())
    assert rows == 1 and csv.name.endswith("-responses-2026-11-02.csv")
    assert pd.read_csv(csv)["question_key"].tolist() == ["sheep"]
    assert pd.read_parquet(parquet).columns.tolist() == table.columns.tolist()
