"""Reading a list in modified_on order without skipping anything, whatever changes while we read.

RapidPro's cursor is Django REST framework's: the position of the last item (its modified_on)
plus an offset among the items that share it. When an item of such a tie (whole batches of runs
share one modified_on) changes while we read, it leaves the tie and the offset then skips an
item that was never served. So after each page the walk asks afresh from the page's last
modified_on, inclusive, reading the items at it again (writes absorb the repeats), and follows
RapidPro's cursor only through a tie larger than a page, where a fresh query would serve the
same page forever. Inside such a tie the offset is the only way on; an item of it can still be
skipped if another item of the same tie changes while it is read (the overlap of the next pass
reads it again only when it is that recent).

The position after each page says where to go on from after a crash or a stop: a fresh query
from its modified_on, inclusive, or (inside a tie larger than a page) RapidPro's cursor with
that same query; a cursor RapidPro refuses means asking from the modified_on again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from tracpro.rapidpro import MissingInRapidPro, Page, RapidProError

log = logging.getLogger("tracpro.sync")


class PageSource(Protocol):
    """What a walk needs of RapidPro: one page per call (tracpro.rapidpro.RapidPro.page)."""

    def page(self, resource: str, cursor: str | None = None, **filters: Any) -> Page: ...


@dataclass(frozen=True)
class Position:
    """Where a walk stands: ask for modified_on >= `modified_on` (None: from the beginning), with
    `cursor` (RapidPro's, from that very query) while inside a tie larger than a page."""

    modified_on: datetime | None = None
    cursor: str | None = None


class CursorStuck(RapidProError):
    """RapidPro kept handing back the same cursor: its offset limit inside one huge tie."""


def _next(page: Page, asked: Position) -> Position | None:
    """Where to read after `page` (asked at `asked`); None when the list ends with it."""
    if not page.size:
        return None
    last = page.last_modified_on
    if page.next_cursor is None:
        return Position(last if last is not None else asked.modified_on)
    if last is None:  # the last item's modified_on does not read: only RapidPro knows where it is
        return Position(asked.modified_on, page.next_cursor)
    if page.tied_at_end < page.size:
        return Position(last)
    if asked.modified_on == last:  # a tie larger than a page, asked from its start: go through it
        if page.next_cursor == asked.cursor:
            raise CursorStuck(f"RapidPro served the same page again at {last.isoformat()}; the walk cannot go on.")
        return Position(last, page.next_cursor)
    return Position(last)  # ask from the tie's start, so the cursor through it belongs to that query


def walk(
    rapidpro: PageSource, resource: str, start: Position, before: datetime | None, **filters: Any
) -> Iterator[tuple[Page, Position]]:
    """Every page from `start` up to `before` (inclusive), oldest change first, each with the
    position after it. The next page is fetched while the caller writes the current one."""

    def fetch(position: Position) -> Page:
        def ask(cursor: str | None) -> Page:
            return rapidpro.page(resource, cursor=cursor, after=position.modified_on, before=before, reverse=True,
                                 **filters)

        try:
            return ask(position.cursor)
        except MissingInRapidPro:
            if position.cursor is None:
                raise
            log.warning("resource=%s cursor refused; asking again from %s", resource, position.modified_on)
            return ask(None)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rapidpro-walk") as fetcher:
        asked = start
        pending: Future[Page] | None = fetcher.submit(fetch, asked)
        while pending is not None:
            page = pending.result()
            after = _next(page, asked)
            if after is None:
                return
            pending = fetcher.submit(fetch, after) if page.next_cursor is not None else None
            yield page, after
            asked = after
