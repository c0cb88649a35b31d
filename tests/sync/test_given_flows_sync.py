"""Real exported flows, served by the simulator over HTTP, synced: every result RapidPro lists
is a question under RapidPro's key, and every value of every run is kept as an answer."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.actors import admin
from tests.conftest import SHARED
from tracpro.db.models import Answer, Poll, Question, QuestionType, Response
from tracpro.orgs.tracking import set_active_polls
from tracpro.polls.rules import answer_category
from tracpro.rapidpro import RapidPro, RetryPolicy
from tracpro.simulator import Simulator
from tracpro.sync.engine import SyncContext
from tracpro.sync.flows import sync_flows
from tracpro.sync.progress import Progress
from tracpro.sync.runs import sync_runs

TOKEN = "given-token"
ANCHOR = datetime(2026, 3, 2, tzinfo=ZoneInfo("UTC"))
FIXTURES = SHARED / "rapidpro-fixtures"
EXPORTS = ["server_flow_sms_form_number_between_any_word.json", "server_flow_favorites_timeout.json",
           "server_flow_legacy_v11_eq_between_rule_sets.json", "definitions.json"]


def _router(uuid: str, name: str, categories: list[str], cases: list[tuple[str, list[str], str]] = ()) -> dict:
    return {"uuid": uuid, "actions": [], "exits": [], "router": {
        "type": "switch", "operand": "@input.text", "result_name": name,
        "cases": [{"uuid": f"{uuid[:-2]}c{n}", "type": kind, "arguments": arguments, "category_uuid": f"cat-{cat}"}
                  for n, (kind, arguments, cat) in enumerate(cases)],
        "categories": [{"uuid": f"cat-{c}", "name": c, "exit_uuid": f"exit-{c}"} for c in categories],
        "default_category_uuid": f"cat-{categories[-1]}"}}


# What the exports above lack: results saved by actions, and names whose keys Python's \w would
# make differently from RapidPro.
SURVEY = {
    "uuid": "9d3c2a10-0000-4000-8000-000000000010", "name": "Household survey", "spec_version": "14.4.1",
    "language": "ara", "type": "messaging", "revision": 3, "expire_after_minutes": 10080, "localization": {},
    "nodes": [
        _router("9d3c2a10-0000-4000-8000-0000000000a1", "Question ١", ["All Responses"]),
        _router("9d3c2a10-0000-4000-8000-0000000000a2", "Age²", ["Adult", "Other"],
                [("has_number_gte", ["18"], "Adult")]),
        {"uuid": "9d3c2a10-0000-4000-8000-0000000000a3", "exits": [], "actions": [
            {"uuid": "s1", "type": "set_run_result", "name": "Household size", "value": "@input.text"},
            {"uuid": "s2", "type": "set_run_result", "name": "Eligible", "value": "yes", "category": "Eligible"},
            {"uuid": "s3", "type": "call_webhook", "method": "POST", "url": "https://example.org/register",
             "result_name": "Registration"}]},
    ],
}


@pytest.fixture(scope="module")
def simulator():
    exports = [FIXTURES / name for name in EXPORTS]
    if not all(path.exists() for path in exports):
        pytest.skip("shared/rapidpro-fixtures is not beside the repository")
    with Simulator(tier="demo", seed=13, token=TOKEN, anchor=ANCHOR, flows=[*exports, SURVEY], flow_runs=15) as sim:
        yield sim


def test_real_exported_flows_sync_every_result_and_every_answer(db, simulator):
    org = f.OrgFactory(rapidpro_host=simulator.url, rapidpro_token=TOKEN, timezone="Africa/Kigali")
    db.flush()
    rapidpro = RapidPro(simulator.url, TOKEN, RetryPolicy(attempts=2, base_wait=0.01))
    context = SyncContext(org.id, org.slug, ZoneInfo(org.timezone), org.sameday_mode, rapidpro, ANCHOR,
                          Progress(bars=False))
    sync_flows(context)
    given = simulator.dataset.given_flow_uuids
    set_active_polls(db, admin(org.id), given)
    sync_flows(context)
    sync_runs(context)
    db.expire_all()

    polls = dict(db.execute(select(Poll.flow_uuid, Poll.id).where(Poll.org_id == org.id)).all())
    for uuid in given:
        listed = [result["key"] for result in simulator.dataset.flow_by_uuid[uuid].results]
        keys = db.scalars(select(Question.key).where(Question.poll_id == polls[uuid]).order_by(Question.order)).all()
        assert keys == listed, uuid

    expected = {
        (run["uuid"], key): (value["value"], answer_category(value["category"]))
        for uuid in given for run in simulator.dataset.iter_runs(flow=uuid) for key, value in run["values"].items()
    }
    stored = {
        (run_uuid, key): (value, category)
        for run_uuid, key, value, category in db.execute(
            select(Response.run_uuid, Question.key, Answer.value, Answer.category)
            .join(Answer.question).join(Response, Response.id == Answer.response_id)
            .where(Answer.org_id == org.id)
        ).all()
    }
    assert expected and stored == expected

    survey = {q.key: q for q in db.scalars(select(Question).where(Question.poll_id == polls[SURVEY["uuid"]]))}
    assert sorted(survey) == ["age_", "eligible", "household_size", "question_", "registration"]
    assert survey["registration"].question_type == QuestionType.CATEGORICAL
    assert survey["registration"].categories == ["Success", "Failure"]
    assert survey["age_"].question_type == QuestionType.NUMERIC


def test_the_exports_themselves_are_what_the_simulator_serves(simulator):
    served = {uuid: simulator.dataset.flow_by_uuid[uuid].definition for uuid in simulator.dataset.given_flow_uuids}
    for name in EXPORTS:
        for flow in json.loads((FIXTURES / name).read_text())["flows"]:
            assert served[flow.get("uuid") or flow["metadata"]["uuid"]] == flow
