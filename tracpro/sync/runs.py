"""Runs of active polls → pollruns, responses and answers.

Per page of runs, in one transaction:
- the pollrun: the one TracPro created for the run's flow start when there is one, else the
  poll's universal pollrun of the org-local day of the run's creation (created on first need;
  its conducted_on is the earliest such run, so the result does not depend on page order);
- the response (one per run): complete when the run completed, partial when it has values,
  else empty; updated_on is its latest value's time;
- superseding: of one contact's responses in one pollrun only the latest created stays active;
- answers: one per question the run has a value for, with category and number, and then the
  same-day values-to-use of every group the page touched (tracpro.answers).

Runs of a flow start TracPro made but whose outcome it did not know yet when they were read
move to the start's pollrun once it does (tracpro.sync.started_runs).

Runs older than RapidPro's retention are read from its archives (tracpro.sync.archives), after
the live walk, for the windows that reach back that far.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import any_, delete, literal, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from tracpro.answers import recompute_values_to_use
from tracpro.db.connection import session_scope
from tracpro.db.models import (
    Answer,
    FlowStart,
    Poll,
    PollRun,
    PollRunType,
    Question,
    QuestionType,
    Response,
    ResponseStatus,
    SyncState,
)
from tracpro.db.upsert import upsert
from tracpro.polls.rules import answer_category, as_decimal
from tracpro.rapidpro import Page
from tracpro.sync.archives import sync_archived_runs, want_archived_runs
from tracpro.sync.contacts import ensure_contacts
from tracpro.sync.counts import Counts
from tracpro.sync.engine import SyncContext, sync_pages
from tracpro.sync.flows import QUESTIONS_OF
from tracpro.sync.started_runs import move_to_their_starts, starts_to_keep

_UNIVERSAL = PollRun.pollrun_type == PollRunType.UNIVERSAL


def response_status(run: Any) -> ResponseStatus:
    if run.exit_type == "completed":
        return ResponseStatus.COMPLETE
    return ResponseStatus.PARTIAL if run.values else ResponseStatus.EMPTY


def response_updated_on(run: Any) -> datetime:
    """The time of the run's latest value, or its creation when it has none."""
    return max((value.time for value in run.values.values() if value.time), default=run.created_on)


def _number(value: str | None) -> float | None:
    number = as_decimal(value)
    return float(number) if number is not None else None


def _started(session: Session, ctx: SyncContext, runs: list[Any]) -> dict[str, int]:
    """The pollrun of each flow start of `runs` TracPro made (and recorded), by start uuid."""
    start_uuids = {run.start.uuid for run in runs if run.start and run.start.uuid}
    return dict(
        session.execute(
            select(FlowStart.uuid, FlowStart.pollrun_id).where(
                FlowStart.org_id == ctx.org_id, FlowStart.uuid.in_(start_uuids)
            )
        ).all()
    ) if start_uuids else {}


def _pollrun_ids(session: Session, ctx: SyncContext, poll_id: int, runs: list[Any], started: dict[str, int]
                 ) -> dict[str, int]:
    """The pollrun of each run, by run uuid."""
    universal_runs = [run for run in runs if not (run.start and run.start.uuid in started)]
    first_by_day: dict[date, datetime] = {}
    for run in universal_runs:
        day = ctx.local_date(run.created_on)
        first_by_day[day] = min(first_by_day.get(day, run.created_on), run.created_on)
    if first_by_day:
        rows = [
            {"org_id": ctx.org_id, "poll_id": poll_id, "pollrun_type": PollRunType.UNIVERSAL,
             "conducted_on": first, "conducted_date": day}
            for day, first in first_by_day.items()
        ]
        statement = insert(PollRun).values(rows)
        # conducted_on is the day's earliest run, whatever order pages come in: only ever move it earlier.
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["poll_id", "conducted_date"],
                index_where=_UNIVERSAL,
                set_={"conducted_on": statement.excluded.conducted_on},
                where=statement.excluded.conducted_on < PollRun.conducted_on,
            )
        )
    by_day = dict(
        session.execute(
            select(PollRun.conducted_date, PollRun.id).where(
                PollRun.poll_id == poll_id, _UNIVERSAL, PollRun.conducted_date.in_(list(first_by_day))
            )
        ).all()
    ) if first_by_day else {}
    return {
        run.uuid: started[run.start.uuid] if run.start and run.start.uuid in started
        else by_day[ctx.local_date(run.created_on)]
        for run in runs
    }


