"""One colour per category, the same on every chart and map of a question."""

from __future__ import annotations

from collections.abc import Sequence

# The original TracPro's map palette, then a few more distinct ones.
PALETTE = (
    "#1F49BF", "#FF8200", "#006837", "#A7082C", "#762a83", "#FFD100",
    "#94D192", "#92c5de", "#c2a5cf", "#F2A2B3", "#f7cca0", "#5f6b7a",
)
OTHER = "#9e9e9e"  # "Other" and unknown categories
NO_DATA = "#d9d9d9"


def category_colours(categories: Sequence[str | None]) -> dict[str | None, str]:
    """Colours by position in the question's own category order; "Other" always grey."""
    colours: dict[str | None, str] = {}
    index = 0
    for category in categories:
        if category in colours:
            continue
        if category in ("Other", None, "—"):
            colours[category] = OTHER
        else:
            colours[category] = PALETTE[index % len(PALETTE)]
            index += 1
    return colours
