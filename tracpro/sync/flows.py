"""Flows and questions.

Every flow is listed as a poll (inactive until an admin chooses it), except "Single Message"
flows, which are not polls. A flow gone from RapidPro takes its poll with it.

For active polls, questions come from the flow definitions: every result the flow saves (by a
router or an action), with its name, categories and ordered rules, keyed as RapidPro keys it
(the flow's results in flows.json). The question type is guessed from the rules and categories
unless an admin chose it; names an admin customised are kept. Questions gone from the
definition are deleted. When a question's type changes, its answers' values-to-use are
recomputed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.orm import Session

from tracpro.answers import recompute_values_to_use
from tracpro.db.connection import session_scope
from tracpro.db.models import Poll, Question, SyncState
from tracpro.db.results import rowcount
from tracpro.db.upsert import upsert
from tracpro.polls.definitions import FlowResult, flow_uuid, questions_of
from tracpro.polls.rules import guess_question_type
from tracpro.rapidpro import RapidProError, Throttled
from tracpro.sync import state as sync_state
from tracpro.sync.counts import Counts
from tracpro.sync.engine import SyncContext, is_fatal, record_failure, sync_full_set

SINGLE_MESSAGE_PREFIX = "Single Message"
# Definitions are asked for a few flows at a time to keep each export small.
DEFINITIONS_BATCH = 20


def is_poll_candidate(flow: Any) -> bool:
    return not (flow.name or "").startswith(SINGLE_MESSAGE_PREFIX)


def poll_row(org_id: int, flow: Any) -> dict[str, Any]:
    return {
        "org_id": org_id,
        "flow_uuid": flow.uuid,
        "rapidpro_name": flow.name or flow.uuid,
        "flow_type": flow.type or "message",
        "is_archived": bool(flow.archived),
        "created_on": flow.created_on,
    }


def listed_results(flow: Any) -> list[FlowResult]:
    """A flow's results as flows.json lists them; a malformed entry is left out."""
    return [
        FlowResult(result.key, result.name or "", list(result.categories or []), list(result.node_uuids or []))
        for result in flow.results or []
        if result.key
    ]


def _question_rows(
    org_id: int, poll_id: int, definition: dict[str, Any], listed: list[FlowResult]
) -> list[dict[str, Any]]:
    return [
        {
            "org_id": org_id,
            "poll_id": poll_id,
            "key": spec.key,
            "rapidpro_name": spec.name,
            "node_uuids": spec.node_uuids,
            "rules": spec.rules,
            "categories": spec.categories,
            "order": spec.order,
            "question_type": guess_question_type(spec.rules, spec.categories),
        }
        for spec in questions_of(definition, listed)
    ]


def _write_questions(session: Session, org_id: int, rows: list[dict[str, Any]], poll_ids: list[int]) -> Counts:
    customised = set(
        session.execute(
            select(Question.poll_id, Question.key).where(Question.poll_id.in_(poll_ids), Question.type_is_custom)
        ).all()
    )
    def is_customised(row: dict[str, Any]) -> bool:
        return (row["poll_id"], row["key"]) in customised

    guessed = [row for row in rows if not is_customised(row)]
    kept = [row for row in rows if is_customised(row)]
    before = dict(
        session.execute(
            select(Question.id, Question.question_type).where(Question.poll_id.in_(poll_ids))
        ).all()
    )
    result = upsert(session, Question.__table__, guessed, key=("poll_id", "key"), returning=("id",))
    # An admin's type stays: those rows update everything but their type.
    keep_type = [column for column in (kept[0] if kept else {}) if column != "question_type"]
    counts = Counts.of(result).add(
        Counts.of(upsert(session, Question.__table__, kept, key=("poll_id", "key"), update=keep_type))
    )
    wanted = [(row["poll_id"], row["key"]) for row in rows]
    counts.deleted = rowcount(
        session.execute(
            delete(Question).where(
                Question.poll_id.in_(poll_ids), tuple_(Question.poll_id, Question.key).not_in(wanted or [(0, "")])
            )
        )
    )
    retyped = [
        question_id
        for question_id, question_type in session.execute(
            select(Question.id, Question.question_type).where(Question.id.in_(result.updated))
        ).all()
        if before.get(question_id) is not None and before[question_id] != question_type
    ]
    if retyped:
        recompute_values_to_use(session, org_id, question_ids=retyped)
    return counts


