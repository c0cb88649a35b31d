"""What writes changed: the overlay on top of the generated dataset.

Generated records never change; a write stores the record's new state here and the
generated one is masked.  Contacts are keyed by their index (generated contacts keep theirs,
created ones get new indices past the generated range), so runs keep pointing at them.
Runs produced by flow starts carry their whole future (created after a short delay, answers
a few simulated minutes apart, then completed, left partial or expired) and are shown as
they stand at the moment of the request, by the simulator's clock (the wall clock unless the
simulator was given one).

With late commits (replica.py) the API sees each record as its latest version whose commit has
become visible: a contact keeps its recent versions for that, a run's versions are its states at
each of its events (created, each answer, interrupted, expired).
"""

from __future__ import annotations

import json
import threading
from collections import ChainMap
from collections.abc import Callable
from dataclasses import dataclass, field

from .replica import Replica
from .timefmt import iso


@dataclass
class OverlayContact:
    index: int
    id: int
    uuid: str
    data: dict  # the API dict as served
    modified_us: int
    deleted: bool = False
    groups: set[int] = field(default_factory=set)  # org group indices
    status: str = "active"


@dataclass
class OverlayRun:
    """A run created by a flow start, with its scheduled future."""

    id: int
    uuid: str
    flow: int  # flow index
    contact: int  # contact index
    start_uuid: str
    created_us: int
    answers: list[tuple[int, int]]  # (time µs, slot index) per answered question, in order
    complete: bool  # answers every question (else stays partial / silent)
    expire_us: int
    interrupted_us: int | None = None
    # When the transaction that inserted the run stamped it (its first modified_on): the run's own
    # created_on is a little earlier, taken as the flow engine made the run; None: the same instant.
    inserted_us: int | None = None

    @property
    def first_us(self) -> int:
        return self.created_us if self.inserted_us is None else self.inserted_us

    def visible_snapshot(self, now: int, ds, replica: Replica | None) -> tuple[int, dict] | None:
        """The run as the API shows it at ``now``: its latest version whose commit is visible."""
        if replica is None:
            return self.snapshot(now, ds)
        events = [self.first_us, *(t for t, _ in self.answers), self.expire_us]
        if self.interrupted_us is not None:
            events.append(self.interrupted_us)
        for t in sorted((t for t in set(events) if t <= now), reverse=True):
            snap = self.snapshot(t, ds)
            if snap is not None and replica.shows_one(snap[0], now):
                return snap
        return None

    def snapshot(self, now: int, ds) -> tuple[int, dict] | None:
        """(modified_on µs, API dict) as the run stands at ``now``; None before it exists."""
        if now < self.first_us:
            return None
        f = ds.flows[self.flow]
        end = self.interrupted_us if self.interrupted_us is not None else None
        horizon = min(now, end) if end is not None else now
        done = [(t, s) for t, s in self.answers if t <= horizon]
        lang = ds.language_index(self.contact)
        path = [{"node": f.node_uuids[0] if f.node_uuids else f.end_node, "time": iso(self.created_us)}]
        values = {}
        for qi, (t, slot) in enumerate(done):
            node = f.node_uuids[qi + 1] if qi + 1 < len(f.node_uuids) else f.end_node
            path.append({"node": node, "time": iso(t)})
            q = f.questions[qi]
            _, value, category = f.slot_options[qi][lang][slot]
            values[q.key] = {"name": q.name, "value": value, "category": category, "node": f.node_uuids[qi],
                             "time": iso(t)}
        modified = max([self.first_us] + [t for t, _ in done])
        exit_type, exited = None, None
        if end is not None and now >= end:
            exit_type, exited, modified = "interrupted", end, max(modified, end)
        elif self.complete and len(done) == len(self.answers) and (not f.questions or len(done) == len(f.questions)):
            exit_type, exited = "completed", modified
        elif now >= self.expire_us:
            exit_type, exited, modified = "expired", self.expire_us, self.expire_us
        return modified, {
            "id": self.id, "uuid": self.uuid, "flow": f.ref, "contact": ds.run_contact_ref(self.contact),
            "start": {"uuid": self.start_uuid}, "responded": bool(done), "path": path, "values": values,
            "created_on": iso(self.created_us), "modified_on": iso(modified),
            "exited_on": iso(exited) if exited is not None else None, "exit_type": exit_type,
        }


