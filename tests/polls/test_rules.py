"""Numeric rules, categories and question types, on the original TracPro's test cases (see
docs/behaviour.md, Numeric rules and categories)."""

from __future__ import annotations

import pytest

from tracpro.db.models.polls import QuestionType
from tracpro.polls.rules import (
    all_categories,
    answer_category,
    categorize,
    category_name,
    guess_question_type,
    natural_sort_key,
    passes_test,
    snakify,
)


def _test(kind: str, *arguments) -> dict:
    return {"type": kind, "arguments": [a for a in arguments]}


# The original's numeric rule tests: (test, value, expected).
NUMERIC_RULE_CASES = [
    *[(_test("has_number"), value, True) for value in ["1.234", "1", "0", "-1", "-1.23"]],
    *[(_test("has_number"), value, False) for value in [None, "asdf", "1.asdf", "asdf.1", "asdf1", "1asdf"]],
    (_test("has_number_between", "1", "2"), "1", True),
    (_test("has_number_between", "1", "2"), "1.5", True),
    (_test("has_number_between", "1", "2"), "2", True),
    (_test("has_number_between", "1", "2"), None, False),
    (_test("has_number_between", "1", "2"), "asdf", False),
    (_test("has_number_between", None, "2"), "1", False),
    (_test("has_number_between", "1", None), "1", False),
    (_test("has_number_between", "asdf", "2"), "1", False),
    (_test("has_number_between", "1", "asdf"), "1", False),
    (_test("has_number_between", "1", "2"), "0.9", False),
    (_test("has_number_between", "2", "1"), "1.5", False),
    (_test("has_number_eq", "1"), "1.0", True),
    (_test("has_number_eq", "1.0"), "1", True),
    (_test("has_number_eq", "1.01"), "1", False),
    (_test("has_number_eq", "1"), "asdf", False),
    (_test("has_number_eq", "asdf"), "1", False),
    (_test("has_number_eq", "1"), None, False),
    (_test("has_number_lt", "1.5"), "1", True),
    (_test("has_number_lt", "2"), "1.5", True),
    (_test("has_number_lt", "1"), "-1", True),
    (_test("has_number_lt", "1"), "1.5", False),
    (_test("has_number_lt", "1"), "1.0", False),
    (_test("has_number_lt", "1"), None, False),
    (_test("has_number_lt", "1"), "asdf", False),
    (_test("has_number_lt", "asdf"), "1", False),
    (_test("has_number_gt", "1"), "1.5", True),
    (_test("has_number_gt", "1.5"), "2", True),
    (_test("has_number_gt", "-1"), "1", True),
    (_test("has_number_gt", "1.5"), "1", False),
    (_test("has_number_gt", "1"), "1.0", False),
    (_test("has_number_gt", "1"), None, False),
    (_test("has_number_gt", "1"), "asdf", False),
    (_test("has_number_gt", "asdf"), "1", False),
    # Text tests are never evaluated.
    (_test("has_any_word", "rain"), "rain", False),
]


@pytest.mark.parametrize("test, value, expected", NUMERIC_RULE_CASES)
def test_numeric_rule_tests(test, value, expected):
    assert passes_test(value, test) is expected


@pytest.mark.parametrize(
    "category, expected", [("cats", "cats"), ({"base": "base", "eng": "eng"}, "base"), ({"eng": "eng"}, "eng")]
)
def test_category_names(category, expected):
    assert category_name(category) == expected


@pytest.mark.parametrize(
    "category, language, expected",
    [
        ({"eng": "Yes", "fra": "Oui"}, "fra", "Oui"),
        ({"base": "Yes", "fra": "Oui"}, "fra", "Oui"),
        ({"base": "Yes", "fra": "Oui"}, "kin", "Yes"),
        ({"eng": "Yes", "fra": "Oui"}, "kin", "Yes"),
        ("Yes", "fra", "Yes"),
    ],
)
def test_legacy_categories_are_named_in_the_flows_base_language(category, language, expected):
    assert category_name(category, language) == expected


@pytest.mark.parametrize(
    "rule_categories, answer_categories, expected",
    [
        ([], [], ["Other"]),
        (["a", "b"], [], ["a", "b", "Other"]),
        (["a", "Other", "b"], [], ["a", "b", "Other"]),
        (["b", "a", "a", "b"], [], ["b", "a", "Other"]),
        (["a", "b"], ["apple", "a", None, ""], ["a", "b", "apple", "Other"]),
    ],
)
def test_all_categories(rule_categories, answer_categories, expected):
    assert all_categories(rule_categories, answer_categories) == expected


