"""Flows given to the simulator (real exports) are served as RapidPro serves them: flows.json with
the results RapidPro's inspection lists, definitions.json as given, and their runs; and messages
in a v9 server's shape when asked."""

from __future__ import annotations

import json

import pytest
from temba_client.v2 import TembaClient

from tracpro.simulator import Simulator
from tracpro.simulator.flow_results import flow_results, snakify

from .conftest import ANCHOR, FIXTURES, TOKEN, raw_walk

SMS_FORM = FIXTURES / "server_flow_sms_form_number_between_any_word.json"
LEGACY = FIXTURES / "server_flow_legacy_v11_eq_between_rule_sets.json"
SMS_FORM_UUID = "8b53d166-57c2-4943-8e93-a2b4077ec88e"


def _node(uuid: str, actions: list[dict], router: dict | None = None) -> dict:
    return {"uuid": uuid, "actions": actions, "exits": [], **({"router": router} if router else {})}


def _switch(operand: str, categories: list[str], result_name: str = "", cases: list | None = None) -> dict:
    return {"type": "switch", "operand": operand, "result_name": result_name, "cases": cases or [],
            "categories": [{"uuid": f"c-{name}", "name": name, "exit_uuid": f"e-{name}"} for name in categories],
            "default_category_uuid": f"c-{categories[-1]}"}


# Results saved every way the editor can, in a flow of spec 14.2 (ticket actions still carried
# their result then; RapidPro's migration moves it to the router).
SAVING = {
    "uuid": "5b0f4b9e-0000-4000-8000-0000000000aa", "name": "Saving", "spec_version": "14.2.0",
    "language": "eng", "type": "messaging", "revision": 1, "expire_after_minutes": 720, "localization": {},
    "nodes": [
        _node("3c1f6f0e-0000-4000-8000-000000000001", [
            {"uuid": "a1", "type": "set_run_result", "name": "Gender", "value": "m", "category": "Male"},
            {"uuid": "a2", "type": "set_run_result", "name": "Note", "value": "@input.text"}]),
        _node("3c1f6f0e-0000-4000-8000-000000000002",
              [{"uuid": "a3", "type": "call_webhook", "method": "GET", "url": "http://x", "result_name": "Lookup"}],
              _switch("@results.lookup.category", ["Success", "Failure"],
                      cases=[{"uuid": "k1", "type": "has_only_text", "arguments": ["Success"],
                              "category_uuid": "c-Success"}])),
        _node("3c1f6f0e-0000-4000-8000-000000000003",
              [{"uuid": "a4", "type": "open_ticket", "result_name": "Ticket"}],
              _switch("@results.ticket", ["Success", "Failure"],
                      cases=[{"uuid": "k2", "type": "has_text", "arguments": [], "category_uuid": "c-Success"}])),
        _node("3c1f6f0e-0000-4000-8000-000000000004", [], _switch("@input.text", ["All Responses"], "Question ١")),
        _node("3c1f6f0e-0000-4000-8000-000000000005", [], _switch(
            "@input.text", ["1 - 10", "Other"], "Age²",
            cases=[{"uuid": "k3", "type": "has_number_between", "arguments": ["1", "10"],
                    "category_uuid": "c-1 - 10"}])),
        _node("3c1f6f0e-0000-4000-8000-000000000006", [], _switch("@input.text", ["Yes", "Other"], "gender",
              cases=[{"uuid": "k4", "type": "has_any_word", "arguments": ["yes y"], "category_uuid": "c-Yes"}])),
    ],
}


def test_results_are_listed_as_rapidpros_inspection_lists_them():
    n = "3c1f6f0e-0000-4000-8000-00000000000"
    assert flow_results(SAVING) == [
        {"key": "gender", "name": "Gender", "categories": ["Male", "Yes", "Other"], "node_uuids": [n + "1", n + "6"]},
        {"key": "note", "name": "Note", "categories": [], "node_uuids": [n + "1"]},
        {"key": "lookup", "name": "Lookup", "categories": ["Success", "Failure"], "node_uuids": [n + "2"]},
        {"key": "ticket", "name": "Ticket", "categories": ["Success", "Failure"], "node_uuids": [n + "3"]},
        {"key": "question_", "name": "Question ١", "categories": ["All Responses"], "node_uuids": [n + "4"]},
        {"key": "age_", "name": "Age²", "categories": ["1 - 10", "Other"], "node_uuids": [n + "5"]},
    ]
    assert snakify("Hello World") == "hello_world" and snakify("昨夜のコ") == "昨夜のコ"


