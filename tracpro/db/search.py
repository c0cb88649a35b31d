"""Searching text columns for what someone typed: the text is found as it is, never read as a pattern.

In LIKE and ILIKE, `%` and `_` are wildcards and a backslash escapes: a search for "50%" or "a_b" must
find those characters, not every row. What a search box or an address holds is cleaned first
(`search_text`): PostgreSQL refuses a NUL character in any text it is sent, other control characters
only come from pasting or from a forged address, and an absurdly long term costs every row a long
comparison while it can only find nothing.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, true

# Longer than any name, phone number or handle, and than what anyone types to find a message.
MAX_LENGTH = 200
ESCAPE = "\\"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def search_text(value: str | None) -> str:
    """What is searched for when `value` is typed or put in an address: each run of control characters
    (NUL, tab, line break ...) read as a space, the spaces around it trimmed, at most MAX_LENGTH characters.
    Pages show a search back as this, so what they say was searched is what was."""
    return _CONTROL.sub(" ", value or "").strip()[:MAX_LENGTH].strip()


def literal_pattern(text: str) -> str:
    """`text` as a LIKE pattern (with `escape=ESCAPE`) that matches exactly itself."""
    return text.replace(ESCAPE, ESCAPE * 2).replace("%", f"{ESCAPE}%").replace("_", f"{ESCAPE}_")


def contains(column: SQLColumnExpression[Any], value: str | None) -> ColumnElement[bool]:
    """Rows whose `column` holds `search_text(value)`, ignoring case; every row when that is empty."""
    text = search_text(value)
    if not text:
        return true()
    return column.ilike(f"%{literal_pattern(text)}%", escape=ESCAPE)
