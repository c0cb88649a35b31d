"""Questions read from RapidPro flow definitions: modern routers and legacy rule sets.

A question is a result: a router with a `result_name` (modern spec) or a rule set with a
`label` (legacy spec ≤ 11). Its key is RapidPro's snakified result name; routers sharing a
result name are one question, their categories and rules merged in flow order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tracpro.polls.rules import LEGACY_TEST_TYPES, category_name, snakify

# Legacy catch-all tests: their categories exist ("Other", "No Response") but are not rules.
_LEGACY_CATCH_ALL = {"true", "timeout"}


@dataclass
class QuestionSpec:
    key: str
    name: str
    order: int
    categories: list[str] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    node_uuids: list[str] = field(default_factory=list)

    def merge(self, categories: list[str], rules: list[dict[str, Any]], node_uuid: str) -> None:
        self.categories.extend(name for name in categories if name not in self.categories)
        self.rules.extend(rules)
        if node_uuid not in self.node_uuids:
            self.node_uuids.append(node_uuid)


def flow_uuid(definition: dict[str, Any]) -> str | None:
    """Modern exports name the flow in `uuid`, legacy ones in `metadata.uuid`."""
    return definition.get("uuid") or (definition.get("metadata") or {}).get("uuid")


def _modern_results(definition: dict[str, Any]):
    for node in definition.get("nodes", []):
        router = node.get("router") or {}
        name = router.get("result_name")
        if not name:
            continue
        names_by_uuid = {category["uuid"]: category["name"] for category in router.get("categories", [])}
        rules = [
            {
                "category": names_by_uuid.get(case.get("category_uuid")),
                "test": {"type": case.get("type"), "arguments": list(case.get("arguments", []))},
            }
            for case in router.get("cases", [])
        ]
        yield name, [category["name"] for category in router.get("categories", [])], rules, node.get("uuid")


def _legacy_test(test: dict[str, Any]) -> dict[str, Any]:
    kind = test.get("type")
    if kind == "between":
        arguments = [test.get("min"), test.get("max")]
    elif "test" in test and not isinstance(test["test"], dict):
        arguments = [test["test"]]
    elif isinstance(test.get("test"), dict):
        arguments = [category_name(test["test"])]
    else:
        arguments = []
    kind = LEGACY_TEST_TYPES.get(kind, kind) if isinstance(kind, str) else kind
    return {"type": kind, "arguments": [str(a) for a in arguments if a is not None]}


def _legacy_results(definition: dict[str, Any]):
    for rule_set in definition.get("rule_sets", []):
        name = rule_set.get("label")
        if not name:
            continue
        categories, rules = [], []
        for rule in rule_set.get("rules", []):
            category = category_name(rule.get("category"))
            if category and category not in categories:
                categories.append(category)
            test = rule.get("test", {})
            if test.get("type") not in _LEGACY_CATCH_ALL:
                rules.append({"category": category, "test": _legacy_test(test)})
        yield name, categories, rules, rule_set.get("uuid")


def questions_of(definition: dict[str, Any]) -> list[QuestionSpec]:
    """The questions of one flow definition, in the order the flow asks them."""
    results = _legacy_results(definition) if "rule_sets" in definition else _modern_results(definition)
    questions: dict[str, QuestionSpec] = {}
    for name, categories, rules, node_uuid in results:
        key = snakify(name)
        if key not in questions:
            questions[key] = QuestionSpec(key=key, name=name, order=len(questions) + 1)
        questions[key].merge(categories, rules, node_uuid)
    return list(questions.values())
