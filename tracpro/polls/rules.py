"""Numeric rules, categories and question types.

A question's rules are stored in flow order as
`{"category": "1 - 5", "test": {"type": "has_number_between", "arguments": ["1", "5"]}}`,
with RapidPro's modern case types (legacy rule sets are translated on ingest). Only numeric
tests are ever evaluated here; the first rule whose test passes gives the category.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from tracpro.db.models.polls import QuestionType

OTHER = "Other"

NUMERIC_TESTS = frozenset(
    {
        "has_number",
        "has_number_between",
        "has_number_lt",
        "has_number_lte",
        "has_number_eq",
        "has_number_gte",
        "has_number_gt",
    }
)

# Legacy (flow spec ≤ 11) rule test → modern case type; numeric ones only matter for evaluation.
LEGACY_TEST_TYPES = {
    "number": "has_number",
    "between": "has_number_between",
    "lt": "has_number_lt",
    "lte": "has_number_lte",
    "eq": "has_number_eq",
    "gte": "has_number_gte",
    "gt": "has_number_gt",
    "contains_any": "has_any_word",
    "contains": "has_all_words",
    "contains_phrase": "has_phrase",
    "contains_only_phrase": "has_only_phrase",
    "starts": "has_beginning",
    "regex": "has_pattern",
    "not_empty": "has_text",
    "date": "has_date",
    "date_before": "has_date_lt",
    "date_equal": "has_date_eq",
    "date_after": "has_date_gt",
    "phone": "has_phone",
    "state": "has_state",
    "district": "has_district",
    "ward": "has_ward",
    "in_group": "has_group",
}


def as_decimal(value: Any) -> Decimal | None:
    """The value as an exact number, or None when it is not one ("1.asdf", None, "")."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _arguments(test: dict[str, Any]) -> list[Decimal | None]:
    return [as_decimal(argument) for argument in test.get("arguments", [])]


def passes_test(value: Any, test: dict[str, Any]) -> bool:
    """Whether `value` passes a numeric test; non-numeric tests and bad numbers never pass."""
    kind = test.get("type")
    if kind not in NUMERIC_TESTS:
        return False
    number = as_decimal(value)
    if number is None:
        return False
    if kind == "has_number":
        return True
    parsed = _arguments(test)
    arguments = [argument for argument in parsed if argument is not None]
    if len(arguments) < len(parsed) or not arguments:
        return False
    if kind == "has_number_between":
        if len(arguments) != 2:
            return False
        low, high = arguments
        return low <= number <= high
    (limit,) = arguments[:1]
    return {
        "has_number_lt": number < limit,
        "has_number_lte": number <= limit,
        "has_number_eq": number == limit,
        "has_number_gte": number >= limit,
        "has_number_gt": number > limit,
    }[kind]


def categorize(value: Any, rules: Sequence[dict[str, Any]]) -> str | None:
    """The category of the first rule `value` passes (None if that rule names none), else "Other"."""
    for rule in rules:
        if passes_test(value, rule.get("test", {})):
            return category_name(rule.get("category"))
    return OTHER


def category_name(category: Any) -> str | None:
    """A category as one string: a translations dict gives its base, else its first translation."""
    if isinstance(category, dict):
        if "base" in category:
            return category["base"]
        return next(iter(category.values()), None)
    return category


def answer_category(category: Any) -> str | None:
    """The category stored with an answer: "All Responses" (open questions) stores none."""
    name = category_name(category)
    return None if name in (None, "", "All Responses") else name


def all_categories(rule_categories: Iterable[str], answer_categories: Iterable[str | None] = ()) -> list[str]:
    """Categories in flow order without repeats, answers' extra ones after them, "Other" last."""
    ordered: list[str] = []
    for name in [*rule_categories, *answer_categories]:
        if name and name != OTHER and name not in ordered:
            ordered.append(name)
    return [*ordered, OTHER]


def guess_question_type(rules: Sequence[dict[str, Any]]) -> QuestionType:
    """Open with no rules; numeric when every test is numeric; otherwise categorical."""
    kinds = [rule.get("test", {}).get("type") for rule in rules]
    if not kinds:
        return QuestionType.OPEN
    if all(kind in NUMERIC_TESTS for kind in kinds):
        return QuestionType.NUMERIC
    return QuestionType.CATEGORICAL


_NOT_KEY_CHARACTER = re.compile(r"[^\w]+", flags=re.UNICODE)


def snakify(name: str) -> str:
    """RapidPro's result key for a result name: "Age (years)" → "age_years_"."""
    return _NOT_KEY_CHARACTER.sub("_", name.strip()).lower()


_NATURAL_CHUNK = re.compile(r"(\d+(?:\.\d+)?)")


def natural_sort_key(value: str | None) -> tuple:
    """Sorts None first, numbers by value, text case-insensitively: "1-10" < "11-20" < "<100"."""
    if value is None:
        return (0,)
    parts = []
    for chunk in _NATURAL_CHUNK.split(value):
        if not chunk:
            continue
        number = as_decimal(chunk) if _NATURAL_CHUNK.fullmatch(chunk) else None
        parts.append((0, number, "") if number is not None else (1, Decimal(0), chunk.lower()))
    return (1, tuple(parts))
