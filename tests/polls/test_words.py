"""Word extraction for word clouds, by the contact's language, and word counts over answers."""

from __future__ import annotations

import pytest

from tracpro.polls.words import extract_words, stop_words_for, top_of_counts, top_words


@pytest.mark.parametrize(
    "text, language, words",
    [
        ("I think it's good", "eng", ["think", "good"]),
        ("Dukeneye amazi meza ku ishuri", "kin", ["dukeneye", "amazi", "meza", "ishuri"]),  # TracPro's own list
        ("قلم رصاص", "ara", ["قلم", "رصاص"]),
        ("Well-being: a must!", None, ["well-being", "must"]),
    ],
)
def test_words_by_the_contacts_language(text, language, words):
    assert extract_words(text, language) == words


def test_stop_words_come_from_each_language_and_fall_back_for_swahili():
    assert "et" in stop_words_for("fra")
    assert "na" in stop_words_for("swa")  # stop-words has no Swahili: stopwordsiso does
    assert {"mu", "ku", "ni", "na"} <= stop_words_for("kin")  # neither package has Kinyarwanda
    assert stop_words_for(None) == stop_words_for("xyz") == frozenset()


def test_word_counts_over_answers():
    answers = [("It's very rainy", "eng"), ("rainy and rainy", "eng"), ("Sunny sunny", "eng")]
    assert top_words(answers) == [("rainy", 3), ("sunny", 2)]


def test_counts_made_in_sql_are_filtered_and_merged_the_same_way():
    rows = [("rainy", "eng", 2), ("rainy", "fra", 1), ("et", "fra", 9), ("a", "eng", 4), ("sunny", "eng", 2)]
    assert top_of_counts(rows) == [("rainy", 3), ("sunny", 2)]
    assert top_of_counts([(f"w{n:02}", "eng", 100 - n) for n in range(60)])[-1] == ("w49", 51)  # top 50


def test_a_contact_without_a_language_loses_the_stop_words_of_the_languages_the_others_write_in():
    """The demo's clouds were led by "ku", "mu" and "ni": answers in Kinyarwanda and Swahili from
    contacts RapidPro knows no language for kept every filler word."""
    rows = [("amazi", "kin", 3), ("maji", "swa", 2), ("ku", None, 9), ("ni", None, 8), ("kwa", None, 7),
            ("the", None, 6), ("amazi", None, 1)]
    assert top_of_counts(rows) == [("the", 6), ("amazi", 4), ("maji", 2)]  # no English answer: "the" stays
