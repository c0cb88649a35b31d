"""Questions read from real flow definitions (../shared/rapidpro-fixtures), modern and legacy."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SHARED
from tracpro.db.models.polls import QuestionType
from tracpro.polls.definitions import flow_uuid, questions_of
from tracpro.polls.rules import guess_question_type

FIXTURES = SHARED / "rapidpro-fixtures"


def _flow(file_name: str, name: str) -> dict:
    flows = json.loads((FIXTURES / file_name).read_text())["flows"]
    return next(flow for flow in flows if (flow.get("name") or flow.get("metadata", {}).get("name")) == name)


def _summary(flow: dict) -> dict:
    return {
        question.key: (guess_question_type(question.rules), question.categories)
        for question in questions_of(flow)
    }


def test_modern_router_with_numbers_words_and_open_results():
    flow = _flow("server_flow_sms_form_number_between_any_word.json", "SMS Form")
    summary = _summary(flow)
    assert summary["message_form"] == (QuestionType.OPEN, ["All Responses"])
    assert summary["age"] == (QuestionType.NUMERIC, ["0 - 100", "Other"])
    assert summary["gender"] == (QuestionType.CATEGORICAL, ["Male", "Female", "Other"])
    assert summary["location"][0] == QuestionType.CATEGORICAL
    age = next(question for question in questions_of(flow) if question.key == "age")
    assert age.rules == [
        {"category": "0 - 100", "test": {"type": "has_number_between", "arguments": ["0", "100"]}}
    ]
    assert flow_uuid(flow) == "8b53d166-57c2-4943-8e93-a2b4077ec88e"


def test_a_wait_with_a_timeout_gives_a_no_response_category_and_cases_sharing_a_category():
    summary = _summary(_flow("server_flow_favorites_timeout.json", "Favorites"))
    assert summary["color"] == (
        QuestionType.CATEGORICAL,
        ["Red", "Green", "Blue", "Cyan", "Other", "No Response"],
    )
    assert summary["name"][0] == QuestionType.OPEN


def test_pick_a_number_is_numeric_and_questions_keep_flow_order():
    questions = questions_of(_flow("server_flow_pick_a_number.json", "Pick a Number"))
    number = next(question for question in questions if question.key == "number")
    assert guess_question_type(number.rules) == QuestionType.NUMERIC
    assert number.categories[-1] == "Other"
    assert [question.order for question in questions] == list(range(1, len(questions) + 1))


def test_legacy_rule_sets_translate_to_modern_case_types():
    flow = _flow("server_flow_legacy_v11_eq_between_rule_sets.json", "Master")
    response = next(question for question in questions_of(flow) if question.key == "response_1")
    assert response.rules[0] == {"category": "1", "test": {"type": "has_number_eq", "arguments": ["1"]}}
    assert response.categories == ["1", "2", "3", "Other"]
    assert guess_question_type(response.rules) == QuestionType.NUMERIC
    assert flow_uuid(flow) == "8d3f72ef-60b9-4902-b792-d664df502f3f"


def test_legacy_number_date_and_open_rule_sets():
    summary = _summary(_flow("server_flow_legacy_type_flow_number_date_state.json", "Type Flow"))
    assert summary["text"] == (QuestionType.OPEN, ["All Responses"])
    assert summary["number"] == (QuestionType.NUMERIC, ["numeric", "Other"])
    assert summary["date"][0] == QuestionType.CATEGORICAL


@pytest.mark.parametrize("file_name", ["definitions.json", "server_flow_legacy_v11_color_rule_sets.json"])
def test_legacy_contains_tests_make_categorical_questions(file_name):
    flows = json.loads((FIXTURES / file_name).read_text())["flows"]
    questions = [question for flow in flows for question in questions_of(flow)]
    assert questions, "every legacy fixture has at least one question"
    for question in questions:
        assert question.key and question.categories
