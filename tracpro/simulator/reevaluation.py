"""Smart groups being re-evaluated, as RapidPro and mailroom do when a smart group's query is saved.

RapidPro marks the group ``initializing`` and queues mailroom's task: until the task starts,
groups.json leaves the group out (contacts still list it and ``contacts.json?group=`` still finds
it). The task marks it ``evaluating`` (listed again, its count moving), re-checks its contacts in
batches of 100 and marks it ``ready`` after the last batch. Each membership change bumps the
contact's ``modified_on`` (mailroom's contact_groups_changed handler; with ties on, a batch's
contacts share one, as its transaction's ``NOW()``); a test may ask for changes that do not, to
prove the sync does not need that.

By default the smart group ("Young Reporters") has its query saved again every ``every`` seconds
of the simulator's clock, counted from when the simulator started, alternating between two
spellings of one condition: it goes through the three statuses while its members stay the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from .timefmt import US, iso

INITIALIZING_S = 120.0  # mailroom's task waiting in its queue
EVALUATING_S = 60.0  # the batches running
BATCH = 100  # contacts per mailroom batch: their changes commit together
# Two spellings of the smart group's condition (ages are whole numbers): saving one over the
# other is a real query change, and nobody joins or leaves.
SMART_QUERIES = ("age < 25", "age <= 24")


@dataclass
class Reevaluation:
    """One save of a group's query and mailroom's work that follows it."""

    group: int  # index in org.groups
    saved_us: int  # initializing from here
    evaluating_us: int  # evaluating from here
    ready_us: int  # ready from here
    query: str | None  # the query saved, None to keep the group's
    changes: list[tuple[int, bool]]  # (contact index, member afterwards), in the order mailroom applies them
    touch_contacts: bool
    applied: int = 0  # changes already in the overlay

    def status(self, t: int) -> str | None:
        """The group's status at ``t`` by this save, None before it or once it is over."""
        if t < self.saved_us or t >= self.ready_us:
            return None
        return "initializing" if t < self.evaluating_us else "evaluating"

    def due(self, t: int) -> int:
        """How many changes have committed by ``t``: batch b of B at the b-th step of evaluating."""
        n = len(self.changes)
        if n == 0 or t < self.evaluating_us:
            return 0
        if t >= self.ready_us:
            return n
        batches = -(-n // BATCH)
        done = (t - self.evaluating_us) * batches // max(self.ready_us - self.evaluating_us, 1)
        return min(int(done) * BATCH, n)


class Reevaluations:
    """Every re-evaluation of a dataset: the default schedule plus those a test or operator started."""

    def __init__(self, ds, clock_us: Callable[[], int], every_s: float | None) -> None:
        self.ds = ds
        self.origin = clock_us()
        self.every_us = int(every_s * US) if every_s else 0
        self.smart = ds.org.groups.index(ds.org.smart)
        self.started: list[Reevaluation] = []

    # -- what groups.json shows ----------------------------------------------------------------

    def status(self, group: int, t: int) -> str:
        for r in reversed(list(self.started)):
            if r.group == group and r.saved_us <= t:
                if r.ready_us > t:
                    return r.status(t) or "ready"
                break
        if group == self.smart and self.every_us and t >= self.origin + self.every_us:
            phase = (t - self.origin) % self.every_us
            if phase < INITIALIZING_S * US:
                return "initializing"
            if phase < (INITIALIZING_S + EVALUATING_S) * US:
                return "evaluating"
        return "ready"

    def query(self, group: int, t: int) -> str | None:
        g = self.ds.org.groups[group]
        for r in reversed(list(self.started)):
            if r.group == group and r.saved_us <= t and r.query is not None:
                return r.query
        if group == self.smart and self.every_us and t >= self.origin:
            return SMART_QUERIES[(t - self.origin) // self.every_us % 2]
        return g.query

    # -- starting one --------------------------------------------------------------------------

    def start(self, group_ref: str, *, join: Iterable[str] = (), leave: Iterable[str] = (), query: str | None = None,
              initializing: float = INITIALIZING_S, evaluating: float = EVALUATING_S,
              touch_contacts: bool = True) -> None:
        """Save ``group_ref``'s query now (by uuid or name): contacts in ``join`` come in and those
        in ``leave`` go out while it evaluates. Any group may be put through it, a region or
        reporter group standing for a smart one. Unknown contacts raise ValueError."""
        ds = self.ds
        group = ds.group_index(group_ref)
        if group is None:
            raise ValueError(f"no such group: {group_ref}")
        changes = [(self._contact(u), True) for u in join] + [(self._contact(u), False) for u in leave]
        with ds.state.lock:
            now = ds.state.now()
            evaluating_us = now + int(initializing * US)
            self.started.append(Reevaluation(group, now, evaluating_us, evaluating_us + int(evaluating * US), query,
                                             changes, touch_contacts))

    def _contact(self, uuid: str) -> int:
        index = self.ds.contact_index_by_uuid(uuid)
        if index is None:
            raise ValueError(f"no such contact: {uuid}")
        return index

    # -- mailroom's batches ----------------------------------------------------------------------

    def catch_up(self) -> None:
        """Apply the membership changes committed by now (each request calls this first)."""
        if not self.started:
            return
        st = self.ds.state
        with st.lock:
            now = st.now()
            for r in self.started:
                due = r.due(now)
                batch, stamp = -1, now
                while r.applied < due:
                    index, member = r.changes[r.applied]
                    if self.ds.ties and r.applied // BATCH != batch:  # a batch commits in one transaction
                        batch, stamp = r.applied // BATCH, st.now()
                    self._apply(r, index, member, stamp if self.ds.ties else st.now())
                    r.applied += 1

    def _apply(self, r: Reevaluation, index: int, member: bool, at: int) -> None:
        from .writes import _overlay_copy  # writes imports the dataset's modules; import when first needed

        ds, st = self.ds, self.ds.state
        oc = _overlay_copy(ds, index)
        if oc.deleted or oc.status != "active" or (r.group in oc.groups) == member:
            return  # mailroom matches active contacts only, and a contact already right is left alone
        if member:
            oc.groups.add(r.group)
        else:
            oc.groups.discard(r.group)
        oc.data["groups"] = [{"uuid": ds.org.groups[g].uuid, "name": ds.org.groups[g].name} for g in sorted(oc.groups)]
        if r.touch_contacts:
            oc.modified_us = at
            oc.data["modified_on"] = iso(oc.modified_us)
        elif index not in st.contacts:  # a generated contact keeps its generated modified_on
            oc.modified_us = int(ds.ct.modified_us(np.array([index]))[0])
        st.put_contact(oc)
