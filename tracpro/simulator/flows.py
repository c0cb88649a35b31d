"""Flow definitions (modern spec 14.4.1) and the per-flow templates runs are rendered from.

One node per question: a ``send_msg`` action with the question text and a ``switch``
router waiting for a message (``operand`` "@input.text", ``result_name``, cases with string
arguments, categories with exits, ``default_category_uuid``), then a "thanks" node.  A
question with a timeout routes "No Response" to a "sorry" node.  ``flows.json`` results
are inspected from these same definitions as RapidPro does (flow_results.py), so the two
endpoints always agree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from .flow_results import flow_results
from .hashing import h, uid, vh
from .questions import LIBRARY, SCHOOL_BANDS, SCHOOL_STEPS, Question
from .timefmt import DAY, HOUR
from .vocab import LANGUAGES

SLOTS = 64  # answer lookup-table size per question and language

# The first poll flows of a tier, by its poll set (tiers.py): (name, questions, the weeks it is
# sent in or None for every week). "default" serves the district and national tiers.
DEMO_POLLS = [
    ("Water & Sanitation", ["Clean Water", "Latrines Working", "Biggest Problem"]),
    ("School Attendance", ["Students Present", "Hours of Rain"]),
    ("Food Security", ["Food Prices", "Main Crop"]),
    ("Community Feedback", ["Service Rating", "Suggestions"]),
    ("Health Facility Check", ["Medicine Stock", "Patients Seen"]),
]
# The term started in this week of the ~13 the runs cover (about ten weeks before the anchor):
# enrolment is asked once then; attendance every week, so the two make a baseline and its follow-up.
TERM_START_WEEK = 3
POLL_SETS: dict[str, list[tuple[str, list[str], tuple[int, ...] | None]]] = {
    "default": [(name, questions, None) for name, questions in DEMO_POLLS],
    "schools": [
        ("Water & Sanitation", ["Water Point Working", "Latrines Working", "Biggest Problem"], None),
        ("Weekly Attendance", ["Pupils Present", "School Meal"], None),
        ("Food Security", ["Food Prices", "Main Crop", "Hours of Rain"], None),
        ("Community Feedback", ["Service Rating", "Suggestions"], None),
        ("Enrolment at Term Start", ["Pupils Enrolled"], (TERM_START_WEEK,)),
    ],
    "health": [
        ("Health Facility Check", ["Medicine Stock", "Patients Seen"], None),
        ("Child Vaccination", ["Children Vaccinated"], None),
        ("Community Feedback", ["Service Rating", "Suggestions"], None),
    ],
}
TOPICS = ["Water Point Survey", "Market Watch", "Harvest Check", "Clinic Visit", "Classroom Count",
          "Rainfall Report", "Youth Voices", "Community Pulse", "Nutrition Check", "School Meals"]
SINGLE_MESSAGE_NAME = "Single Message (Weekly Reminder)"


def _j(value) -> str:
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


@dataclass
class FlowSpec:
    """A flow plus everything runs of it need, pre-rendered as JSON fragments."""

    index: int
    uuid: str
    name: str
    questions: list[Question]
    is_poll: bool
    created_us: int
    expires: int  # minutes
    labels: list[dict]
    node_uuids: list[str] = field(default_factory=list)
    end_node: str = ""
    sorry_node: str = ""
    definition: dict = field(default_factory=dict)
    results: list[dict] = field(default_factory=list)
    ref_json: str = ""
    # value_slots[q][lang] -> SLOTS fragments '"key":{...,"time":"' (the time and '"}' follow)
    value_slots: list[list[list[str]]] = field(default_factory=list)
    # option (raw text, value, category) per slot, for ground-truth helpers and messages
    slot_options: list[list[list[tuple[str, str, str]]]] = field(default_factory=list)
    path_prefix: list[str] = field(default_factory=list)  # '{"node":"<uuid>","time":"' per node
    timeout_prefix: str = ""
    api_type: str = "message"  # flows.json's type
    weeks: tuple[int, ...] | None = None  # the weeks it is sent in (schedule.py); None: every week

    @property
    def timeout(self) -> int | None:
        return self.questions[0].timeout if self.questions else None

    @property
    def reports_figures(self) -> bool:
        """Whether it asks a school's own figures (questions.SCHOOL_BANDS)."""
        return any(q.steady for q in self.questions)

    @property
    def ref(self) -> dict:
        return {"uuid": self.uuid, "name": self.name}


