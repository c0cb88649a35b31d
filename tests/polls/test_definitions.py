"""Questions read from real flow definitions (../shared/rapidpro-fixtures), modern and legacy."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SHARED
from tracpro.db.models.polls import QuestionType
from tracpro.polls.definitions import FlowResult, flow_uuid, questions_of
from tracpro.polls.rules import guess_question_type

FIXTURES = SHARED / "rapidpro-fixtures"


def _flow(file_name: str, name: str) -> dict:
    flows = json.loads((FIXTURES / file_name).read_text())["flows"]
    return next(flow for flow in flows if (flow.get("name") or flow.get("metadata", {}).get("name")) == name)


def _summary(flow: dict) -> dict:
    return {
        question.key: (guess_question_type(question.rules, question.categories), question.categories)
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


def _node(uuid: str, actions: list[dict], router: dict | None = None) -> dict:
    return {"uuid": uuid, "actions": actions, "exits": [], **({"router": router} if router else {})}


def _switch(operand: str, cases: list[tuple[str, list[str], str]], default: str, result_name: str = "") -> dict:
    names = [*dict.fromkeys(category for _, _, category in cases), default]
    uuids = {name: f"cat-{name}" for name in names}
    return {
        "type": "switch", "operand": operand, "result_name": result_name,
        "cases": [{"uuid": f"case-{n}", "type": kind, "arguments": arguments, "category_uuid": uuids[category]}
                  for n, (kind, arguments, category) in enumerate(cases)],
        "categories": [{"uuid": uuids[name], "name": name, "exit_uuid": f"exit-{name}"} for name in names],
        "default_category_uuid": uuids[default],
    }


# A flow saving results every way RapidPro's editor can (spec 14.2: ticket and airtime actions
# still carry their result; 14.3 moved it to the router, as the airtime node here shows).
SAVING_EVERY_WAY = {
    "uuid": "f0000000-0000-4000-8000-000000000001", "name": "Every way", "spec_version": "14.2.0",
    "language": "eng", "type": "messaging",
    "nodes": [
        _node("n-gender", [{"uuid": "a1", "type": "set_run_result", "name": "Gender", "value": "@input.text",
                            "category": "Male"}]),
        _node("n-score", [{"uuid": "a2", "type": "set_run_result", "name": "Score", "value": "5"}]),
        _node("n-lookup", [{"uuid": "a3", "type": "call_webhook", "method": "GET", "url": "http://x",
                            "result_name": "Lookup"}],
              _switch("@results.lookup.category", [("has_only_text", ["Success"], "Success")], "Failure")),
        _node("n-intent", [{"uuid": "a4", "type": "call_classifier", "input": "@input.text",
                            "result_name": "Intent", "classifier": {"uuid": "c1", "name": "Booker"}}],
              _switch("@results.intent", [("has_intent", ["book", "0.9"], "Book")], "Other")),
        _node("n-ticket", [{"uuid": "a5", "type": "open_ticket", "result_name": "Ticket"}],
              _switch("@results.ticket", [("has_text", [], "Success")], "Failure")),
        _node("n-airtime", [{"uuid": "a6", "type": "transfer_airtime", "amounts": {"RWF": 500}}],
              _switch("@locals._new_transfer", [("has_text", [], "Success")], "Failure", "Airtime")),
        _node("n-rating", [], _switch("@input.text", [("has_number_between", ["1", "5"], "1 - 5")], "Other",
                                      "Rating")),
    ],
}


def test_results_saved_by_actions_are_questions_too():
    summary = _summary(SAVING_EVERY_WAY)
    assert summary == {
        "gender": (QuestionType.CATEGORICAL, ["Male"]),
        "score": (QuestionType.OPEN, []),
        "lookup": (QuestionType.CATEGORICAL, ["Success", "Failure"]),
        "intent": (QuestionType.CATEGORICAL, ["Success", "Skipped", "Failure"]),
        "ticket": (QuestionType.CATEGORICAL, ["Success", "Failure"]),
        "airtime": (QuestionType.CATEGORICAL, ["Success", "Failure"]),
        "rating": (QuestionType.NUMERIC, ["1 - 5", "Other"]),
    }
    questions = {question.key: question for question in questions_of(SAVING_EVERY_WAY)}
    assert questions["lookup"].node_uuids == ["n-lookup"]
    assert [question.order for question in questions.values()] == list(range(1, 8))


def test_a_result_saved_twice_is_one_question_with_both_nodes_and_categories():
    flow = {"uuid": "f2", "nodes": [
        _node("n1", [{"uuid": "a1", "type": "set_run_result", "name": "Status", "value": "ok", "category": "Good"}]),
        _node("n2", [], _switch("@input.text", [("has_any_word", ["bad"], "Bad")], "Other", "status")),
    ]}
    (status,) = questions_of(flow)
    assert (status.key, status.name, status.categories, status.node_uuids) == (
        "status", "Status", ["Good", "Bad", "Other"], ["n1", "n2"]
    )


NON_ASCII = {"uuid": "f3", "nodes": [
    _node("n-q", [], _switch("@input.text", [], "All Responses", "Question ١")),
    _node("n-age", [], _switch("@input.text", [("has_number", [], "Number")], "Other", "Age²")),
    _node("n-years", [], _switch("@input.text", [], "All Responses", "Age (years)")),
]}


def test_keys_are_the_ones_rapidpro_lists_for_the_flow():
    listed = [
        FlowResult("question_", "Question ١", ["All Responses"], ["n-q"]),
        FlowResult("age_", "Age²", ["Number", "Other"], ["n-age"]),
        # A key unlike our own snakifying (another engine version, say) is still RapidPro's.
        FlowResult("age_in_years", "Age in years", ["All Responses"], ["n-years"]),
        # A result RapidPro lists that the definition does not show is still a question.
        FlowResult("district", "District", ["Kigali", "Other"], ["n-elsewhere"]),
    ]
    questions = questions_of(NON_ASCII, listed)
    assert [(q.key, q.name) for q in questions] == [
        ("question_", "Question ١"), ("age_", "Age²"), ("age_in_years", "Age (years)"), ("district", "District"),
    ]
    assert questions[-1].categories == ["Kigali", "Other"]


def test_without_listed_results_keys_are_snakified_as_the_flow_engine_does():
    assert [question.key for question in questions_of(NON_ASCII)] == ["question_", "age_", "age_years_"]


def test_legacy_categories_and_tests_are_read_in_the_flows_base_language():
    flow = _flow("server_flow_legacy_type_flow_number_date_state.json", "Type Flow")
    flow = {**flow, "base_language": "fre"}
    assert _summary(flow)["district"][1] == ["le district", "Other"]  # "base" where "fre" has none
    assert _summary(flow)["ward"][1] == ["ward", "Other"]

    legacy = {"base_language": "fra", "metadata": {"uuid": "f4"}, "rule_sets": [{
        "uuid": "rs1", "label": "Eau", "ruleset_type": "wait_message", "rules": [
            {"category": {"eng": "Yes", "fra": "Oui"}, "test": {"type": "contains_any",
                                                                 "test": {"eng": "yes y", "fra": "oui o"}}},
            {"category": {"eng": "Other", "fra": "Autre"}, "test": {"type": "true"}},
        ]}]}
    (question,) = questions_of(legacy)
    assert question.categories == ["Oui", "Autre"]
    assert question.rules == [{"category": "Oui", "test": {"type": "has_any_word", "arguments": ["oui o"]}}]
