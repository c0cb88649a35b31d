"""Words of open answers, for word clouds.

Each answer's words are lower-cased, split on anything but letters, digits, apostrophes and
hyphens, and stripped of one-letter words and of the stop words of the contact's language. A
contact whose language RapidPro does not know may write in any of the languages the other
answers are in: their words lose the stop words of all of those.

The stop words come from the `stop-words` and `stopwords-iso` packages; neither has Kinyarwanda,
so its commonest function words ("mu", "ku", "ni", "na" ...) are listed here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache

import pycountry
import stop_words
import stopwordsiso

TOP_WORDS = 50
_SPLIT = re.compile(r"[^\w'-]+", flags=re.UNICODE)
# Kinyarwanda's prepositions, conjunctions, copulas, connectives and demonstratives.
_KINYARWANDA = frozenset({
    "na", "ni", "mu", "ku", "muri", "kuri", "kwa", "ya", "wa", "za", "rya", "bya", "cya", "ka", "ba", "ga",
    "ho", "yo", "zo", "bo", "kandi", "ariko", "cyangwa", "ko", "nko", "nka", "niba", "ngo", "hari", "nta",
    "si", "aho", "uko", "iyo", "ubu", "ibi", "iki", "uyu", "iyi", "izi", "ayo", "abo", "ubwo", "ibyo",
    "icyo", "uwo", "cyane", "buri", "nk", "by", "cy", "rw",
})
_OWN_LISTS = {"kin": _KINYARWANDA}


@cache
def stop_words_for(language: str | None) -> frozenset[str]:
    """Stop words of an ISO 639-3 language (eng, fra, swa ...); none for unknown languages."""
    if not language:
        return frozenset()
    if language in _OWN_LISTS:
        return _OWN_LISTS[language]
    found = pycountry.languages.get(alpha_3=language)
    code = getattr(found, "alpha_2", None)
    if not code:
        return frozenset()
    if code in stop_words.LANGUAGE_MAPPING:
        return frozenset(stop_words.get_stop_words(code))
    if stopwordsiso.has_lang(code):
        return frozenset(stopwordsiso.stopwords(code))
    return frozenset()


def extract_words(text: str, language: str | None) -> list[str]:
    excluded = stop_words_for(language)
    return [word for word in _SPLIT.split(text.lower()) if len(word) > 1 and word not in excluded]


def top_words(answers: Iterable[tuple[str, str | None]], limit: int = TOP_WORDS) -> list[tuple[str, int]]:
    """The most frequent words of (text, contact language) pairs, most frequent first."""
    counts: Counter[str] = Counter()
    for text, language in answers:
        counts.update(extract_words(text or "", language))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


def top_of_counts(counts: Iterable[tuple[str, str | None, int]], limit: int = TOP_WORDS) -> list[tuple[str, int]]:
    """The same, from (word, language, count) rows already split and counted in SQL; a word of a
    contact without a language loses the stop words of every language the rows are in."""
    rows = list(counts)
    any_language = frozenset().union(*(stop_words_for(language) for language in {row[1] for row in rows} if language))
    total: Counter[str] = Counter()
    for word, language, count in rows:
        if len(word) > 1 and word not in (stop_words_for(language) if language else any_language):
            total[word] += count
    return sorted(total.items(), key=lambda item: (-item[1], item[0]))[:limit]