def build_flows(seed: int, polls: int, anchor_us: int, poll_set: str = "default") -> list[FlowSpec]:
    """The tier's poll flows plus one "Single Message" flow, in creation order."""
    specs = []
    named = POLL_SETS[poll_set]
    for i in range(polls):
        weeks = None
        if i < len(named):
            name, qnames, weeks = named[i]
        else:
            name = f"{TOPICS[i % len(TOPICS)]} {i // len(TOPICS) + 1}"
            pool = sorted(LIBRARY, key=lambda n: h(seed, "qpick", i, hash_name(n)))
            qnames = pool[: 1 + h(seed, "qcount", i) % 4]
            qnames.sort(key=lambda n: LIBRARY[n].timeout is None)  # a timeout question goes first
        specs.append(_spec(seed, i, name, [LIBRARY[n] for n in qnames], anchor_us))
        specs[-1].weeks = weeks
    specs.append(_spec(seed, polls, SINGLE_MESSAGE_NAME, [], anchor_us))
    return specs


def hash_name(name: str) -> int:
    return sum(ord(c) * 31 ** k for k, c in enumerate(name)) & 0xFFFFFFFF


def _spec(seed: int, i: int, name: str, questions: list[Question], anchor_us: int) -> FlowSpec:
    label = [{"uuid": uid(seed, "label", 0), "name": "Polls"}] if questions and i % 2 == 0 else []
    spec = FlowSpec(index=i, uuid=uid(seed, "flow", i), name=name, questions=questions, is_poll=bool(questions),
                    created_us=anchor_us - 200 * DAY + i * 12 * HOUR, expires=10080 if questions else 720,
                    labels=label)
    spec.node_uuids = [uid(seed, "node", i, q) for q in range(len(questions))]
    spec.end_node = uid(seed, "node-end", i)
    spec.sorry_node = uid(seed, "node-sorry", i) if spec.timeout else ""
    spec.definition = _definition(seed, spec)
    spec.results = flow_results(spec.definition)
    spec.ref_json = _j(spec.ref)
    spec.path_prefix = [f'{{"node":"{n}","time":"' for n in spec.node_uuids + [spec.end_node]]
    if spec.sorry_node:
        spec.path_prefix.append(f'{{"node":"{spec.sorry_node}","time":"')
    _fill_slots(spec)
    return spec


def _fill_slots(spec: FlowSpec) -> None:
    from .questions import evaluate

    for k, q in enumerate(spec.questions):
        per_lang, per_lang_opts = [], []
        for lang in LANGUAGES:
            options = q.answers[lang]
            total = sum(w for _, w in options)
            slots, opts = [], []
            acc, idx = 0.0, 0
            for s in range(SLOTS):
                target = (s + 0.5) / SLOTS * total
                while acc + options[idx][1] < target:
                    acc += options[idx][1]
                    idx += 1
                raw = options[idx][0]
                value, category = evaluate(q, raw)
                opts.append((raw, value, category))
                slots.append(f'{_j(q.key)}:{{"name":{_j(q.name)},"value":{_j(value)},"category":{_j(category)},'
                             f'"node":"{spec.node_uuids[k]}","time":"')
            per_lang.append(slots)
            per_lang_opts.append(opts)
        spec.value_slots.append(per_lang)
        spec.slot_options.append(per_lang_opts)
    if spec.timeout:
        q = spec.questions[0]
        spec.timeout_prefix = f'{_j(q.key)}:{{"name":{_j(q.name)},"value":"'