def test_legacy_results_are_rule_set_labels_named_in_the_base_language():
    master = next(f for f in json.loads(LEGACY.read_text())["flows"] if f["metadata"]["name"] == "Master")
    results = {r["key"]: r["categories"] for r in flow_results(master)}
    assert results == {"response_1": ["1", "2", "3", "Other"], "response_2": ["Completed", "Expired"],
                       "response_3": ["Completed", "Expired"], "response_4": ["1", "2"]}
    french = {"base_language": "fra", "rule_sets": [{"uuid": "r1", "label": "Eau", "ruleset_type": "wait_message",
              "rules": [{"category": {"eng": "Yes", "fra": "Oui"}}, {"category": {"base": "Other"}}]},
              {"uuid": "r2", "label": "Hook", "ruleset_type": "webhook", "rules": []}]}
    assert [(r["key"], r["categories"]) for r in flow_results(french)] == [
        ("eau", ["Oui", "Other"]), ("hook", ["Success", "Failure"])]


@pytest.fixture(scope="module")
def given():
    with Simulator(tier="demo", seed=5, token=TOKEN, anchor=ANCHOR, flows=[SMS_FORM, LEGACY, SAVING],
                   flow_runs=12) as s:
        yield s


def test_given_flows_are_listed_and_their_definitions_returned_as_given(given):
    client = TembaClient(given.url, TOKEN)
    listed = {f.uuid: f for f in client.get_flows().all()}
    exports = [*json.loads(SMS_FORM.read_text())["flows"], *json.loads(LEGACY.read_text())["flows"], SAVING]
    assert given.dataset.given_flow_uuids == [(e.get("uuid") or e["metadata"]["uuid"]) for e in exports]
    for export in exports:
        uuid = export.get("uuid") or export["metadata"]["uuid"]
        flow = listed[uuid]
        assert flow.name == (export.get("name") or export["metadata"]["name"])
        assert [r.serialize() for r in flow.results] == flow_results(export)
        assert client.get_definitions(flows=[uuid], dependencies="none").flows == [export]
    assert len(listed) == len(given.dataset.flows)  # the generated flows are still there


def test_runs_of_given_flows_answer_their_results(given):
    client = TembaClient(given.url, TOKEN)
    live = {c["uuid"] for c in given.dataset.iter_contacts()}
    for uuid in given.dataset.given_flow_uuids:
        results = {r["key"]: r for r in given.dataset.flow_by_uuid[uuid].results}
        runs = client.get_runs(flow=uuid).all()
        assert len(runs) == 12
        assert len({run.contact.uuid for run in runs}) == 12 and {run.contact.uuid for run in runs} <= live
        for run in runs:
            assert set(run.values) == set(results)
            for key, value in run.values.items():
                assert value.name == results[key]["name"] and value.node in results[key]["node_uuids"]
                assert value.category in results[key]["categories"] or (value.category is None
                                                                          and not results[key]["categories"])
        flow = client.get_flows(uuid=uuid).first()
        assert flow.runs.completed == 12
    saving = client.get_runs(flow=SAVING["uuid"]).all()
    assert {run.values["lookup"].value for run in saving} <= {"200", "503"}
    assert {run.values["note"].category for run in saving} == {None}


def test_runs_can_be_given_instead(http):
    with Simulator(tier="demo", seed=5, token=TOKEN, anchor=ANCHOR, flows=[SMS_FORM], flow_runs=[
        {"flow": SMS_FORM_UUID, "values": {"age": {"value": "34", "category": "0 - 100"},
                                           "gender": {"value": "Male", "category": "Male"}},
         "created_on": "2026-03-01T10:00:00.000000Z"},
    ]) as s:
        (run,) = raw_walk(http, s.url + "/api/v2/runs.json", {"flow": SMS_FORM_UUID})
        assert run["contact"]["uuid"] in {c["uuid"] for c in s.dataset.iter_contacts()}
        assert {k: (v["value"], v["category"]) for k, v in run["values"].items()} == {
            "age": ("34", "0 - 100"), "gender": ("Male", "Male")}
        assert run["created_on"] == "2026-03-01T10:00:00.000000Z" and run["exit_type"] == "completed"
        assert run["values"]["age"]["name"] == "Age" and run["values"]["age"]["node"]


def test_messages_in_a_v9_servers_shape(http):
    with Simulator(tier="demo", seed=5, token=TOKEN, anchor=ANCHOR, message_shape="v9") as s:
        page = http.get(s.url + "/api/v2/messages.json", params={"folder": "inbox"}).json()["results"]
    assert page
    assert all(list(message) == ["id", "broadcast", "contact", "urn", "channel", "direction", "type", "status",
                                 "archived", "visibility", "text", "labels", "flow", "attachments", "created_on",
                                 "sent_on", "modified_on", "media"] for message in page)
    assert len({message["id"] for message in page}) == len(page)
    with pytest.raises(ValueError, match="message_shape"):
        Simulator(tier="demo", anchor=ANCHOR, message_shape="v8")
