"""Django REST framework's CursorPagination, as RapidPro's list endpoints page.

The cursor is not a keyset: it is base64 of ``o=<offset>&r=1&p=<position>`` where the position
is ``str()`` of the ordering's *first* field only (``modified_on``, ``created_on``, ``osm_id``)
of an item, and the offset counts items to skip among those strictly past the position.  A
page's next cursor points at the last item on the page whose position differs from the item
after the page, with the offset counting the page's tail items tied with that following item.
So when an already served item of a tie group is modified (leaves the group) before the next
page, the offset skips an item never served: RapidPro's clients see exactly this.

Ported from rest_framework/pagination.py (``paginate_queryset``, ``get_next_link``,
``get_previous_link``, ``decode_cursor``, ``encode_cursor``); the names follow it.  Positions
are typed here (µs or text) and written as DRF writes them.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode

from .timefmt import from_us, to_us

Position = Any  # int µs for a timestamp ordering, str for osm_id


@dataclass(frozen=True)
class Cursor:
    offset: int = 0
    reverse: bool = False
    position: str | None = None


class InvalidCursor(Exception):
    """DRF cannot read the cursor: RapidPro answers 404 "Invalid cursor"."""


class InvalidPosition(Exception):
    """The cursor reads, but its position is no value of the ordering's field: DRF hands it to the
    queryset filter, where Django's ValidationError escapes DRF's handler (RapidPro answers 500)."""


def position_text(value: Position) -> str:
    """``str()`` of the field as Django hands it over: an aware UTC datetime, or the text itself."""
    return str(from_us(value)) if isinstance(value, int) else str(value)


def position_value(text: str, numeric: bool) -> Position:
    """The typed position a cursor's text stands for (raises InvalidPosition when it stands for none)."""
    if not numeric:
        return text
    try:
        return to_us(dt.datetime.fromisoformat(text))  # naive: UTC, Django's current timezone on RapidPro
    except ValueError:
        raise InvalidPosition(text) from None


def decode(encoded: str, offset_cutoff: int) -> Cursor:
    """DRF's ``decode_cursor``: anything it cannot read raises InvalidCursor (RapidPro's 404)."""
    try:
        querystring = base64.b64decode(encoded.encode("ascii")).decode("ascii")
        tokens = parse_qs(querystring, keep_blank_values=True)
        offset = int(tokens.get("o", ["0"])[0])
        if offset < 0:
            raise ValueError(offset)
        reverse = bool(int(tokens.get("r", ["0"])[0]))
        position = tokens.get("p", [None])[0]
    except (TypeError, ValueError):
        raise InvalidCursor(encoded) from None
    return Cursor(min(offset, offset_cutoff) if offset_cutoff else offset, reverse, position)


def encode(cursor: Cursor) -> str:
    tokens = {}
    if cursor.offset != 0:
        tokens["o"] = str(cursor.offset)
    if cursor.reverse:
        tokens["r"] = "1"
    if cursor.position is not None:
        tokens["p"] = cursor.position
    return base64.b64encode(urlencode(tokens, doseq=True).encode("ascii")).decode("ascii")


@dataclass
class Selection:
    """One page as DRF selects it: the items' indices in the fetched rows (response order) and
    the cursors of the next and previous pages (None where there is none)."""

    rows: list[int]
    next: Cursor | None
    previous: Cursor | None


def select(positions: list[Position], cursor: Cursor, page_size: int) -> Selection:
    """``paginate_queryset`` and the links, over the positions of the rows fetched for ``cursor``:
    every row strictly past its position in the query's order (reversed for a reverse cursor),
    at least ``cursor.offset + page_size + 1`` of them when there are that many."""
    offset, reverse, current = cursor.offset, cursor.reverse, cursor.position
    results = list(range(offset, min(len(positions), offset + page_size + 1)))
    page = results[:page_size]
    has_following = len(results) > len(page)
    following = position_text(positions[results[-1]]) if has_following else None
    if reverse:
        page.reverse()
        has_next, has_previous = current is not None or offset > 0, has_following
        next_position, previous_position = current, following
    else:
        has_next, has_previous = has_following, current is not None or offset > 0
        next_position, previous_position = following, current
    texts = [position_text(positions[k]) for k in page]
    links = _Links(texts, cursor, page_size, has_next, has_previous, next_position, previous_position)
    return Selection(page, links.next(), links.previous())


@dataclass
class _Links:
    page: list[str]  # positions of the page's items, in response order
    cursor: Cursor
    page_size: int
    has_next: bool
    has_previous: bool
    next_position: str | None
    previous_position: str | None

    def next(self) -> Cursor | None:
        if not self.has_next:
            return None
        # Reversing direction with an offset, the first position found is no marker.
        reversing = self.page and self.cursor.reverse and self.cursor.offset != 0
        compare = self.page[-1] if reversing else self.next_position
        offset, position = _marker(list(reversed(self.page)), compare)
        if self.page and position is None:
            if not self.has_previous:
                offset, position = self.page_size, None
            elif self.cursor.reverse:
                offset, position = 0, self.previous_position
            else:
                offset, position = self.cursor.offset + self.page_size, self.previous_position
        if not self.page:
            position = self.next_position
        return Cursor(offset, False, position)

    def previous(self) -> Cursor | None:
        if not self.has_previous:
            return None
        reversing = self.page and not self.cursor.reverse and self.cursor.offset != 0
        compare = self.page[0] if reversing else self.previous_position
        offset, position = _marker(self.page, compare)
        if self.page and position is None:
            if not self.has_next:
                offset, position = self.page_size, None
            elif self.cursor.reverse:
                offset, position = self.cursor.offset + self.page_size, self.next_position
            else:
                offset, position = 0, self.next_position
        if not self.page:
            position = self.previous_position
        return Cursor(offset, True, position)


def _marker(positions: list[str], compare: str | None) -> tuple[int, str | None]:
    """Walking ``positions`` from the page's edge: how many chain-equal ``compare`` (each the one
    before), and the first position that differs -- the cursor's marker; None when all are equal."""
    for offset, position in enumerate(positions):
        if position != compare:
            return offset, position
        compare = position
    return len(positions), None