def answer_slots(seed: int, question: Question, i: int, contacts: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The answer slot of question `i` in each run (its contact, its run hash `x`): by the run, or
    for a school's figures by the contact's school (questions.SCHOOL_BANDS), the same school every time."""
    by_run = ((x >> np.uint64(6 * i + 2)) % np.uint64(SLOTS)).astype(np.int64)
    if question.steady is None:
        return by_run
    school = vh(seed, "school", np.asarray(contacts, dtype=np.int64))
    band = (school % np.uint64(len(SCHOOL_BANDS) - 1)).astype(np.int64)
    own = ((school >> np.uint64(8)) % np.uint64(SCHOOL_STEPS)).astype(np.int64)
    step = own if question.steady == "school" else by_run % SCHOOL_STEPS
    return band * SCHOOL_STEPS + step


def batch_answer_slots(seed: int, flows: list[FlowSpec], flow: np.ndarray, contacts: np.ndarray, x: np.ndarray,
                       questions: int) -> list[list[int]]:
    """answer_slots of a batch of runs (their flow indices, contacts and hashes), per question position."""
    out = []
    for i in range(questions):
        slots = ((x >> np.uint64(6 * i + 2)) % np.uint64(SLOTS)).astype(np.int64)
        for f in flows:
            if len(f.questions) > i and f.questions[i].steady:
                mine = flow == f.index
                if mine.any():
                    slots[mine] = answer_slots(seed, f.questions[i], i, contacts[mine], x[mine])
        out.append(slots.tolist())
    return out


def timeout_value_suffix(spec: FlowSpec) -> str:
    """Goes between the timed-out value (an ISO time, as the engine stores) and the time."""
    return f'","category":"No Response","node":"{spec.node_uuids[0]}","time":"'


def _definition(seed: int, spec: FlowSpec) -> dict:
    i = spec.index
    nodes, ui = [], {}
    for k, q in enumerate(spec.questions):
        node = spec.node_uuids[k]
        nxt = spec.node_uuids[k + 1] if k + 1 < len(spec.questions) else spec.end_node
        cats = q.categories
        cat_uuids = {c: uid(seed, "cat", i, k, n) for n, c in enumerate(cats)}
        exits = {c: uid(seed, "exit", i, k, n) for n, c in enumerate(cats)}
        wait: dict = {"type": "msg"}
        if q.timeout:
            wait["timeout"] = {"seconds": q.timeout, "category_uuid": cat_uuids["No Response"]}
        router = {
            "type": "switch",
            "result_name": q.name,
            "operand": "@input.text",
            "wait": wait,
            "cases": [{"uuid": uid(seed, "case", i, k, n), "type": t, "arguments": list(args),
                       "category_uuid": cat_uuids[c]} for n, (t, args, c) in enumerate(q.cases)],
            "categories": [{"uuid": cat_uuids[c], "name": c, "exit_uuid": exits[c]} for c in cats],
            "default_category_uuid": cat_uuids[q.default_category],
        }
        nodes.append({
            "uuid": node,
            "actions": [{"uuid": uid(seed, "action", i, k), "type": "send_msg", "text": q.text, "quick_replies": []}],
            "router": router,
            "exits": [{"uuid": exits[c], "destination_uuid": spec.sorry_node if c == "No Response" else nxt}
                      for c in cats],
        })
        ui[node] = {"position": {"left": 100, "top": 40 + 180 * k}, "type": "wait_for_response"}
    end_text = "Thank you for your answers!" if spec.questions else "Reminder: please answer this week's polls."
    nodes.append({"uuid": spec.end_node,
                  "actions": [{"uuid": uid(seed, "action-end", i), "type": "send_msg", "text": end_text,
                               "quick_replies": []}],
                  "exits": [{"uuid": uid(seed, "exit-end", i), "destination_uuid": None}]})
    ui[spec.end_node] = {"position": {"left": 100, "top": 40 + 180 * len(spec.questions)}, "type": "execute_actions"}
    if spec.sorry_node:
        nodes.append({"uuid": spec.sorry_node,
                      "actions": [{"uuid": uid(seed, "action-sorry", i), "type": "send_msg",
                                   "text": "Sorry we missed you, we will try again next week.", "quick_replies": []}],
                      "exits": [{"uuid": uid(seed, "exit-sorry", i), "destination_uuid": None}]})
        ui[spec.sorry_node] = {"position": {"left": 460, "top": 40}, "type": "execute_actions"}
    return {
        "_ui": {"nodes": ui, "stickies": {}},
        "expire_after_minutes": spec.expires,
        "language": "eng",
        "localization": {},
        "name": spec.name,
        "nodes": nodes,
        "revision": 1 + i % 5,
        "spec_version": "14.4.1",
        "type": "messaging",
        "uuid": spec.uuid,
    }