def test_categorize_takes_the_first_rule_that_passes():
    rules = [
        {"category": "dogs", "test": _test("has_number_between", "1", "3")},
        {"category": "cats", "test": _test("has_number")},
    ]
    assert [categorize(value, rules) for value in (2, 5, "foo")] == ["dogs", "cats", "Other"]


@pytest.mark.parametrize(
    "kinds, expected",
    [
        (["has_number", "has_number"], QuestionType.NUMERIC),
        ([], QuestionType.OPEN),
        (["has_number", "has_text"], QuestionType.CATEGORICAL),
        (["has_number_between", "has_number_lt", "has_number_gt", "has_number_eq"], QuestionType.NUMERIC),
    ],
)
def test_question_type_guess(kinds, expected):
    assert guess_question_type([{"category": "x", "test": _test(kind)} for kind in kinds]) == expected


@pytest.mark.parametrize(
    "categories, expected",
    [
        (["Success", "Failure"], QuestionType.CATEGORICAL),  # a webhook's result
        (["Male"], QuestionType.CATEGORICAL),  # a saved result with a category
        ([], QuestionType.OPEN),  # a saved result without one
        (["All Responses"], QuestionType.OPEN),
        (["All Responses", "No Response"], QuestionType.OPEN),
    ],
)
def test_a_result_without_tests_is_categorical_by_its_own_categories(categories, expected):
    assert guess_question_type([], categories) == expected


def test_an_average_between_ranges_is_other_unless_ranges_overlap():
    gappy = [
        {"category": "zero", "test": _test("has_number_eq", "0")},
        {"category": "1-4", "test": _test("has_number_between", "1", "4")},
        {"category": "5-10", "test": _test("has_number_between", "5", "10")},
        {"category": "11+", "test": _test("has_number_gt", "10")},
    ]
    assert [categorize(value, gappy) for value in ("0.5", "4.5")] == ["Other", "Other"]
    overlapping = [
        {"category": "1-4", "test": _test("has_number_between", "0", "4")},
        {"category": "5-10", "test": _test("has_number_between", "4", "10")},
    ]
    assert [categorize(value, overlapping) for value in ("4.5", "0.5", "4")] == ["5-10", "1-4", "1-4"]


def test_natural_sort():
    values = ["11-20", "1-10", "<100", None, "Other", "21-999", "21-99"]
    assert sorted(values, key=natural_sort_key) == [None, "1-10", "11-20", "21-99", "21-999", "<100", "Other"]


@pytest.mark.parametrize(
    "given, stored",
    [("1 - 5", "1 - 5"), ({"base": "Rain", "rwa": "Imvura"}, "Rain"), ({"eng": "Yes"}, "Yes"), ("All Responses", None)],
)
def test_answer_categories(given, stored):
    assert answer_category(given) == stored


@pytest.mark.parametrize(
    "name, key",
    [
        ("Age", "age"),
        ("Result 1", "result_1"),
        ("Age (years)", "age_years_"),
        (" Has Water ", "has_water"),
        # goflow's own cases (utils/text_test.go TestSnakify).
        ("Hello World", "hello_world"),
        ("hello_world", "hello_world"),
        ("hello-world", "hello_world"),
        ("_Hello World", "_hello_world"),
        ("   Hello World    ", "hello_world"),
        ("hi😀😃😄😁there", "hi_there"),
        ("昨夜のコ", "昨夜のコ"),
        ("this@isn't@email", "this_isn_t_email"),
        # Letters of any script stay; only ASCII digits do (Go's \d), so other digits and
        # superscripts are separators, where Python's \w would keep them.
        ("Question ١", "question_"),
        ("Age²", "age_"),
        ("Ваш возраст", "ваш_возраст"),
        ("Água 2", "água_2"),
        ("कितने बच्चे", "क_तन_बच_च_"),  # combining vowel signs are marks, not letters
        # Lowercased one character at a time, as Go does.
        ("İzmir", "izmir"),
        ("ΟΔΟΣ", "οδοσ"),
        ("\x1cAge", "_age"),  # not whitespace to Go's TrimSpace
    ],
)
def test_result_keys_are_the_flow_engines_snakified_names(name, key):
    assert snakify(name) == key
