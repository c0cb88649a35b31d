"""Items RapidPro sent that could not be read, kept aside (MalformedItem rows) until they can be.

- A resource walked in pages keeps each such item under its key and reads on: its position
  passes the item, so nothing else waits for it. Later passes first try the items kept aside
  again, each one less often the more it failed (10 minutes after its last try, doubling, at
  most a day apart: every retry is a request counted against RapidPro's rate limit), at most
  RETRY_PER_PASS a pass, those tried longest ago first: asked of RapidPro again by uuid, or read
  again from the text kept when they carry no uuid. One that reads is written as the
  walk would have written it and leaves the table; one RapidPro no longer has leaves it too (the
  walk would not see it either); one still unreadable counts one more attempt. An item a walk
  reads fine (say it changed since) leaves the table as well.
- A resource read whole (fields, groups, boundaries, flows, the inbox) is not reconciled with an
  unreadable item in it, since the item would count as gone: the items are kept aside, the
  resource fails, and they leave when a pass reads the whole set.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, cast, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from tracpro.db.models import MalformedItem
from tracpro.db.results import rowcount

# Retries cost a request each (runs.json?uuid=...), counted against RapidPro's rate limit.
RETRY_PER_PASS = 50
RETRY_AFTER = timedelta(minutes=10)  # after the first failure, doubling with each further one ...
RETRY_AFTER_CAP = timedelta(days=1)  # ... up to this
_KEYS = ("uuid", "key", "osm_id", "id")


def key_of(raw: Any) -> tuple[str, str | None]:
    """(the key an item is kept under, the uuid RapidPro can be asked for it by, if it has one)."""
    if isinstance(raw, dict):
        for name in _KEYS:
            value = raw.get(name)
            if isinstance(value, str | int) and not isinstance(value, bool) and 0 < len(str(value)) <= 100:
                uuid = value if name == "uuid" and isinstance(value, str) and len(value) <= 36 else None
                return str(value), uuid
    text = json.dumps(raw, sort_keys=True, default=str)
    return "sha1:" + hashlib.sha1(text.encode()).hexdigest(), None


def keep(session: Session, org_id: int, resource: str, malformed: Iterable[tuple[Any, str]],
         now: datetime) -> set[str]:
    """Keep each (raw item, reason) aside, or count one more attempt for one kept already; their keys."""
    rows = {}
    for raw, reason in malformed:
        key, uuid = key_of(raw)
        rows[key] = {"org_id": org_id, "resource": resource, "item_key": key, "uuid": uuid, "raw": raw,
                     "reason": reason, "first_seen_at": now, "last_seen_at": now}
    if rows:
        statement = insert(MalformedItem).values(list(rows.values()))
        session.execute(statement.on_conflict_do_update(
            index_elements=["org_id", "resource", "item_key"],
            set_={"raw": statement.excluded.raw, "reason": statement.excluded.reason,
                  "last_seen_at": statement.excluded.last_seen_at, "attempts": MalformedItem.attempts + 1},
        ))
    return set(rows)


def resolve(session: Session, org_id: int, resource: str, keys: Iterable[str]) -> int:
    """The items under `keys` were read (or are gone): they leave the table. How many did."""
    keys = list(keys)
    if not keys:
        return 0
    return rowcount(session.execute(delete(MalformedItem).where(
        MalformedItem.org_id == org_id, MalformedItem.resource == resource, MalformedItem.item_key.in_(keys))))


def clear(session: Session, org_id: int, resource: str) -> int:
    """A pass read the resource whole: nothing of it is left aside."""
    return rowcount(session.execute(delete(MalformedItem).where(
        MalformedItem.org_id == org_id, MalformedItem.resource == resource)))


def kept_keys(session: Session, org_id: int, resource: str) -> set[str]:
    return set(session.scalars(select(MalformedItem.item_key).where(
        MalformedItem.org_id == org_id, MalformedItem.resource == resource)))


def to_retry(session: Session, org_id: int, resource: str, now: datetime,
             limit: int = RETRY_PER_PASS) -> list[MalformedItem]:
    """The items of `resource` due to be tried again at `now`, those tried longest ago first."""
    minutes = func.least(RETRY_AFTER / timedelta(minutes=1) * func.power(2, MalformedItem.attempts - 1),
                         RETRY_AFTER_CAP / timedelta(minutes=1))
    wait = func.make_interval(0, 0, 0, 0, 0, cast(minutes, Integer))
    return list(session.scalars(
        select(MalformedItem).where(MalformedItem.org_id == org_id, MalformedItem.resource == resource,
                                    MalformedItem.last_seen_at + wait <= now)
        .order_by(MalformedItem.last_seen_at, MalformedItem.id).limit(limit)
    ))


def count(session: Session, org_id: int) -> int:
    return session.scalar(select(func.count()).where(MalformedItem.org_id == org_id)) or 0
