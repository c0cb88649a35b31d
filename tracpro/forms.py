"""Checks shared by every form: free text a user typed or pasted.

PostgreSQL refuses NUL characters outright, and other control characters (pasted from
spreadsheets, terminals) make names unreadable and SMS text unsendable; a form names the
problem instead of failing on save.
"""

from __future__ import annotations

import re

from tracpro.i18n import N_, _

# Marked here, translated where a form shows them: `_(REQUIRED)`.
REQUIRED = N_("This field is required.")
# Tabs and line breaks are fine in multi-line text; every other C0 control and DEL is not.
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_CHARACTERS = N_("Remove the invisible control characters from this text.")


def text_problem(value: str | None, *, required: bool = True, max_length: int | None = None,
                 multiline: bool = False) -> str | None:
    """What is wrong with a text field (its surrounding spaces ignored), or None."""
    text = (value or "").strip()
    if not text:
        return _(REQUIRED) if required else None
    if (_CONTROL_IN_TEXT if multiline else _CONTROL_IN_LINE).search(text):
        return _(CONTROL_CHARACTERS)
    if max_length is not None and len(text) > max_length:
        return _("Ensure this value has at most {limit} characters (it has {length}).").format(
            limit=max_length, length=len(text)
        )
    return None
