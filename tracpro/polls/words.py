"""Words of open answers, for word clouds.

Each answer's words are lower-cased, split on anything but letters, digits, apostrophes and
hyphens, and stripped of one-letter words and of the stop words of the contact's language.
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


@cache
def stop_words_for(language: str | None) -> frozenset[str]:
    """Stop words of an ISO 639-3 language (eng, fra, swa ...); none for unknown languages."""
    if not language:
        return frozenset()
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
    """The same, from (word, language, count) rows already split and counted in SQL."""
    total: Counter[str] = Counter()
    for word, language, count in counts:
        if len(word) > 1 and word not in stop_words_for(language):
            total[word] += count
    return sorted(total.items(), key=lambda item: (-item[1], item[0]))[:limit]
