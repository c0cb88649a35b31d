"""Questions read from RapidPro flow definitions: modern flows and legacy rule sets.

A question is a result, whatever saves it: a router with a `result_name`, a "Save flow result"
action (`set_run_result`), a webhook, resthook or classifier action with a `result_name`, and
in flows older than spec 14.3 the ticket and airtime actions' results (RapidPro moves those to
the node's router on migration); in legacy flows (spec ≤ 11) a rule set with a `label`.
Results sharing a key are one question, their categories and rules merged in flow order, as
RapidPro lists them in flows.json.

Keys: a run's values are keyed by the key RapidPro makes from the result's name. Where RapidPro
gave the flow's results (flows.json `results`), their keys are used; only a result it did not
list gets a key snakified here (as the flow engine does), and a result it listed that the
definition does not show is still a question.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from tracpro.polls.rules import LEGACY_TEST_TYPES, category_name, snakify

# Legacy catch-all tests: their categories exist ("Other", "No Response") but are not rules.
_LEGACY_CATCH_ALL = {"true", "timeout"}

# The categories the flow engine gives results saved by actions (goflow's actions package).
_WEBHOOK_CATEGORIES = ["Success", "Failure"]
_ACTION_CATEGORIES = {
    "call_webhook": _WEBHOOK_CATEGORIES,
    "call_resthook": _WEBHOOK_CATEGORIES,
    "call_classifier": ["Success", "Skipped", "Failure"],
}
# Actions whose result moved to their node's router in spec 14.3, with the router's categories.
_RESULT_MOVED_TO_ROUTER = {"open_ticket", "transfer_airtime"}


@dataclass(frozen=True)
class FlowResult:
    """One result of a flow as RapidPro lists it (flows.json `results`)."""

    key: str
    name: str
    categories: list[str]
    node_uuids: list[str]


@dataclass
class QuestionSpec:
    key: str
    name: str
    order: int
    categories: list[str] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    node_uuids: list[str] = field(default_factory=list)

    def merge(self, categories: list[str], rules: list[dict[str, Any]], node_uuids: list[str]) -> None:
        self.categories.extend(name for name in categories if name not in self.categories)
        self.rules.extend(rules)
        self.node_uuids.extend(uuid for uuid in node_uuids if uuid not in self.node_uuids)


@dataclass(frozen=True)
class _Result:
    name: str
    categories: list[str]
    rules: list[dict[str, Any]]
    node_uuid: str


def flow_uuid(definition: dict[str, Any]) -> str | None:
    """Modern exports name the flow in `uuid`, legacy ones in `metadata.uuid`."""
    return definition.get("uuid") or (definition.get("metadata") or {}).get("uuid")


def _router_rules(router: dict[str, Any]) -> list[dict[str, Any]]:
    names_by_uuid = {category["uuid"]: category["name"] for category in router.get("categories", [])}
    return [
        {
            "category": names_by_uuid.get(case.get("category_uuid")),
            "test": {"type": case.get("type"), "arguments": list(case.get("arguments", []))},
        }
        for case in router.get("cases", [])
    ]


def _splits_on_action_result(router: dict[str, Any]) -> bool:
    return router.get("type") == "switch" and str(router.get("operand", "")).startswith("@results.")


def _modern_results(definition: dict[str, Any]) -> Iterator[_Result]:
    for node in definition.get("nodes", []):
        node_uuid = node.get("uuid")
        router = node.get("router") or {}
        router_categories = [category["name"] for category in router.get("categories", [])]
        actions = node.get("actions", [])
        for action in actions:
            kind, name = action.get("type"), action.get("result_name")
            if kind == "set_run_result" and action.get("name"):
                categories = [action["category"]] if action.get("category") else []
                yield _Result(action["name"], categories, [], node_uuid)
            elif kind in _ACTION_CATEGORIES and name:
                yield _Result(name, _ACTION_CATEGORIES[kind], [], node_uuid)
            elif kind in _RESULT_MOVED_TO_ROUTER and name and len(actions) == 1 and _splits_on_action_result(router):
                yield _Result(name, router_categories, [], node_uuid)
        if router.get("result_name"):
            yield _Result(router["result_name"], router_categories, _router_rules(router), node_uuid)


def _legacy_test(test: dict[str, Any], language: str | None) -> dict[str, Any]:
    kind = test.get("type")
    if kind == "between":
        arguments = [test.get("min"), test.get("max")]
    elif "test" in test and not isinstance(test["test"], dict):
        arguments = [test["test"]]
    elif isinstance(test.get("test"), dict):
        arguments = [category_name(test["test"], language)]
    else:
        arguments = []
    kind = LEGACY_TEST_TYPES.get(kind, kind) if isinstance(kind, str) else kind
    return {"type": kind, "arguments": [str(a) for a in arguments if a is not None]}


def _legacy_results(definition: dict[str, Any]) -> Iterator[_Result]:
    # Category names and test words are read in the flow's base language, as RapidPro's
    # migration of legacy flows reads them.
    language = definition.get("base_language")
    for rule_set in definition.get("rule_sets", []):
        name = rule_set.get("label")
        if not name:
            continue
        categories: list[str] = []
        rules = []
        for rule in rule_set.get("rules", []):
            category = category_name(rule.get("category"), language)
            if category and category not in categories:
                categories.append(category)
            test = rule.get("test", {})
            if test.get("type") not in _LEGACY_CATCH_ALL:
                rules.append({"category": category, "test": _legacy_test(test, language)})
        yield _Result(name, categories, rules, rule_set.get("uuid"))


def _key_of(result: _Result, listed: Sequence[FlowResult]) -> str:
    """RapidPro's key for a result: the listed result of that name, else the one listed result
    holding its node, else the name snakified as the flow engine does."""
    for flow_result in listed:
        if flow_result.name == result.name:
            return flow_result.key
    holding = [flow_result for flow_result in listed if result.node_uuid in flow_result.node_uuids]
    if len(holding) == 1:
        return holding[0].key
    return snakify(result.name)


def questions_of(definition: dict[str, Any], listed: Sequence[FlowResult] = ()) -> list[QuestionSpec]:
    """The questions of one flow definition, in the order the flow asks them.

    `listed` is the flow's results as RapidPro lists them (flows.json), which give the keys.
    """
    results = _legacy_results(definition) if "rule_sets" in definition else _modern_results(definition)
    questions: dict[str, QuestionSpec] = {}

    def question(key: str, name: str) -> QuestionSpec:
        if key not in questions:
            questions[key] = QuestionSpec(key=key, name=name, order=len(questions) + 1)
        return questions[key]

    for result in results:
        node_uuids = [result.node_uuid] if result.node_uuid else []
        question(_key_of(result, listed), result.name).merge(result.categories, result.rules, node_uuids)
    for flow_result in listed:
        if flow_result.key and flow_result.key not in questions:
            question(flow_result.key, flow_result.name).merge(flow_result.categories, [], flow_result.node_uuids)
    return list(questions.values())