def write_runs(
    session: Session, ctx: SyncContext, poll_id: int, runs: list[Any], pollruns: Mapping[str, int] | None = None
) -> Counts:
    """Store runs of one poll; `pollruns` (by run uuid) are kept as they are for those runs."""
    if not runs:
        return Counts()
    contacts = ensure_contacts(session, ctx.org_id, {run.contact.uuid for run in runs}, ctx.contact_ids)
    known = pollruns or {}
    placing = [run for run in runs if run.uuid not in known]
    started = _started(session, ctx, placing)
    pollrun_of = {**_pollrun_ids(session, ctx, poll_id, placing, started), **known}
    awaiting = starts_to_keep(session, ctx.org_id, poll_id, placing, set(started))
    response_rows = [
        {
            "org_id": ctx.org_id,
            "run_uuid": run.uuid,
            "pollrun_id": pollrun_of[run.uuid],
            "contact_id": contacts[run.contact.uuid],
            "status": response_status(run),
            "created_on": run.created_on,
            "updated_on": response_updated_on(run),
            "start_uuid": awaiting.get(run.uuid),
        }
        for run in runs
    ]
    written = upsert(
        session, Response.__table__, response_rows, key=("org_id", "run_uuid"), returning=("run_uuid", "id")
    )
    counts = Counts.of(written)
    responses = dict(written.created + written.updated)
    unchanged = [run.uuid for run in runs if run.uuid not in responses]
    if unchanged:  # rows the upsert left alone return nothing: read their ids
        responses.update(session.execute(
            select(Response.run_uuid, Response.id).where(
                Response.org_id == ctx.org_id, Response.run_uuid == any_(literal(unchanged))
            )
        ).all())
    _supersede(session, {(row["pollrun_id"], row["contact_id"]) for row in response_rows})
    # Only runs stored before can have answers to remove: new ones have none yet.
    _write_answers(session, ctx, poll_id, runs, responses, contacts, {id_ for _, id_ in written.updated})
    return counts


def _supersede(session: Session, pairs: set[tuple[int, int]]) -> None:
    """Of one contact's responses in one pollrun, only the latest created stays active."""
    session.execute(
        text(
            """
            WITH pairs AS (
                SELECT * FROM unnest(CAST(:pollruns AS integer[]), CAST(:contacts AS integer[]))
                AS p(pollrun_id, contact_id)
            ), latest AS (
                SELECT DISTINCT ON (r.pollrun_id, r.contact_id) r.pollrun_id, r.contact_id, r.id
                FROM responses r JOIN pairs USING (pollrun_id, contact_id)
                ORDER BY r.pollrun_id, r.contact_id, r.created_on DESC, r.run_uuid DESC
            )
            UPDATE responses r SET is_active = (r.id = latest.id), updated_at = now()
            FROM latest
            WHERE r.pollrun_id = latest.pollrun_id AND r.contact_id = latest.contact_id
              AND r.is_active IS DISTINCT FROM (r.id = latest.id)
            """
        ),
        {"pollruns": [p for p, _ in pairs], "contacts": [c for _, c in pairs]},
    )


def _write_answers(
    session: Session,
    ctx: SyncContext,
    poll_id: int,
    runs: list[Any],
    responses: dict[str, int],
    contacts: dict[str, int],
    rewritten: set[int],
) -> None:
    questions, numeric = {}, set()
    for key, question_id, question_type in session.execute(
        select(Question.key, Question.id, Question.question_type).where(Question.poll_id == poll_id)
    ):
        questions[key] = question_id
        if question_type == QuestionType.NUMERIC:
            numeric.add(question_id)
    rows = []
    for run in runs:
        for key, value in run.values.items():
            if key not in questions or value.time is None:
                continue  # a result that is not (yet) a question of this poll
            raw = "" if value.value is None else str(value.value)
            rows.append(
                {
                    "org_id": ctx.org_id,
                    "response_id": responses[run.uuid],
                    "question_id": questions[key],
                    "contact_id": contacts[run.contact.uuid],
                    "value": raw,
                    "value_number": _number(raw),
                    "category": answer_category(value.category),
                    "value_to_use": raw,
                    "value_to_use_number": _number(raw),
                    "submitted_on": value.time,
                    "submitted_date": ctx.local_date(value.time),
                }
            )
    # value_to_use is derived below, so it does not count as a change of the answer itself.
    changing = ("response_id", "question_id", "contact_id", "value", "value_number", "category", "submitted_on",
                "submitted_date")
    upsert(session, Answer.__table__, rows, key=("response_id", "question_id"), update=changing)
    if rewritten:
        kept = [(row["response_id"], row["question_id"]) for row in rows if row["response_id"] in rewritten]
        session.execute(
            delete(Answer).where(
                Answer.response_id.in_(rewritten),
                tuple_(Answer.response_id, Answer.question_id).not_in(kept or [(0, 0)]),
            )
        )
    # Answers to other question types use their own value, written above; numeric ones depend
    # on the contact's other answers of the day.
    recompute_values_to_use(
        session,
        ctx.org_id,
        mode=ctx.sameday_mode.value,
        groups=[(row["question_id"], row["contact_id"], row["submitted_date"]) for row in rows
                if row["question_id"] in numeric],
    )


