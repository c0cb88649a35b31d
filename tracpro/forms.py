"""Checks shared by every form: free text a user typed or pasted.

PostgreSQL refuses NUL characters outright, and other control characters (pasted from
spreadsheets, terminals) make names unreadable and SMS text unsendable; a form names the
problem instead of failing on save.
"""

from __future__ import annotations

import re

REQUIRED = "This field is required."
# Tabs and line breaks are fine in multi-line text; every other C0 control and DEL is not.
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_CHARACTERS = "Remove the invisible control characters from this text."


def text_problem(value: str | None, *, required: bool = True, max_length: int | None = None,
                 multiline: bool = False) -> str | None:
    """What is wrong with a text field (its surrounding spaces ignored), or None."""
    text = (value or "").strip()
    if not text:
        return REQUIRED if required else None
    if (_CONTROL_IN_TEXT if multiline else _CONTROL_IN_LINE).search(text):
        return CONTROL_CHARACTERS
    if max_length is not None and len(text) > max_length:
        return f"Ensure this value has at most {max_length} characters (it has {len(text)})."
    return None
