"""The deterministic dataset of one simulator: generated history plus the overlay of writes.

Ground truth for tests: the ``iter_*`` methods yield exactly the API dicts the endpoints
serve (overlay changes included), in API order, by walking the same query code page by page --
as RapidPro's primary database holds them now: every commit visible (no replica lag) and walked
by keyset (no cursor skips), so a test can compare what a client got with what exists.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterable, Iterator

import numpy as np

from . import lists, queries
from .archives import RETENTION_DAYS, Archives
from .contact_view import contact_dicts, group_counts
from .contacts import ContactTable, contact_refs, languages_of
from .flows import FlowSpec, build_flows
from .given import given_specs, read_definitions, runs_of_given_flows
from .messages import MessageTable, as_v9, history_broadcasts, history_flow_starts
from .outage import apply_outage
from .pagination import Page, View
from .reevaluation import Reevaluations
from .regions import Org
from .replica import Replica
from .runs import RunRenderer
from .schedule import Schedule
from .state import State
from .streams import Walker
from .tiers import Tier
from .timefmt import from_us, wall_clock_us

# "current": the hosted server's messages (uuid); "v9": a self-hosted v9 server's (id only).
MESSAGE_SHAPES = ("current", "v9")


class Dataset:
    """Everything one simulated workspace holds.

    Helpers for a demo setup and for tests:

    - ``region_plan``: (group uuid, name, parent group uuid or None, boundary osm_id, level) per
      region group, parents first.  Region group names equal their boundary's name and
      boundary parents mirror the tree.
    - ``reporter_group_uuids``, ``poll_flow_uuids`` (every flow but the Single Message one),
      ``given_flow_uuids`` (the flows given to it, see given.py), ``single_message_flow_uuid``,
      ``optout_group_uuid``, ``smart_group_uuid``, ``system_group_uuid``.
    - ``iter_contacts(deleted=False)``, ``iter_runs(flow=None)``, ``iter_messages(folder=None)``,
      ``flows()``, ``groups()``, ``fields()``, ``boundaries()``, ``broadcasts()``,
      ``flow_starts()``, ``workspace()``: API dicts in API order.
    - ``iter_archived_runs(flow=None)``: the records of the run archives (runs older than the
      retention, which runs.json no longer serves), oldest archive first.
    - ``counts()``: sizes of the generated dataset (contacts, runs, answers, messages).

    How RapidPro's behaviours are played (each on by default): ``replica`` (late commits: None
    when switched off), ``ties`` (batches sharing one modified_on), ``drf_cursor`` (DRF's
    cursor, else a keyset cursor that never skips).
    """

    def __init__(self, tier: Tier, seed: int, anchor_us: int, response_rate: float = 0.7,
                 time_scale: float = 60.0, clock_us: Callable[[], int] = wall_clock_us,
                 flows: Iterable = (), flow_runs: int | list[dict] = 20, message_shape: str = "current",
                 reevaluate_every: float | None = None, commit_delay: float = 5.0, ties: bool = True,
                 drf_cursor: bool = True, retention_days: int | None = RETENTION_DAYS) -> None:
        if message_shape not in MESSAGE_SHAPES:
            raise ValueError(f"message_shape must be one of {', '.join(MESSAGE_SHAPES)}")
        self.tier, self.seed, self.anchor = tier, seed, anchor_us
        self.message_shape = message_shape
        self.response_rate, self.time_scale = response_rate, time_scale
        self.replica = Replica.of_seconds(seed, commit_delay)
        self.ties, self.drf_cursor = ties, drf_cursor
        self.org = Org(seed, tier, anchor_us)
        self.ct = ContactTable(seed, self.org, anchor_us, ties)
        generated = build_flows(seed, tier.polls, anchor_us, tier.poll_set)
        given = given_specs(read_definitions(flows), len(generated), anchor_us)
        self.flows: list[FlowSpec] = generated + given
        self.flow_by_uuid = {f.uuid: f for f in self.flows}
        if len(self.flow_by_uuid) < len(self.flows):
            raise ValueError("two flows share a uuid")
        # Only generated flows have generated runs and messages.
        self.schedule = Schedule(seed, tier, generated, tier.live_contacts, anchor_us, ties)
        apply_outage(self.schedule, self.ct, self.org, tier, anchor_us)
        self.rr = RunRenderer(seed, self.schedule, self.ct)
        self.msgs = MessageTable(seed, self.org, self.ct, generated, anchor_us)
        self.hist_broadcasts = history_broadcasts(seed, self.org, anchor_us)
        self.hist_starts = history_flow_starts(seed, self.org, self.schedule)
        self.state = State(first_new_index=self.ct.total, clock_us=clock_us)
        self.state.replica = self.replica
        self.state.given_runs.update(runs_of_given_flows(self, given, flow_runs))
        self.reevaluations = Reevaluations(self, clock_us, reevaluate_every)
        self.archives = Archives(self, retention_days)
        self._walkers: dict[tuple, Walker] = {}
        self._walker_lock = threading.Lock()
        self._group_counts: list[int] | None = None
        self._flow_counts: dict | None = None

    # -- helpers for setups ----------------------------------------------------------------------

    @property
    def region_plan(self) -> list[tuple[str, str, str | None, str, int]]:
        return self.org.region_plan

    @property
    def reporter_group_uuids(self) -> list[str]:
        return [g.uuid for g in self.org.reporter_groups]

    @property
    def poll_flow_uuids(self) -> list[str]:
        return [f.uuid for f in self.flows if f.is_poll]

    @property
    def given_flow_uuids(self) -> list[str]:
        return [f.uuid for f in self.flows[len(self.schedule.flows):]]

    @property
    def single_message_flow_uuid(self) -> str:
        return next(f.uuid for f in self.flows if not f.is_poll)

    def send_times(self, flow_uuid: str) -> list[dt.datetime]:
        """When each generated wave of a flow was sent (its runs' start), oldest first."""
        index = self.flow_by_uuid[flow_uuid].index
        return sorted(from_us(start) for fi, _week, start, _n, _start in self.schedule.waves if fi == index)

    @property
    def optout_group_uuid(self) -> str:
        return self.org.optout.uuid

    @property
    def smart_group_uuid(self) -> str:
        return self.org.smart.uuid

    @property
    def system_group_uuid(self) -> str:
        return self.org.tickets.uuid

    def left_group_contacts(self) -> list[tuple[str, str]]:
        """(contact uuid, reporter group uuid) of generated contacts who left that group; their
        ``modified_on`` (the leaving) is within the last half hour before the anchor, after their runs."""
        out = []
        for lo in range(0, self.ct.live, 65536):
            a = self.ct.attrs(np.arange(lo, min(self.ct.live, lo + 65536)))
            for k in np.flatnonzero((a.left_group >= 0) & (a.status == 0)).tolist():
                out.append((self.ct.uuid(int(a.idx[k])), self.org.reporter_groups[int(a.left_group[k])].uuid))
        return out

    # -- how a request reads ----------------------------------------------------------------------

    def api_view(self) -> View:
        """What an API request sees now: through the replica, paged by the configured cursor."""
        return View(self.state.now(), self.replica, self.drf_cursor)

    def truth_view(self) -> View:
        """What RapidPro holds now: the primary, walked by keyset."""
        return View(self.state.now(), None, drf=False)

    def settled(self, now: int) -> bool:
        """Whether every generated record is visible at ``now`` (with no writes, answers are then
        a pure function of the request)."""
        return self.replica is None or self.replica.settled(now) >= self.anchor

    # -- shared lookups ------------------------------------------------------------------------

    def walker(self, key: tuple, make) -> Walker:
        with self._walker_lock:
            w = self._walkers.get(key)
            if w is None:
                if len(self._walkers) > 64:
                    self._walkers.clear()
                w = self._walkers[key] = make()
            return w

    def generated_group_counts(self) -> list[int]:
        if self._group_counts is None:
            self._group_counts = group_counts(self.ct)
        return self._group_counts

    def generated_flow_counts(self) -> dict:
        """Runs per flow index by exit state, before any write (given flows' runs included)."""
        if self._flow_counts is None:
            counts = self.schedule.flow_counts()
            for f in self.flows[len(self.schedule.flows):]:
                counts[f.index] = {"active": 0, "waiting": 0, "completed": 0, "interrupted": 0, "expired": 0,
                                   "failed": 0}
            for _, run in self.state.given_runs.values():
                counts[self.flow_by_uuid[run["flow"]["uuid"]].index][run["exit_type"] or "waiting"] += 1
            self._flow_counts = counts
        return self._flow_counts

    def group_index(self, ref: str) -> int | None:
        """A group by UUID or (case-insensitive) name."""
        g = self.org.groups_by_uuid.get(ref) or self.org.groups_by_name.get(str(ref).lower())
        return None if g is None else self.org.groups.index(g)

    def contacts_group_index(self, ref: str) -> int | None:
        """The group ``contacts.json?group=`` means: its UUID, or its exact name (RapidPro matches
        the name case-sensitively there, unlike groups.json's ``name=``)."""
        g = self.org.groups_by_uuid.get(ref) or self.org.groups_by_name.get(str(ref).lower())
        return None if g is None or (g.uuid != ref and g.name != ref) else self.org.groups.index(g)

    def contact_index_by_uuid(self, uuid: str) -> int | None:
        st = self.state
        if uuid in st.by_uuid:
            return st.by_uuid[uuid]
        return self.ct.index_of_uuid(uuid)

    def contact_index_by_urn(self, urn: str) -> int | None:
        """The live (non-deleted) contact owning a URN now."""
        st = self.state
        with st.lock:
            if urn in st.urn_owner:
                owner = st.urn_owner[urn]
                return None if st.contacts[owner].deleted else owner
            i = self.ct.index_of_urn(urn)
            if i is not None and i in st.contacts:
                return None  # an overlay contact whose URNs no longer include it
            return i

    def contact_dict(self, index: int) -> dict:
        """Current API dict of a contact (overlay first)."""
        oc = self.state.contacts.get(index)
        if oc is not None:
            return oc.data
        return contact_dicts(self.ct, np.array([index]))[0]

    def is_deleted(self, index: int) -> bool:
        oc = self.state.contacts.get(index)
        return oc.deleted if oc is not None else index >= self.ct.live

    def language_index(self, index: int) -> int:
        oc = self.state.contacts.get(index)
        if oc is not None:
            lang = oc.data.get("language")
            return ["eng", "fra", "kin", "swa", "ara"].index(lang) if lang in ("eng", "fra", "kin", "swa", "ara") else 0
        if index >= self.ct.total:
            return 0
        return max(int(languages_of(self.ct, np.array([index]))[0]), 0)

    def run_contact_ref(self, index: int) -> dict:
        oc = self.state.contacts.get(index)
        if oc is None:
            return json.loads(contact_refs(self.ct, np.array([index]))[index])
        urns = oc.data.get("urns") or []
        from .contacts import urn_display

        return {"uuid": oc.uuid, "name": oc.data.get("name"), "urn": urns[0] if urns else None,
                "urn_display": urn_display(urns[0]) if urns else None}

    # -- ground truth ------------------------------------------------------------------------------

    def workspace(self) -> dict:
        return self.org.workspace()

    def flows_list(self) -> list[dict]:
        return list(self._walk(lists.flows, {}))

    def groups(self) -> list[dict]:
        self.reevaluations.catch_up()
        return list(self._walk(lists.groups, {}))

    def fields(self) -> list[dict]:
        return list(self._walk(lists.fields, {}))

    def boundaries(self) -> list[dict]:
        return self.org.boundaries()

    def broadcasts(self) -> list[dict]:
        return list(self._walk(lists.broadcasts, {}))

    def flow_starts(self) -> list[dict]:
        return list(self._walk(lists.flow_starts, {}))

    def iter_contacts(self, deleted: bool = False, group: str | None = None) -> Iterator[dict]:
        self.reevaluations.catch_up()
        params = {"deleted": ["1" if deleted else "0"]}
        if group:
            params["group"] = [group]
        yield from self._walk(queries.contacts, params)

    def iter_runs(self, flow: str | None = None, responded: bool = False) -> Iterator[dict]:
        params = {"flow": [flow]} if flow else {}
        if responded:
            params["responded"] = ["1"]
        yield from self._walk(queries.runs, params)

    def iter_archived_runs(self, flow: str | None = None) -> Iterator[dict]:
        for record in self.archives.records("run"):
            if flow is None or record["flow"]["uuid"] == flow:
                yield record

    def iter_messages(self, folder: str | None = None) -> Iterator[dict]:
        yield from self._walk(serve_messages, {"folder": [folder]} if folder else {})

    def _walk(self, fn: Callable[[Dataset, dict, View], Page], params: dict) -> Iterator[dict]:
        cursor = None
        while True:
            page = fn(self, dict(params, **({"cursor": [cursor]} if cursor else {})), self.truth_view())
            for j in page.items:
                yield json.loads(j)
            if page.next is None:
                return
            cursor = page.next

    def counts(self) -> dict:
        """Sizes of the generated history (no overlay): contacts, runs, answers, messages..."""
        sc = self.schedule
        from .schedule import COMPLETE, INTERRUPTED, PARTIAL_EXP, PARTIAL_WAIT, REPEAT

        nq = np.array([len(f.questions) for f in self.flows])[sc.s_flow]
        ne = sc.streams.n_eff
        full = np.isin(sc.s_mode, [COMPLETE, REPEAT])
        part = np.isin(sc.s_mode, [PARTIAL_EXP, PARTIAL_WAIT, INTERRUPTED])
        return {
            "contacts_live": self.ct.live, "contacts_deleted": self.ct.deleted,
            "regions": len(self.org.regions), "region_levels": len({r.level for r in self.org.regions}),
            "flows": len(self.flows), "polls": len(self.poll_flow_uuids), "runs": int(ne.sum()),
            "answers_estimate": int((ne[full] * nq[full]).sum() + (ne[part] * np.maximum(nq[part] - 1, 1)).sum() / 2
                                    + ne[part].sum() / 2),
            "messages": int(self.msgs.streams.n_eff.sum()),
        }


def serve_messages(ds: Dataset, p: dict, view: View) -> Page:
    """messages.json's query, in the shape this server gives messages."""
    page = queries.messages(ds, p, view)
    if ds.message_shape == "v9":
        page.items = as_v9(page.items)
    return page
