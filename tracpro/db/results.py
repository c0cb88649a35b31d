"""What SQLAlchemy's types leave out about the results of writes."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result


def rowcount(result: Result[*tuple[Any, ...]]) -> int:
    """How many rows an UPDATE, DELETE or INSERT matched.

    `Session.execute` is typed to return a `Result` whatever the statement; for these statements
    it returns a `CursorResult`, the kind of result that has a row count.
    """
    return cast("CursorResult[*tuple[Any, ...]]", result).rowcount
