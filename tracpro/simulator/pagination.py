"""Keyset pagination and query params, shared by every list endpoint.

Every list is ordered by a key (timestamp µs or osm_id, then id) and paged by keyset: the
cursor is the last key served (DRF's ``p=`` position, plus the id for ties), so resuming
anywhere costs one window and a walk with ``before`` fixed is stable under concurrent writes.
Errors are raised as :class:`ApiError` with the server's status and body.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from urllib.parse import parse_qs

import numpy as np

from .streams import NEG, POS
from .timefmt import parse_param

PAGE = 250
_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
Key = tuple  # (timestamp µs or osm_id, id)


class ApiError(Exception):
    def __init__(self, status: int, body: dict) -> None:
        super().__init__(status, body)
        self.status, self.body = status, body


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


def encode_cursor(key: Key) -> str:
    return base64.b64encode(f"p={key[0]}&i={key[1]}".encode()).decode()


def decode_cursor(p: dict, numeric: bool = True) -> Key | None:
    value = one(p, "cursor")
    if value is None:
        return None
    try:
        text = base64.b64decode(value.encode(), validate=True).decode()
        q = parse_qs(text, keep_blank_values=True, strict_parsing=True)
        pos, ident = q["p"][0], int(q["i"][0])
        return (int(pos), ident) if numeric else (pos, ident)
    except (binascii.Error, UnicodeDecodeError, ValueError, KeyError):
        raise ApiError(404, {"detail": "Invalid cursor"}) from None


def past(key: Key, cursor: Key | None, desc: bool) -> bool:
    return cursor is None or (key < cursor if desc else key > cursor)


def page_of(items: list[tuple[Key, str]], limit: int = PAGE) -> tuple[list[str], Key | None]:
    """The first page of already ordered (key, json) items and the key to continue after."""
    more = len(items) > limit
    items = items[:limit]
    return [j for _, j in items], (items[-1][0] if more and items else None)


def list_page(rows: list[tuple[Key, dict]], p: dict, desc: bool, numeric: bool = True) -> tuple[list[str], Key | None]:
    """Keyset page over a small in-memory list of (key, dict)."""
    cursor = decode_cursor(p, numeric)
    rows = sorted(rows, key=lambda r: r[0], reverse=desc)
    rows = [r for r in rows if past(r[0], cursor, desc)]
    return page_of([(k, dumps(d)) for k, d in rows[: PAGE + 1]])


def merge(gen: list[tuple[Key, int]], over: list[tuple[Key, str]], desc: bool,
          limit: int = PAGE + 1) -> list[tuple[Key, int | str]]:
    """Merge generated (key, batch position) and overlay (key, json) items in walk order."""
    both: list[tuple[Key, int | str]] = [*gen, *over]
    both.sort(key=lambda r: r[0], reverse=desc)
    return both[:limit]


def assemble(merged: list[tuple[Key, int | str]], render: Callable[[np.ndarray], list[str]]) -> list[tuple[Key, str]]:
    positions = np.array([v for _, v in merged if isinstance(v, int)], dtype=np.int64)
    rendered = iter(render(positions)) if len(positions) else iter(())
    return [(k, next(rendered) if isinstance(v, int) else v) for k, v in merged]


