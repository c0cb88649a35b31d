"""Flows and questions from RapidPro (see docs/behaviour.md, Sync), and an admin's question type kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.actors import admin
from tests.sync.fake_rapidpro import T0, contact, definition, flow, run
from tracpro.db.models import Answer, Poll, Question, QuestionType
from tracpro.orgs.tracking import set_active_polls
from tracpro.sync.flows import sync_flows
from tracpro.sync.runs import sync_runs


def _polls(db, org) -> dict[str, Poll]:
    db.expire_all()
    return {poll.flow_uuid: poll for poll in db.scalars(select(Poll).where(Poll.org_id == org.id))}


def test_flows_become_inactive_polls_and_admins_choose_which(db, org, rapidpro, make_context):
    rapidpro.data["flows"] = [flow(f"Flow {n}", uuid=str(n)) for n in range(4)]
    rapidpro.data["flows"].append(flow("Single Message (1234)"))
    sync_flows(make_context())
    polls = _polls(db, org)
    assert sorted(polls) == ["0", "1", "2", "3"]  # the single-message flow is not a poll
    assert not any(poll.is_active for poll in polls.values())
    assert polls["1"].name == "Flow 1"

    other_org_poll = f.PollFactory(is_active=True)
    set_active_polls(db, admin(org.id), ["0", "2"])
    assert {uuid for uuid, poll in _polls(db, org).items() if poll.is_active} == {"0", "2"}
    with pytest.raises(ValueError, match="not in the org's RapidPro flows"):
        set_active_polls(db, admin(org.id), ["1", "unknown"])
    assert {uuid for uuid, poll in _polls(db, org).items() if poll.is_active} == {"0", "2"}
    db.refresh(other_org_poll)
    assert other_org_poll.is_active  # other orgs untouched


def test_a_custom_name_survives_a_rename_in_rapidpro_and_gone_flows_go(db, org, rapidpro, make_context):
    rapidpro.data["flows"] = [flow("Attendance", uuid="0")]
    sync_flows(make_context())
    poll = _polls(db, org)["0"]
    poll.custom_name, poll.is_active = "custom", True
    db.flush()
    rapidpro.data["flows"] = [flow("new", uuid="0")]
    sync_flows(make_context())
    poll = _polls(db, org)["0"]
    assert (poll.rapidpro_name, poll.name, poll.is_active) == ("new", "custom", True)
    rapidpro.data["flows"] = []
    sync_flows(make_context())
    assert _polls(db, org) == {}


def test_questions_follow_the_definition_of_each_active_poll(db, org, rapidpro, make_context):
    wanted, other = flow("Farm Poll", uuid="F-001"), flow("Code Poll", uuid="F-002")
    rapidpro.data["flows"] = [wanted, other]
    sync_flows(make_context())
    set_active_polls(db, admin(org.id), ["F-001"])
    poll = _polls(db, org)["F-001"]
    f.QuestionFactory(poll=poll, key="goodquestion", rapidpro_name="Good", custom_name="Mine",
                      question_type=QuestionType.OPEN, type_is_custom=True)
    f.QuestionFactory(poll=poll, key="oldquestion")
    rapidpro.definitions = {
        "F-001": definition(
            wanted,
            ("goodquestion", [("1 - 5", "has_number_between", ["1", "5"])]),
            ("newquestion", [("Yes", "has_any_word", ["yes y"])]),
            ("Number of sheep", [("few", "has_number_lt", ["10"]), ("many", "has_number_gte", ["10"])]),
        ),
        "F-002": definition(other, ("bugs", [])),
    }
    sync_flows(make_context())
    db.expire_all()
    questions = {q.key: q for q in db.scalars(select(Question).where(Question.org_id == org.id))}
    assert sorted(questions) == ["goodquestion", "newquestion", "number_of_sheep"]  # old gone, poll 2 ignored
    good = questions["goodquestion"]
    assert (good.question_type, good.name, good.rapidpro_name) == (QuestionType.OPEN, "Mine", "goodquestion")
    assert questions["newquestion"].question_type == QuestionType.CATEGORICAL
    sheep = questions["number_of_sheep"]
    assert sheep.question_type == QuestionType.NUMERIC
    assert sheep.categories == ["few", "many", "Other"]
    assert [rule["test"]["type"] for rule in sheep.rules] == ["has_number_lt", "has_number_gte"]
    assert [questions[key].order for key in ("goodquestion", "newquestion", "number_of_sheep")] == [1, 2, 3]

    # A second sync with the same definitions changes nothing.
    again = rapidpro.definitions
    sync_flows(make_context())
    assert rapidpro.definitions is again
    db.expire_all()
    assert {q.key: q.updated_at for q in db.scalars(select(Question).where(Question.org_id == org.id))} == {
        key: question.updated_at for key, question in questions.items()
    }


def test_results_saved_by_actions_and_non_ascii_names_keep_their_answers(db, org, rapidpro, make_context):
    # As RapidPro serves it: flows.json lists the flow's results with the keys its engine made,
    # which the runs' values carry ("Question ١" is question_, "Age²" is age_).
    poll_flow = flow("Survey", uuid="F-010", results=[
        {"key": "question_", "name": "Question ١", "categories": ["All Responses"], "node_uuids": ["N-1"]},
        {"key": "age_", "name": "Age²", "categories": ["Number", "Other"], "node_uuids": ["N-2"]},
        {"key": "score", "name": "Score", "categories": ["High"], "node_uuids": ["N-3"]},
    ])
    rapidpro.data["flows"] = [poll_flow]
    sync_flows(make_context())
    set_active_polls(db, admin(org.id), ["F-010"])
    rapidpro.definitions = {"F-010": {"uuid": "F-010", "name": "Survey", "spec_version": "14.4.1", "nodes": [
        {"uuid": "N-1", "actions": [], "exits": [], "router": {
            "type": "switch", "operand": "@input.text", "result_name": "Question ١", "cases": [],
            "categories": [{"uuid": "C-1", "name": "All Responses", "exit_uuid": "E-1"}],
            "default_category_uuid": "C-1"}},
        {"uuid": "N-2", "actions": [], "exits": [], "router": {
            "type": "switch", "operand": "@input.text", "result_name": "Age²",
            "cases": [{"uuid": "K-2", "type": "has_number", "arguments": [], "category_uuid": "C-2"}],
            "categories": [{"uuid": "C-2", "name": "Number", "exit_uuid": "E-2"},
                           {"uuid": "C-3", "name": "Other", "exit_uuid": "E-3"}],
            "default_category_uuid": "C-3"}},
        {"uuid": "N-3", "actions": [{"uuid": "A-3", "type": "set_run_result", "name": "Score", "value": "9",
                                     "category": "High"}], "exits": []},
    ]}}
    sync_flows(make_context())
    db.expire_all()
    questions = {q.key: q for q in db.scalars(select(Question).where(Question.org_id == org.id))}
    assert sorted(questions) == ["age_", "question_", "score"]
    assert questions["score"].question_type == QuestionType.CATEGORICAL

    ann = contact("Ann", [])
    rapidpro.data["runs"] = [run(poll_flow, ann, {"question_": ("hello", None, T0), "age_": ("12", "Number", T0),
                                                  "score": ("9", "High", T0)})]
    sync_runs(make_context())
    db.expire_all()
    answers = dict(db.execute(select(Question.key, Answer.value).join(Answer.question)).all())
    assert answers == {"question_": "hello", "age_": "12", "score": "9"}
