"""Looking in RapidPro for a send that may have been carried out: a flow start or a broadcast
whose answer was lost (or whose push died half-way).

RapidPro's lists are read once per push and shared by every action looked up in it. An item is
read by its fields, or from its raw JSON when temba_client cannot read it, so one malformed item
can never hide a send (or make the lookup conclude it is absent).

Times: an action's `created_at` is TracPro's clock, RapidPro's `created_on`/`modified_on` its
own. Whatever RapidPro made for an action it made after the action was stored, so it is no
older than `created_at` less the difference of the two clocks; CLOCK_MARGIN is far more than two
servers' clocks differ (a zone set wrong included), and only makes a lookup read further back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from tracpro.db.connection import session_scope
from tracpro.db.models import OutboxAction
from tracpro.rapidpro import Page, RapidPro, RapidProError, Unavailable

CLOCK_MARGIN = timedelta(days=1)


@dataclass(frozen=True)
class Sent:
    """A flow start or a broadcast as RapidPro lists it: what a lookup matches on."""

    uuid: str
    contacts: frozenset[str]
    flow: str | None = None  # flow starts
    params: dict[str, Any] = field(default_factory=dict)  # flow starts
    texts: tuple[str, ...] = ()  # broadcasts: the text in each of its languages
    modified_on: datetime | None = None  # flow starts: the order RapidPro lists them in


def _uuid_of(ref: Any) -> str | None:
    return ref.get("uuid") if isinstance(ref, dict) else getattr(ref, "uuid", None)


def _get(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def _when(value: Any) -> datetime | None:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, datetime) else None


def _sent(item: Any, resource: str) -> Sent:
    """A listed item, read or raw; Unavailable when not even its raw JSON says what a lookup needs."""
    uuid, contacts = _get(item, "uuid"), _get(item, "contacts")
    text = _get(item, "text")
    unreadable = not isinstance(uuid, str) or not isinstance(contacts, list) or (
        resource == "broadcasts" and not isinstance(text, dict | str))
    modified_on = _when(_get(item, "modified_on"))
    if resource == "flow_starts" and modified_on is None:
        unreadable = True
    if unreadable:
        raise Unavailable(f"RapidPro listed a {resource} item TracPro cannot read, so it cannot tell yet whether "
                          "this action was carried out; it will look again.")
    texts = tuple(text.values()) if isinstance(text, dict) else (text,) if text else ()
    return Sent(uuid, frozenset(u for u in map(_uuid_of, contacts) if u), _uuid_of(_get(item, "flow")),
                dict(_get(item, "params") or {}), tuple(t.strip() for t in texts if isinstance(t, str)), modified_on)


def _items(page: Page, resource: str) -> Iterator[Sent]:
    for item in [*page.items, *(raw for raw, _reason in page.malformed)]:
        yield _sent(item, resource)


class SentLookup:
    """What RapidPro lists of an org's recent flow starts and broadcasts, read when first asked."""

    def __init__(self, rapidpro: RapidPro, org_id: int) -> None:
        self.rapidpro, self.org_id = rapidpro, org_id
        self._read: dict[str, tuple[datetime, list[Sent]]] = {}
        # A list that could not be read is not asked for again in the same push.
        self._failed: dict[str, RapidProError] = {}

    def flow_starts(self, since: datetime) -> list[Sent]:
        """Every flow start RapidPro modified from `since` (TracPro's clock) on."""
        return self._list("flow_starts", since - CLOCK_MARGIN)

    def broadcasts(self, since: datetime) -> list[Sent]:
        """Every broadcast RapidPro created from `since` (TracPro's clock) on."""
        return self._list("broadcasts", since - CLOCK_MARGIN)

    def _list(self, resource: str, bound: datetime) -> list[Sent]:
        if resource in self._failed:
            raise self._failed[resource]
        read = self._read.get(resource)
        if read is None or bound < read[0]:
            try:
                read = self._read[resource] = (bound, list(self._walk(resource, bound)))
            except RapidProError as error:
                self._failed[resource] = error
                raise
        return read[1]

    def _walk(self, resource: str, bound: datetime) -> Iterable[Sent]:
        if resource == "broadcasts":  # filtered by created_on, which never changes
            for page in self.rapidpro.pages("broadcasts", after=bound):
                yield from _items(page, resource)
            return
        # temba_client cannot filter flow starts by time; RapidPro lists them newest-modified first (a
        # start's modified_on moves as it runs), so the walk stops after the first page that reaches
        # past the bound, never at the first start *created* before it.
        for page in self.rapidpro.pages("flow_starts"):
            items = list(_items(page, resource))
            yield from (item for item in items if item.modified_on and item.modified_on >= bound)
            if any(item.modified_on and item.modified_on < bound for item in items):
                return

    def taken_broadcasts(self, uuids: Iterable[str]) -> set[str]:
        """Those of `uuids` that are already the result of one of the org's actions."""
        wanted = sorted(set(uuids))
        if not wanted:
            return set()
        uuid = OutboxAction.result["broadcast_uuid"].astext
        with session_scope() as session:
            return set(session.scalars(select(uuid).where(
                OutboxAction.org_id == self.org_id, OutboxAction.kind == "send_broadcast", uuid.in_(wanted))))
