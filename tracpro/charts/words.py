"""Word clouds as images, from (word, count) pairs already counted."""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence
from pathlib import Path

import matplotlib
from wordcloud import WordCloud

from tracpro.charts.colours import PALETTE

# Open answers come in every script the org's contacts write (Arabic, Cyrillic, Latin with
# accents...). wordcloud's own font (Droid Sans Mono) has Latin glyphs only; DejaVu Sans, which
# matplotlib (a dependency of wordcloud) ships, has Arabic with its shaping tables too, and Pillow
# shapes and orders right-to-left words itself (its wheels bundle libraqm).
FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def word_cloud_png(words: Sequence[tuple[str, int]], width: int = 800, height: int = 360) -> bytes:
    """A PNG of the words sized by count; the same words always give the same picture."""
    if not words:
        raise ValueError("A word cloud needs at least one word.")
    cloud = WordCloud(
        width=width,
        height=height,
        background_color="white",
        random_state=7,
        prefer_horizontal=0.9,
        font_path=str(FONT),
        # crc32, not hash(): Python salts string hashes per process, and pictures must not change.
        color_func=lambda word, **_: PALETTE[zlib.crc32(word.encode()) % 6],
        max_words=len(words),
    ).generate_from_frequencies(dict(words))
    buffer = io.BytesIO()
    cloud.to_image().save(buffer, format="PNG")
    return buffer.getvalue()