def sync_flows(ctx: SyncContext) -> Counts:
    flows = [flow for flow in ctx.rapidpro.all("flows") if is_poll_candidate(flow)]
    rows = [poll_row(ctx.org_id, flow) for flow in flows]

    def write_polls(session: Session) -> Counts:
        counts = Counts.of(upsert(session, Poll.__table__, rows, key=("org_id", "flow_uuid")))
        counts.deleted = rowcount(session.execute(
            delete(Poll).where(Poll.org_id == ctx.org_id, Poll.flow_uuid.not_in([row["flow_uuid"] for row in rows]))
        ))
        _record_run_totals(session, ctx.org_id, flows)
        return counts

    counts = sync_full_set(ctx, "flows", write_polls)
    results_by_flow = {flow.uuid: listed_results(flow) for flow in flows}

    with_questions = _active_polls(ctx)
    definitions, failed = _definitions(ctx, list(with_questions))
    for uuid in failed:
        del with_questions[uuid]

    def write_questions(session: Session) -> Counts:
        question_rows = [
            row
            for definition in definitions
            if (uuid := flow_uuid(definition)) in with_questions
            for row in _question_rows(ctx.org_id, with_questions[uuid], definition, results_by_flow.get(uuid, []))
        ]
        # A poll whose definition failed before and was read now has no failure left to show.
        session.execute(delete(SyncState).where(
            SyncState.org_id == ctx.org_id, SyncState.resource.in_([QUESTIONS_OF + uuid for uuid in with_questions])))
        return _write_questions(session, ctx.org_id, question_rows, list(with_questions.values()))

    sync_full_set(ctx, "questions", write_questions)
    for uuid, error in failed.items():
        record_failure(ctx, f"{QUESTIONS_OF}{uuid}", error)
    return counts


# The resource a poll's questions fail under when its definition could not be had: the poll's
# runs wait for it (tracpro.sync.runs), the other polls go on.
QUESTIONS_OF = "questions:"


def _definitions(ctx: SyncContext, uuids: list[str]) -> tuple[list[dict[str, Any]], dict[str, RapidProError]]:
    """The flows' definitions, a few flows a request, and the flows whose definition RapidPro
    would not give (a batch that fails is asked for again flow by flow, to find them)."""
    definitions: list[dict[str, Any]] = []
    failed: dict[str, RapidProError] = {}
    for start in range(0, len(uuids), DEFINITIONS_BATCH):
        batch = uuids[start : start + DEFINITIONS_BATCH]
        answer = _ask(ctx, batch)
        if isinstance(answer, RapidProError) and len(batch) > 1:
            answers = [([uuid], _ask(ctx, [uuid])) for uuid in batch]
        else:
            answers = [(batch, answer)]
        for asked, got in answers:
            if isinstance(got, RapidProError):
                failed[asked[0]] = got
            else:
                definitions.extend(got)
    return definitions, failed


def _ask(ctx: SyncContext, uuids: list[str]) -> list[dict[str, Any]] | RapidProError:
    """The flows' definitions, or the error of asking for them when it is theirs alone (one every
    request would meet, or the rate limit, is raised)."""
    try:
        return ctx.rapidpro.flow_definitions(uuids)
    except Throttled:
        raise
    except RapidProError as error:
        if is_fatal(error):
            raise
        return error


def run_total(flow: Any) -> int | None:
    """How many runs RapidPro says the flow has (its counts by status), if it says."""
    runs = getattr(flow, "runs", None)
    if runs is None:
        return None
    counts = [count for status in RUN_STATUSES if isinstance(count := getattr(runs, status, None), int)]
    return sum(counts) if counts else None


RUN_STATUSES = ("active", "waiting", "completed", "interrupted", "expired", "failed")


def _record_run_totals(session: Session, org_id: int, flows: list[Any]) -> None:
    """What RapidPro reports of each active poll's runs, beside what the runs passes stored (the
    Sync page's progress of a first sync)."""
    active = set(session.scalars(select(Poll.flow_uuid).where(Poll.org_id == org_id, Poll.is_active)))
    for flow in flows:
        if flow.uuid in active:
            sync_state.state_of(session, org_id, f"runs:{flow.uuid}").expected_total = run_total(flow)
    # A poll no longer chosen is no longer read: it has nothing left to read either.
    session.execute(update(SyncState).where(
        SyncState.org_id == org_id, SyncState.resource.startswith("runs:"),
        SyncState.resource.not_in([f"runs:{uuid}" for uuid in active])).values(expected_total=None))


def _active_polls(ctx: SyncContext) -> dict[str, int]:
    with session_scope() as session:
        return dict(
            session.execute(
                select(Poll.flow_uuid, Poll.id).where(Poll.org_id == ctx.org_id, Poll.is_active).order_by(Poll.id)
            ).all()
        )

