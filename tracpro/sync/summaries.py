"""The summary tables Home and Activity read (tracpro.db.models.summaries), recomputed per org.

`refresh_summaries` deletes the org's rows and inserts them again from responses, contacts and
pollruns, all in the caller's transaction: a sync killed half-way leaves the old summaries, a
finished one the new, never a mix. The sync job runs it after the runs stage of every org pass
(so also after contacts); pages therefore show counts as of the last sync, and contact edits
made in TracPro reach them with the next sync, like they reach RapidPro.

A pass refreshes only when what the summaries are computed from changed: `inputs_fingerprint`
hashes exactly the columns they read (responses, contacts, reporter-group memberships, the org's
timezone), so an unchanged org costs one scan instead of rewriting every summary row (about a
minute at the national tier), and a change made any way at all (the sync, a page, SQL) is seen.
"""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy import Date, Table, and_, cast, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from tracpro.db.connection import session_scope
from tracpro.db.models import (
    Contact,
    Org,
    PollRun,
    Response,
    ResponseStatus,
    activity_channel_totals,
    activity_days,
    activity_group_days,
    activity_group_totals,
    activity_language_totals,
    activity_region_totals,
    contact_reporter_groups,
    pollrun_region_counts,
    started_days,
    summary_inputs,
)
from tracpro.db.results import rowcount
from tracpro.sync.engine import SyncContext

SUMMARIES = (activity_days, activity_group_days, activity_region_totals, activity_language_totals,
             activity_channel_totals, activity_group_totals, pollrun_region_counts, started_days)


def local_day(zone: str, moment):
    """The org-local date of a timestamp, as the read models and their reference agree on it."""
    return cast(func.timezone(zone, moment), Date)


def language_of(language):
    return func.coalesce(language, "unknown")


def channel_of(urn):
    # The scheme of the URN: tel, whatsapp, telegram, twitter ...
    return func.coalesce(func.split_part(urn, ":", 1), "none")


def _counted(org_id: int):
    """Active responses of the org's active contacts that have a region (the ones Activity and
    participation count; whether the region itself is active is checked when reading)."""
    return (
        select()
        .select_from(Response)
        .join(Contact, Contact.id == Response.contact_id)
        .where(Response.org_id == org_id, Response.is_active, Contact.is_active, Contact.region_id.is_not(None))
    )


def _totals(org_id: int, totals: Table, by_poll: Table, *split: str):
    """INSERT … SELECT of the org's per-poll activity rows (written just before) summed over polls."""
    key = [by_poll.c.org_id, by_poll.c.day, by_poll.c.region_id, *(by_poll.c[name] for name in split)]
    return totals.insert().from_select(
        [column.name for column in key] + ["responses"],
        select(*key, func.sum(by_poll.c.responses)).where(by_poll.c.org_id == org_id).group_by(*key),
    )


