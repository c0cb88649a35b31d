"""Sync requests, the sync status an admin sees, and the nightly snapshot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import select

from tests import factories as f
from tests.actors import admin
from tracpro.auth.scope import Scope
from tracpro.db.models import SyncRequest, SyncRequestStatus
from tracpro.i18n import use_language
from tracpro.queries.sync_status import sync_status
from tracpro.sync.counts import Counts
from tracpro.sync.requests import honour_requests, request_sync
from tracpro.sync.runner import OrgOutcome, OrgStatus
from tracpro.sync.snapshot import export_org, snapshot


def test_requests_are_run_once_each_and_closed_with_the_outcome(db, connection):
    org, other = f.OrgFactory(), f.OrgFactory()
    first = request_sync(db, admin(org.id))
    assert request_sync(db, admin(org.id)).id == first.id  # the same ask, not twice
    request_sync(db, admin(org.id), days=30)
    request_sync(db, admin(other.id))
    db.commit()
    runs = []

    def run(org_id, days):
        runs.append((org_id, days))
        return org_id == org.id, f"ran {org_id} {days}", {"status": "synced"} if org_id == org.id else None

    assert honour_requests(run, lambda: f.NOW) == 3
    assert runs == [(org.id, None), (org.id, 30), (other.id, None)]
    db.expire_all()
    statuses = {(r.org_id, r.days): (r.status, r.message) for r in db.scalars(select(SyncRequest))}
    assert statuses[(other.id, None)] == (SyncRequestStatus.FAILED, f"ran {other.id} None")
    assert statuses[(org.id, 30)][0] == SyncRequestStatus.DONE
    assert {r.outcome["status"] for r in db.scalars(select(SyncRequest).where(SyncRequest.org_id == org.id))} == {
        "synced"}
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
    request_sync(db, admin(org_id, f.UserFactory(name="Richard").id), days=3)
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


def test_a_requests_outcome_is_worded_in_the_viewers_language_with_the_orgs_name_not_its_slug(db):
    poll = f.PollFactory(rapidpro_name="Attendance", flow_uuid="F-1",
                         org__name="Ministère de la Santé", org__slug="moh-rw")
    org_id = poll.org_id
    outcome = OrgOutcome("moh-rw", OrgStatus.PARTLY, "runs:F-1: RapidPro did not answer",
                         counts={"contacts": Counts(created=1200, updated=3), "flows": Counts(unchanged=4)},
                         failed={"runs:F-1": "RapidPro did not answer"}, kept_aside=2)
    request = request_sync(db, admin(org_id))
    request.status, request.message, request.outcome = SyncRequestStatus.DONE, "moh-rw: partly synced", (
        outcome.as_details())
    db.flush()
    use_language("en")
    english = sync_status(db, Scope(org_id, None), f.NOW).requests["Outcome"].tolist()
    assert english == ["Ministère de la Santé partly synced. Changes: Contacts: 1,200 new, 3 updated, 0 deleted. "
                       "Not synced: Runs of Attendance. 2 items RapidPro sent could not be read. They are kept "
                       "aside and read again at every sync."]
    use_language("fr")
    try:
        (french,) = sync_status(db, Scope(org_id, None), f.NOW).requests["Outcome"].tolist()
    finally:
        use_language("en")
    assert french.startswith("Synchronisation partielle de Ministère de la Santé. Changements : Contacts : "
                             "1\u202f200 nouveaux") and "Non synchronisé : Exécutions de Attendance." in french
    assert "moh-rw" not in french and "synced" not in french
    # A request that failed before the sync could say keeps its reason, worded around it.
    request.outcome, request.status, request.message = None, SyncRequestStatus.FAILED, "DatabaseError: gone"
    db.flush()
    assert sync_status(db, Scope(org_id, None), f.NOW).requests["Outcome"].tolist() == [
        "Ministère de la Santé could not be synced: DatabaseError: gone"]