class State:
    """Thread-safe overlay of writes; `lock` guards every mutation."""

    def __init__(self, first_new_index: int, clock_us: Callable[[], int]) -> None:
        self.lock = threading.RLock()
        self._clock_us = clock_us
        self.contacts: dict[int, OverlayContact] = {}
        # Versions of each written contact (oldest first), kept while a replica may still show them.
        self.contact_versions: dict[int, list[OverlayContact]] = {}
        self.replica: Replica | None = None
        self.by_uuid: dict[str, int] = {}
        self.urn_owner: dict[str, int] = {}
        self.next_index = first_new_index
        self.runs: list[OverlayRun] = []
        # Runs served beside (or instead of) generated ones: run id -> (modified µs, API dict).
        # Writes change generated runs (first map); runs of given flows never change (second).
        self.changed_runs: dict[int, tuple[int, dict]] = {}
        self.given_runs: dict[int, tuple[int, dict]] = {}
        self.run_overrides = ChainMap(self.changed_runs, self.given_runs)
        self.broadcasts: list[dict] = []
        self.flow_starts: list[dict] = []
        self.messages: list[tuple[int, int, dict]] = []  # (created µs, id, dict) of outgoing messages
        self.archived: dict[int, int] = {}  # contact index -> archive time
        self._last_us = 0
        self.counter = 0

    def now(self) -> int:
        """The clock's µs, strictly increasing across calls (every write bumps modified_on)."""
        with self.lock:
            t = max(self._clock_us(), self._last_us + 1)
            self._last_us = t
            return t

    def next_id(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter

    def put_contact(self, oc: OverlayContact) -> None:
        with self.lock:
            old = self.contacts.get(oc.index)
            if old is not None:
                for urn in old.data.get("urns") or []:
                    if self.urn_owner.get(urn) == oc.index:
                        del self.urn_owner[urn]
            self.contacts[oc.index] = oc
            versions = self.contact_versions.setdefault(oc.index, [])
            versions.append(oc)
            if self.replica is not None:
                settled = self.replica.settled(oc.modified_us)
                while len(versions) > 1 and versions[1].modified_us <= settled:
                    versions.pop(0)
            else:
                versions[:-1] = []
            self.by_uuid[oc.uuid] = oc.index
            for urn in oc.data.get("urns") or []:
                self.urn_owner[urn] = oc.index

    def visible_contacts(self, now: int, replica: Replica | None) -> dict[int, OverlayContact]:
        """Written contacts as the API shows them at ``now`` (those with no visible version left out:
        a generated one then shows as generated, a created one not at all)."""
        with self.lock:
            if replica is None:
                return dict(self.contacts)
            out = {}
            for index, versions in self.contact_versions.items():
                for version in reversed(versions):
                    if replica.shows_one(version.modified_us, now):
                        out[index] = version
                        break
            return out

    def visible_overrides(self, now: int, replica: Replica | None) -> dict[int, tuple[int, dict]]:
        """Changed generated runs as the API shows them at ``now`` (by generated run id)."""
        with self.lock:
            return {i: o for i, o in self.run_overrides.items() if replica is None or replica.shows_one(o[0], now)}

    def pristine(self) -> bool:
        """No write has happened: every query is then a pure function of its params."""
        return not (self.contacts or self.runs or self.changed_runs or self.broadcasts or self.flow_starts
                    or self.messages or self.archived)

    def deleted_indices(self) -> list[int]:
        return [i for i, c in self.contacts.items() if c.deleted]


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))
