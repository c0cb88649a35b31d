"""Word extraction for word clouds, by the contact's language, and word counts over answers."""

from __future__ import annotations

import pytest

from tracpro.polls.words import extract_words, stop_words_for, top_of_counts, top_words


@pytest.mark.parametrize(
    "text, language, words",
    [
        ("I think it's good", "eng", ["think", "good"]),
        ("I think it's good", "kin", ["think", "it's", "good"]),  # no stop words for Kinyarwanda
        ("قلم رصاص", "ara", ["قلم", "رصاص"]),
        ("Well-being: a must!", None, ["well-being", "must"]),
    ],
)
def test_words_by_the_contacts_language(text, language, words):
    assert extract_words(text, language) == words


def test_stop_words_come_from_each_language_and_fall_back_for_swahili():
    assert "et" in stop_words_for("fra")
    assert "na" in stop_words_for("swa")  # stop-words has no Swahili: stopwordsiso does
    assert stop_words_for("kin") == stop_words_for(None) == stop_words_for("xyz") == frozenset()


def test_word_counts_over_answers():
    answers = [("It's very rainy", "eng"), ("rainy and rainy", "eng"), ("Sunny sunny", "eng")]
    assert top_words(answers) == [("rainy", 3), ("sunny", 2)]


def test_counts_made_in_sql_are_filtered_and_merged_the_same_way():
    rows = [("rainy", "eng", 2), ("rainy", "fra", 1), ("et", "fra", 9), ("a", "eng", 4), ("sunny", "eng", 2)]
    assert top_of_counts(rows) == [("rainy", 3), ("sunny", 2)]
    assert top_of_counts([(f"w{n:02}", "eng", 100 - n) for n in range(60)])[-1] == ("w49", 51)  # top 50