# How far along a run is, as far as its response goes: a run only ever gains answers and completes.
_PROGRESS = {ResponseStatus.EMPTY: 0, ResponseStatus.PARTIAL: 1, ResponseStatus.COMPLETE: 2}


def write_archived_runs(session: Session, ctx: SyncContext, poll_id: int, runs: list[Any]) -> Counts:
    """Runs read from RapidPro's archives, stored like live ones but for two things.

    An archived run has no `start`: one not stored yet goes to its poll's universal pollrun of
    its day, as RapidPro shows it. One already stored keeps its pollrun (runs.json told its
    start), and is rewritten only when the archive holds more of it (a later answer, or its
    completion), so a run read both live and archived counts once, and an archive read again
    changes nothing.
    """
    stored = {
        uuid: (pollrun_id, status, updated_on)
        for uuid, pollrun_id, status, updated_on in session.execute(
            select(Response.run_uuid, Response.pollrun_id, Response.status, Response.updated_on).where(
                Response.org_id == ctx.org_id, Response.run_uuid == any_(literal([run.uuid for run in runs]))
            )
        )
    }
    newer, kept = [], {}
    for run in runs:
        if run.uuid in stored:
            pollrun_id, status, updated_on = stored[run.uuid]
            if _PROGRESS[response_status(run)] <= _PROGRESS[status] and response_updated_on(run) <= updated_on:
                continue
            kept[run.uuid] = pollrun_id
        newer.append(run)
    counts = write_runs(session, ctx, poll_id, newer, pollruns=kept)
    counts.unchanged += len(runs) - len(newer)
    return counts


# Page counts at which a pass refreshes the planner's statistics of the tables it fills: a first
# sync grows them from nothing within minutes, long before autovacuum looks, and with the old
# statistics PostgreSQL scans every response of the org to find a page's 250.
_ANALYZE_AT_PAGES = frozenset({4, 16, 64, 256, 1024, 4096})


def _write_page(session: Session, ctx: SyncContext, poll_id: int, page: Page, pages_written: list[int]) -> Counts:
    counts = write_runs(session, ctx, poll_id, page.items)
    pages_written[0] += 1
    if pages_written[0] in _ANALYZE_AT_PAGES:
        session.execute(text("ANALYZE responses, answers, pollruns"))
    return counts


def sync_runs(ctx: SyncContext, after: datetime | None = None) -> Counts:
    """Runs of every active poll, each poll with its own watermark.

    Polls whose pass is under way (a first sync across several runs of the job, say) come last:
    the others' few new runs are read every run, whatever time or rate limit the long ones use up.
    """
    with session_scope() as session:
        # Runs read before TracPro knew their start was its own join that start's pollrun now.
        moved = move_to_their_starts(session, ctx.org_id)
        if moved:
            _supersede(session, moved)
        under_way = set(session.scalars(select(SyncState.resource).where(
            SyncState.org_id == ctx.org_id, SyncState.resource.startswith("runs:"),
            SyncState.pass_started_at.is_not(None))))
        polls = sorted(
            session.execute(select(Poll.id, Poll.flow_uuid).where(Poll.org_id == ctx.org_id, Poll.is_active)).all(),
            key=lambda poll: (f"runs:{poll.flow_uuid}" in under_way, poll.id),
        )
    # Before the live walk moves the watermarks: from when each poll's runs are wanted from archives.
    want_archived_runs(ctx, [flow_uuid for _, flow_uuid in polls], after)
    total, pages_written = Counts(), [0]
    for poll_id, flow_uuid in polls:
        if QUESTIONS_OF + flow_uuid in ctx.failed:
            # Answers are written against the questions: runs read now would lose the answers to
            # any question the definition added, since a run is read again only when it changes.
            ctx.unfinished[f"runs:{flow_uuid}"] = "waits for its questions to sync"
            continue
        def write(session: Session, page: Page, poll: int = poll_id) -> Counts:
            return _write_page(session, ctx, poll, page, pages_written)

        total.add(sync_pages(ctx, f"runs:{flow_uuid}", "runs", write, filters={"flow": flow_uuid}, after=after))

    def write_archived(session: Session, poll_id: int, runs: list[Any]) -> Counts:
        return write_archived_runs(session, ctx, poll_id, runs)

    # After the live walk: an archive made meanwhile holds the runs the walk could no longer find.
    # A poll waiting for its questions keeps its wanted window for a later pass.
    readable = {flow_uuid: poll_id for poll_id, flow_uuid in polls if QUESTIONS_OF + flow_uuid not in ctx.failed}
    total.add(sync_archived_runs(ctx, readable, write_archived))
    return total
