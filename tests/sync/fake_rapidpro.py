"""A RapidPro stand-in at the `tracpro.rapidpro.RapidPro` seam, serving real temba_client types.

Unit tests of the syncers use it to state exactly what RapidPro holds; the integration tests
run the real client over HTTP against the simulator instead.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import uuid as uuid_module
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any

from temba_client.v2 import types

from tracpro.rapidpro import IncompleteListing, LinkRefused, Page, RapidPro, Unavailable, Unreachable
from tracpro.rapidpro.client import Message

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)

_TYPES = {
    "fields": types.Field,
    "groups": types.Group,
    "boundaries": types.Boundary,
    "contacts": types.Contact,
    "flows": types.Flow,
    "runs": types.Run,
    "messages": Message,
    "broadcasts": types.Broadcast,
    "flow_starts": types.FlowStart,
}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_uuid() -> str:
    return str(uuid_module.uuid4())


def group(name: str, uuid: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"uuid": uuid or new_uuid(), "name": name, "query": None, "status": "ready", "system": False, "count": 0,
            **extra}


def contact(name: str, groups: list[dict], *, uuid: str | None = None, urns=("tel:+250788000001",),
            modified_on: datetime = T0, status: str = "active", fields: dict | None = None, language="eng"):
    return {
        "uuid": uuid or new_uuid(), "name": name, "status": status, "language": language, "urns": list(urns),
        "groups": [{"uuid": g["uuid"], "name": g["name"]} for g in groups], "fields": fields or {},
        "flow": None, "created_on": iso(T0 - timedelta(days=30)), "modified_on": iso(modified_on),
        "last_seen_on": None, "blocked": status == "blocked", "stopped": status == "stopped",
    }


def flow(name: str, uuid: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"uuid": uuid or new_uuid(), "name": name, "type": "message", "archived": False, "labels": [],
            "expires": 720, "runs": {}, "results": [], "created_on": iso(T0 - timedelta(days=60)), **extra}


def definition(flow_dict: dict, *questions: tuple[str, list[tuple[str, str, list[str]]]]) -> dict[str, Any]:
    """A modern flow definition: each question is (result name, [(category, case type, arguments)])."""
    nodes = []
    for name, cases in questions:
        categories, router_cases = [], []
        for category, case_type, arguments in cases:
            category_uuid = new_uuid()
            categories.append({"uuid": category_uuid, "name": category, "exit_uuid": new_uuid()})
            router_cases.append({"uuid": new_uuid(), "type": case_type, "arguments": arguments,
                                 "category_uuid": category_uuid})
        default = {"uuid": new_uuid(), "name": "Other" if cases else "All Responses", "exit_uuid": new_uuid()}
        nodes.append({"uuid": new_uuid(), "actions": [], "exits": [], "router": {
            "type": "switch", "result_name": name, "operand": "@input.text", "cases": router_cases,
            "categories": [*categories, default], "default_category_uuid": default["uuid"]}})
    return {"uuid": flow_dict["uuid"], "name": flow_dict["name"], "spec_version": "14.4.1", "nodes": nodes}


def run(flow_dict: dict, contact_dict: dict, values: dict[str, tuple[str, str | None, datetime]], *,
        created_on: datetime = T0, exit_type: str | None = "completed", start: str | None = None,
        uuid: str | None = None, modified_on: datetime | None = None) -> dict[str, Any]:
    return {
        "uuid": uuid or new_uuid(),
        "flow": {"uuid": flow_dict["uuid"], "name": flow_dict["name"]},
        "contact": {"uuid": contact_dict["uuid"], "name": contact_dict["name"]},
        "start": {"uuid": start} if start else None,
        "responded": bool(values),
        "path": [],
        "values": {
            key: {"name": key, "value": value, "category": category, "node": new_uuid(), "time": iso(time)}
            for key, (value, category, time) in values.items()
        },
        "created_on": iso(created_on),
        "modified_on": iso(modified_on or max([created_on, *[t for _, _, t in values.values()]])),
        "exited_on": iso(created_on) if exit_type else None,
        "exit_type": exit_type,
    }


def run_archive(start: date, runs: list[dict[str, Any] | str], period: str = "daily") -> tuple[dict[str, Any], bytes]:
    """An archives.json item and its file: the runs as RapidPro's archiver writes them (no `start`).
    A run given as text is written as that line."""
    lines = [run if isinstance(run, str) else json.dumps({key: value for key, value in run.items() if key != "start"})
             for run in runs]
    content = gzip.compress("".join(line + "\n" for line in lines).encode(), mtime=0)
    digest = hashlib.md5(content, usedforsecurity=False).hexdigest()
    item = {"type": "run", "start_date": start.isoformat(), "period": period, "record_count": len(runs),
            "size": len(content) if runs else 0, "hash": digest if runs else None, "archive_type": "run",
            "download_url": f"https://archives.example/run_{period}_{start}_{digest}.jsonl.gz" if runs else None}
    return item, content


class FakeRapidPro:
    """Holds API dicts per resource; filters the way RapidPro does for the filters the sync uses,
    and pages as RapidPro does: Django REST framework's cursor, the position of the last item (its
    modified_on) plus an offset among the items that share it, each page asked of the data as it
    stands then.

    Test switches: `invisible` (uuids not listed yet: a late commit), `unreadable` (uuids served
    as malformed items), `after_page(n)` (called after the n-th page served: change data mid-walk),
    `fail_after_pages` (raise after serving that many pages).
    """

    def __init__(self) -> None:
        self.data: dict[str, list[dict[str, Any]]] = {name: [] for name in _TYPES}
        # archives.json's items, and the files behind their download links (see `add_archive`). Each
        # listing signs the links anew ("?signed=<listing>"), as RapidPro does.
        self.archive_items: list[dict[str, Any]] = []
        self.files: dict[str, bytes] = {}
        self.archive_listings: list[datetime | None] = []  # the `after` of each archives listing
        self.expired_listings: set[int] = set()  # listings (1, 2, ...) whose links are refused as expired
        self.failing_downloads: set[str] = set()  # start dates whose download fails as a dropped connection
        self.downloads: list[str] = []  # the start date and period of each archive downloaded
        self.deleted_contacts: list[dict[str, Any]] = []
        self.definitions: dict[str, dict[str, Any]] = {}
        self.page_size = 250
        self.fail_after_pages: int | None = None  # raise after serving this many pages
        self.pages_served = 0
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.invisible: set[str] = set()
        self.unreadable: set[str] = set()
        self.after_page: Callable[[int], None] | None = None
        # resource ("definitions", or "definitions:<flow uuid>" for one flow's) -> what asking for it raises
        self.failing: dict[str, Exception] = {}
        self.broadcasts: list[tuple[str, list[str]]] = []
        self._ids: dict[str, int] = {}

    def _id(self, item: dict[str, Any]) -> int:
        key = str(item.get("uuid") or item.get("key") or item.get("osm_id") or id(item))
        return self._ids.setdefault(key, len(self._ids) + 1)

    def _select(self, resource: str, filters: dict[str, Any]) -> list[dict[str, Any]]:
        items = self.deleted_contacts if filters.get("deleted") else self.data[resource]
        items = [item for item in items if item.get("uuid") not in self.invisible]
        if filters.get("uuid") is not None:
            items = [item for item in items if item.get("uuid") == filters["uuid"]]
        if resource == "runs" and filters.get("flow"):
            items = [item for item in items if item["flow"]["uuid"] == filters["flow"]]
        if resource == "contacts" and filters.get("group"):
            # RapidPro's group filter: the group's uuid, or its exact name.
            items = [item for item in items if any(filters["group"] in (g["uuid"], g["name"]) for g in item["groups"])]
        stamp = "created_on" if resource == "messages" else "modified_on"
        if filters.get("after") is not None:
            items = [item for item in items if item[stamp] >= iso(filters["after"])]
        if filters.get("before") is not None:
            items = [item for item in items if item[stamp] <= iso(filters["before"])]
        if resource in ("runs", "contacts"):
            items = sorted(items, key=lambda item: (item["modified_on"], self._id(item)),
                           reverse=not filters.get("reverse"))
        return items

    def page(self, resource: str, cursor: str | None = None, **filters: Any) -> Page:
        self.calls.append((resource, {**filters, "cursor": cursor}))
        if resource in self.failing:
            raise self.failing[resource]
        if self.fail_after_pages is not None and self.pages_served >= self.fail_after_pages:
            raise Unreachable("RapidPro could not be reached (connection failed).")
        items = self._select(resource, filters)
        ascending = bool(filters.get("reverse"))
        stamp = _ordering(resource)
        offset, position = _decode(cursor)
        if position is not None:
            items = [item for item in items if (stamp(item) > position if ascending else stamp(item) < position)]
        results = items[offset: offset + self.page_size + 1]
        served = results[: self.page_size]
        following = stamp(results[-1]) if len(results) > len(served) else None
        next_cursor = _next_cursor([stamp(item) for item in served], following, offset, position, self.page_size)
        self.pages_served += 1
        page = Page(
            [_TYPES[resource].deserialize(item) for item in served if item.get("uuid") not in self.unreadable],
            [(item, "TembaSerializationException: unreadable") for item in served
             if item.get("uuid") in self.unreadable],
            next_cursor,
        )
        page.last_modified_on, page.tied_at_end = _tail(served)
        if self.after_page is not None:
            self.after_page(self.pages_served)
        return page

    def pages(self, resource: str, resume_cursor: str | None = None, **filters: Any):
        cursor = resume_cursor
        while True:
            page = self.page(resource, cursor, **filters)
            yield page
            if page.next_cursor is None or not (page.items or page.malformed):
                return
            cursor = page.next_cursor

    def all(self, resource: str, **filters: Any) -> list[Any]:
        items, malformed = [], []
        for page in self.pages(resource, **filters):
            items += page.items
            malformed += page.malformed
        if malformed:
            raise IncompleteListing(resource, malformed)
        return items

    def read(self, resource: str, raw: Any) -> Any:
        return _TYPES[resource].deserialize(raw)

    def add_archive(self, start: date, runs: list[dict[str, Any] | str], period: str = "daily") -> dict[str, Any]:
        item, content = run_archive(start, runs, period)
        self.archive_items.append(item)
        if item["download_url"]:
            self.files[item["download_url"]] = content
        return item

    def archives(self, kind: str, after: datetime | None = None) -> list[Any]:
        self.archive_listings.append(after)
        signed = len(self.archive_listings)
        items = [item for item in self.archive_items if item["type"] == kind
                 and (after is None or item["start_date"] >= after.astimezone(UTC).date().isoformat())]
        items = [{**item, "download_url": f"{item['download_url']}?signed={signed}" if item["download_url"] else None}
                 for item in sorted(items, key=lambda item: item["start_date"], reverse=True)]
        return [types.Archive.deserialize(item) for item in items]

    def download(self, url: str, into: IO[bytes]) -> str:
        link, _, signed = url.partition("?signed=")
        if int(signed) in self.expired_listings:
            raise LinkRefused("RapidPro's download link was refused (HTTP 403).")
        item = next(item for item in self.archive_items if item["download_url"] == link)
        if item["start_date"] in self.failing_downloads:
            raise Unavailable("RapidPro's archive could not be downloaded (ConnectionError).")
        self.downloads.append(f"{item['start_date']} {item['period']}")
        content = self.files[link]
        into.write(content)
        return hashlib.md5(content, usedforsecurity=False).hexdigest()

    archived_runs = staticmethod(RapidPro.archived_runs)

    def flow_definitions(self, flow_uuids: list[str]) -> list[dict[str, Any]]:
        self.calls.append(("definitions", {"flow": list(flow_uuids)}))
        if "definitions" in self.failing:
            raise self.failing["definitions"]
        for uuid in flow_uuids:
            if f"definitions:{uuid}" in self.failing:
                raise self.failing[f"definitions:{uuid}"]
        return [self.definitions[uuid] for uuid in flow_uuids if uuid in self.definitions]

    def send_broadcast(self, text: str, contact_uuids: list[str]) -> Any:
        self.broadcasts.append((text, list(contact_uuids)))
        return types.Broadcast.deserialize({"uuid": new_uuid(), "contacts": [], "groups": [], "text": {"eng": text}})


def _decode(cursor: str | None) -> tuple[int, str | None]:
    if cursor is None:
        return 0, None
    fields = dict(part.split("=", 1) for part in base64.b64decode(cursor).decode().split("&"))
    return int(fields.get("o", 0)), fields.get("p")


def _encode(offset: int, position: str | None) -> str:
    text = f"o={offset}" + (f"&p={position}" if position is not None else "")
    return base64.b64encode(text.encode()).decode()


def _ordering(resource: str) -> Callable[[dict[str, Any]], str]:
    """The field RapidPro's cursor positions a resource's items by (as text; "" when the item has
    none, so its pages go by offset alone)."""
    name = "modified_on" if resource in ("runs", "contacts", "flow_starts") else "created_on"
    return lambda item: item.get(name) or ""


def _next_cursor(served: list[str], following: str | None, offset: int, position: str | None,
                 size: int) -> str | None:
    """DRF's CursorPagination.get_next_link, for a forward cursor (`served`: the page's positions)."""
    if following is None:
        return None
    compare, count, marker = following, 0, None
    for stamp in reversed(served):
        if stamp != compare:
            marker = stamp
            break
        compare = stamp
        count += 1
    if marker is None:  # the whole page shares one position
        if position is None and offset == 0:
            return _encode(size, None)
        return _encode(offset + size, position)
    return _encode(count, marker)


def _tail(served: list[dict]) -> tuple[datetime | None, int]:
    if not served or "modified_on" not in served[-1]:
        return None, 0
    last = served[-1]["modified_on"]
    tied = next((n for n in range(1, len(served)) if served[-1 - n].get("modified_on") != last), len(served))
    return datetime.fromisoformat(last), tied
