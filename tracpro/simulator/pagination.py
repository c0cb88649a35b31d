"""Pages and query params, shared by every list endpoint.

Every list is ordered by a key (timestamp µs or osm_id, then id) and walked in one direction;
a request's ``cursor`` says where its page starts (:class:`Pager`):

- RapidPro's own (the default): Django REST framework's position and offset (drf_cursor.py),
  with the skip it makes when a tied item is modified between pages;
- a keyset cursor (``p=<key>&i=<id>``, the last item served), which never skips or repeats:
  the ground truth walks with it, and a simulator serves it with ``drf_cursor=False``.

A :class:`View` says how a request reads: at which instant, through the lagging replica (late
commits, replica.py) or the primary, with which cursor.  Errors are raised as
:class:`ApiError` with the server's status and body.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import parse_qs

import numpy as np

from . import drf_cursor
from .replica import Replica
from .streams import NEG, POS
from .timefmt import parse_param

PAGE = 250
OFFSET_CUTOFF = 100_000  # RapidPro's cursor paginations; DRF's own default is 1,000 (boundaries)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
Key = tuple  # (timestamp µs or osm_id, id)
V = TypeVar("V")


class ApiError(Exception):
    """An error response: a JSON body, or a text one (RapidPro's plain 500 page)."""

    def __init__(self, status: int, body: dict | str) -> None:
        super().__init__(status, body)
        self.status, self.body = status, body


# temba.api.support.temba_exception_handler's answer to an exception DRF does not handle.
SERVER_ERROR = "Server Error. Site administrators have been notified."


class Empty(Exception):
    """The query can only answer an empty list (unparseable date, unknown flow or group...)."""


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


# -- params ------------------------------------------------------------------------------------------


def one(p: dict, name: str) -> str | None:
    values = p.get(name)
    return values[-1] if values else None


def flag(p: dict, name: str, default: bool = False) -> bool:
    value = one(p, name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "y", "yes")


def uuid_param(p: dict, name: str) -> str | None:
    value = one(p, name)
    if value is None:
        return None
    if not _UUID.match(value.strip()):
        raise ApiError(400, {"detail": f"Param '{name}': {value} is not a valid UUID."})
    return value.strip().lower()


def bounds(p: dict) -> tuple[int, int]:
    lo, hi = NEG, POS
    for name in ("after", "before"):
        value = one(p, name)
        if value is None:
            continue
        parsed = parse_param(value)
        if parsed is None:
            raise Empty()
        if name == "after":
            lo = parsed
        else:
            hi = parsed
    return lo, hi


@dataclass(frozen=True)
class View:
    """How a request reads: at ``now`` (µs), through ``replica`` (None: the primary, where every
    write shows at once), paged by DRF's cursor or by keyset."""

    now: int
    replica: Replica | None = None
    drf: bool = True

    def shows(self, t: int) -> bool:
        """Whether a row a transaction stamped ``t`` has reached the replica this request reads."""
        return self.replica is None or self.replica.shows_one(t, self.now)


@dataclass
class Page:
    """One list response: the items' JSON and the cursors of the next and previous pages."""

    items: list[str]
    next: str | None = None
    previous: str | None = None


class Pager:
    """Where a request's page starts, and which of the rows fetched for it the page serves.

    Query code fetches the rows strictly :meth:`past` ``key`` in the walk order (``desc``), at
    least ``want`` of them when there are that many, and hands them to :meth:`page`.
    """

    def __init__(self, view: View, p: dict, desc: bool, numeric: bool = True, cutoff: int = OFFSET_CUTOFF) -> None:
        encoded = one(p, "cursor")
        self.drf = view.drf
        self.key: Key | None
        if view.drf:
            try:
                self.cursor = drf_cursor.decode(encoded, cutoff) if encoded is not None else drf_cursor.Cursor()
                position = self.cursor.position
                value = None if position is None else drf_cursor.position_value(position, numeric)
            except drf_cursor.InvalidCursor:
                raise ApiError(404, {"detail": "Invalid cursor"}) from None
            except drf_cursor.InvalidPosition:
                raise ApiError(500, SERVER_ERROR) from None
            # A reverse cursor (a "previous" link) walks the other way, strictly past its position.
            self.desc = desc != self.cursor.reverse
            self.key = None if value is None else (value, NEG if self.desc else POS)
            self.want = self.cursor.offset + PAGE + 1
        else:
            self.desc, self.key, self.want = desc, _decode_keyset(encoded, numeric), PAGE + 1

    def past(self, key: Key) -> bool:
        return self.key is None or (key < self.key if self.desc else key > self.key)

    def page(self, rows: list[tuple[Key, V]]) -> tuple[list[tuple[Key, V]], str | None, str | None]:
        """The page's rows (in response order) and the next and previous cursors."""
        if self.drf:
            chosen = drf_cursor.select([k[0] for k, _ in rows], self.cursor, PAGE)
            return ([rows[k] for k in chosen.rows], _encoded(chosen.next), _encoded(chosen.previous))
        more = len(rows) > PAGE
        rows = rows[:PAGE]
        return rows, (_encode_keyset(rows[-1][0]) if more and rows else None), None


def _encoded(cursor: drf_cursor.Cursor | None) -> str | None:
    return None if cursor is None else drf_cursor.encode(cursor)


def _encode_keyset(key: Key) -> str:
    return base64.b64encode(f"p={key[0]}&i={key[1]}".encode()).decode()


def _decode_keyset(value: str | None, numeric: bool) -> Key | None:
    if value is None:
        return None
    try:
        text = base64.b64decode(value.encode(), validate=True).decode()
        q = parse_qs(text, keep_blank_values=True, strict_parsing=True)
        pos, ident = q["p"][0], int(q["i"][0])
        return (int(pos), ident) if numeric else (pos, ident)
    except (binascii.Error, UnicodeDecodeError, ValueError, KeyError):
        raise ApiError(404, {"detail": "Invalid cursor"}) from None


def list_page(rows: list[tuple[Key, dict]], p: dict, view: View, desc: bool, numeric: bool = True,
              cutoff: int = OFFSET_CUTOFF) -> Page:
    """A page over a small in-memory list of (key, dict)."""
    pager = Pager(view, p, desc, numeric, cutoff)
    rows = sorted(rows, key=lambda r: r[0], reverse=pager.desc)
    rows = [r for r in rows if pager.past(r[0])][: pager.want]
    chosen, nxt, previous = pager.page(rows)
    return Page([dumps(d) for _, d in chosen], nxt, previous)


def merge(gen: list[tuple[Key, int]], over: list[tuple[Key, str]], desc: bool,
          limit: int = PAGE + 1) -> list[tuple[Key, int | str]]:
    """Merge generated (key, batch position) and overlay (key, json) items in walk order."""
    both: list[tuple[Key, int | str]] = [*gen, *over]
    both.sort(key=lambda r: r[0], reverse=desc)
    return both[:limit]


def assemble(merged: list[tuple[Key, int | str]], render: Callable[[np.ndarray], list[str]]) -> list[str]:
    """The JSON of each row: overlay rows carry theirs, generated ones are rendered in one batch."""
    positions = np.array([v for _, v in merged if isinstance(v, int)], dtype=np.int64)
    rendered = iter(render(positions)) if len(positions) else iter(())
    return [next(rendered) if isinstance(v, int) else v for _, v in merged]


