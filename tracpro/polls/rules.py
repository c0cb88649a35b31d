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


def category_name(category: Any, language: str | None = None) -> str | None:
    """A category as one string. A legacy translations dict gives its flow's base `language`
    (as RapidPro's migration names categories), else its "base" entry, else its first one."""
    if isinstance(category, dict):
        if language is not None and language in category:
            return category[language]
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


# Categories every result may have without saying what kind of answer it takes.
_CATCH_ALL_CATEGORIES = frozenset({"All Responses", OTHER, "No Response"})


def guess_question_type(rules: Sequence[dict[str, Any]], categories: Iterable[str] = ()) -> QuestionType:
    """Numeric when every test is numeric; categorical with other tests, or with no test but
    categories of its own (a result saved by an action: a webhook's Success/Failure, a "Save
    flow result" with a category); otherwise open."""
    kinds = [rule.get("test", {}).get("type") for rule in rules]
    if not kinds:
        named = [name for name in categories if name not in _CATCH_ALL_CATEGORIES]
        return QuestionType.CATEGORICAL if named else QuestionType.OPEN
    if all(kind in NUMERIC_TESTS for kind in kinds):
        return QuestionType.NUMERIC
    return QuestionType.CATEGORICAL


# The flow engine's whitespace (Go's strings.TrimSpace): Unicode White_Space, which unlike
# Python's str.strip() leaves the ASCII separators \x1c-\x1f in place.
_ENGINE_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
    "\u2028\u2029\u202f\u205f\u3000"


def _kept_in_key(character: str) -> bool:
    # The engine keeps letters of any script but only the ASCII digits: "١" (Arabic-Indic one)
    # and "²" are not kept, though Python's \w keeps both.
    return character.isalpha() or character in "0123456789_"


def _engine_lower(character: str) -> str:
    # Go lowers one character at a time: "İ" is "i" (Python's full mapping adds a combining dot)
    # and a final "Σ" is "σ" (Python would give "ς").
    lowered = character.lower()
    return lowered if len(lowered) == 1 else lowered[0]


def snakify(name: str) -> str:
    """A result's key as the flow engine makes it from its name: "Age (years)" → "age_years_",
    "Question ١" → "question_"; runs' values and flows' results are keyed by it.

    After trimming whitespace, each run of characters other than letters, ASCII digits and "_"
    becomes one "_", and the rest is lowercased character by character.
    """
    out: list[str] = []
    in_gap = False
    for character in name.strip(_ENGINE_SPACE):
        if _kept_in_key(character):
            if in_gap:
                out.append("_")
            out.append(_engine_lower(character))
            in_gap = False
        else:
            in_gap = True
    if in_gap:
        out.append("_")
    return "".join(out)


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
