"""The nightly snapshot: each org's responses of one org-local day (by default the day before
the org's day at `now`), one row per answer, as CSV and as Parquet, for analysts and archives.
Times are the org's. The CSV is formula-safe for spreadsheets (tracpro.spreadsheets: text that
would be read as a formula starts with an apostrophe); the Parquet keeps every value raw."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import and_, select

from tracpro.db.connection import session_scope
from tracpro.db.models import Answer, Contact, Org, Poll, PollRun, Question, Region, Response
from tracpro.spreadsheets import csv_text

COLUMNS = ["org", "poll", "flow_uuid", "poll_date", "pollrun_type", "pollrun_region", "contact_uuid",
           "contact_region", "run_uuid", "status", "is_active", "created_on", "updated_on", "question_key",
           "question", "value", "category", "value_to_use", "submitted_on"]


def _day_of(org: Org, now: datetime, day: date | None) -> tuple[date, datetime, datetime]:
    zone = ZoneInfo(org.timezone)
    day = day or (now.astimezone(zone).date() - timedelta(days=1))
    return day, datetime.combine(day, time(), zone), datetime.combine(day + timedelta(days=1), time(), zone)


def snapshot(org_id: int, now: datetime, day: date | None = None) -> tuple[date, pd.DataFrame]:
    """The rows of the org's responses updated on `day` (org-local; yesterday at `now` by default), one
    per answer."""
    with session_scope() as session:
        org = session.get_one(Org, org_id)
        day, start, end = _day_of(org, now, day)
        zone = ZoneInfo(org.timezone)
        pollrun_region, contact_region = Region.__table__.alias(), Region.__table__.alias()
        rows = session.execute(
            select(Poll.name, Poll.flow_uuid, PollRun.conducted_date, PollRun.pollrun_type, pollrun_region.c.name,
                   Contact.uuid, contact_region.c.name, Response.run_uuid, Response.status, Response.is_active,
                   Response.created_on, Response.updated_on, Question.key, Question.rapidpro_name, Answer.value,
                   Answer.category, Answer.value_to_use, Answer.submitted_on)
            .select_from(Response)
            .join(PollRun, PollRun.id == Response.pollrun_id).join(Poll, Poll.id == PollRun.poll_id)
            .join(Contact, Contact.id == Response.contact_id)
            .outerjoin(pollrun_region, pollrun_region.c.id == PollRun.region_id)
            .outerjoin(contact_region, contact_region.c.id == Contact.region_id)
            .outerjoin(Answer, Answer.response_id == Response.id)
            .outerjoin(Question, and_(Question.id == Answer.question_id))
            .where(Response.org_id == org_id, Response.updated_on >= start, Response.updated_on < end)
            .order_by(Response.updated_on, Response.run_uuid, Question.order)
        ).all()
        slug = org.slug

    def local(moment):
        return moment.astimezone(zone).isoformat() if moment else None

    table = pd.DataFrame(
        [[slug, poll, flow, poll_date.isoformat(), kind.value, region, contact, contact_region_, run, status.value,
          active, local(created), local(updated), key, question, value, category, to_use, local(submitted)]
         for (poll, flow, poll_date, kind, region, contact, contact_region_, run, status, active, created, updated,
              key, question, value, category, to_use, submitted) in rows],
        columns=COLUMNS,
    )
    return day, table


def export_org(org_id: int, directory: Path, now: datetime, day: date | None = None) -> tuple[Path, Path, int]:
    """Write the org's snapshot (as `snapshot` chooses its day) as <dir>/<slug>/<slug>-responses-<day>.csv
    (formula-safe) and .parquet (raw)."""
    day, table = snapshot(org_id, now, day)
    slug = table["org"].iloc[0] if len(table) else _slug(org_id)
    folder = directory / slug
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"{slug}-responses-{day.isoformat()}"
    stem.with_suffix(".csv").write_text(csv_text(table), encoding="utf-8")
    table.to_parquet(stem.with_suffix(".parquet"), index=False)
    return stem.with_suffix(".csv"), stem.with_suffix(".parquet"), len(table)


def _slug(org_id: int) -> str:
    with session_scope() as session:
        return session.get_one(Org, org_id).slug