def refresh_summaries(session: Session, org_id: int) -> int:
    """Replace the org's summary rows; returns how many rows were written."""
    zone = session.get_one(Org, org_id).timezone
    for table in SUMMARIES:
        session.execute(delete(table).where(table.c.org_id == org_id))
    answered = Response.status != ResponseStatus.EMPTY
    updated_day = local_day(zone, Response.updated_on)
    language, channel = language_of(Contact.language), channel_of(Contact.urn)
    days_key = (PollRun.poll_id, Contact.region_id, updated_day, language, channel)
    statements = [
        activity_days.insert().from_select(
            ["org_id", "poll_id", "region_id", "day", "language", "channel", "responses"],
            _counted(org_id).join(PollRun, PollRun.id == Response.pollrun_id).where(answered)
            .add_columns(Response.org_id, *days_key, func.count()).group_by(Response.org_id, *days_key),
        ),
        activity_group_days.insert().from_select(
            ["org_id", "poll_id", "region_id", "day", "reporter_group_id", "responses"],
            _counted(org_id).join(PollRun, PollRun.id == Response.pollrun_id)
            .join(contact_reporter_groups, contact_reporter_groups.c.contact_id == Contact.id).where(answered)
            .add_columns(Response.org_id, PollRun.poll_id, Contact.region_id, updated_day,
                         contact_reporter_groups.c.reporter_group_id, func.count())
            .group_by(Response.org_id, PollRun.poll_id, Contact.region_id, updated_day,
                      contact_reporter_groups.c.reporter_group_id),
        ),
        # After the two above, which they sum.
        _totals(org_id, activity_region_totals, activity_days),
        _totals(org_id, activity_language_totals, activity_days, "language"),
        _totals(org_id, activity_channel_totals, activity_days, "channel"),
        _totals(org_id, activity_group_totals, activity_group_days, "reporter_group_id"),
        pollrun_region_counts.insert().from_select(
            ["org_id", "pollrun_id", "region_id", "responses", "answered"],
            _counted(org_id)
            .add_columns(Response.org_id, Response.pollrun_id, Contact.region_id, func.count(),
                         func.count().filter(answered))
            .group_by(Response.org_id, Response.pollrun_id, Contact.region_id),
        ),
        started_days.insert().from_select(
            ["org_id", "region_id", "day", "responses"],
            select(Response.org_id, Contact.region_id, local_day(zone, Response.created_on), func.count())
            .select_from(Response)
            .join(Contact, and_(Contact.id == Response.contact_id, Contact.org_id == Response.org_id))
            .where(Response.org_id == org_id, Response.is_active)
            .group_by(Response.org_id, Contact.region_id, local_day(zone, Response.created_on)),
        ),
    ]
    return sum(rowcount(session.execute(statement)) for statement in statements)


# Order-independent sums of 32-bit hashes of every input row's summarised columns, with counts.
_FINGERPRINT = text("""
SELECT concat_ws(':',
    (SELECT concat_ws('/', count(*), sum(hashtext(concat_ws('|', r.id, r.is_active, r.status, r.created_on,
                                                         r.updated_on, r.pollrun_id, r.contact_id))::bigint))
     FROM responses r WHERE r.org_id = :org),
    (SELECT concat_ws('/', count(*), sum(hashtext(concat_ws('|', c.id, c.is_active, c.region_id, c.language,
                                                         c.urn))::bigint))
     FROM contacts c WHERE c.org_id = :org),
    (SELECT concat_ws('/', count(*), sum(hashtext(concat_ws('|', m.contact_id, m.reporter_group_id))::bigint))
     FROM contact_reporter_groups m JOIN contacts c ON c.id = m.contact_id WHERE c.org_id = :org),
    (SELECT timezone FROM orgs WHERE id = :org))
""")


def inputs_fingerprint(session: Session, org_id: int) -> str:
    """A digest of everything refresh_summaries reads for the org: equal digests, equal summaries."""
    return session.execute(_FINGERPRINT, {"org": org_id}).scalar_one()


def refresh_if_changed(session: Session, org_id: int, now: datetime) -> int | None:
    """refresh_summaries when the inputs changed since the last refresh (which is then dated `now`);
    None when they did not."""
    fingerprint = inputs_fingerprint(session, org_id)
    last = session.execute(
        select(summary_inputs.c.fingerprint).where(summary_inputs.c.org_id == org_id)
    ).scalar_one_or_none()
    if last == fingerprint:
        return None
    rows = refresh_summaries(session, org_id)
    statement = insert(summary_inputs).values(org_id=org_id, fingerprint=fingerprint, refreshed_at=now)
    session.execute(statement.on_conflict_do_update(
        index_elements=["org_id"], set_={"fingerprint": fingerprint, "refreshed_at": statement.excluded.refreshed_at}))
    return rows


def sync_summaries(ctx: SyncContext) -> int | None:
    """The sync job's stage: refresh the org's summaries in one transaction, if their inputs changed."""
    started = time.monotonic()
    with session_scope() as session:
        rows = refresh_if_changed(session, ctx.org_id, ctx.now)
    outcome = "unchanged" if rows is None else f"rows={rows}"
    ctx.progress.finished(ctx.slug, "summaries", outcome, time.monotonic() - started)
    return rows
