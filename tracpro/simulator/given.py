"""Flows given to the simulator (real exports), served beside the generated ones, and their runs.

A given flow is listed in flows.json with the results RapidPro would list for it
(flow_results.py) and returned by definitions.json exactly as given (a legacy export stays
legacy, as an old server would serve it).  Its runs are either generated -- a few per flow, each
run by a different live contact, answering every result with a value of one of its categories
-- or given: run dicts with at least ``flow`` (a UUID) and ``values`` (``{key: {"value": ...,
"category": ...}}``); whatever else a run needs (id, uuid, contact, times, path, exit) is
filled in.  Given runs never change; a flow start of a given flow completes without answers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from .flow_results import base_name, flow_results, snakify
from .flows import FlowSpec
from .hashing import AffinePerm, h, uuid7_str
from .timefmt import DAY, HOUR, MINUTE, iso, parse_param

# Given runs' ids: far above the generated ones, below the flow-start runs' 2,000,000,000.
FIRST_RUN_ID = 1_000_000_001
# goflow's flow types as flows.json names them.
_API_TYPES = {"messaging": "message", "voice": "voice", "messaging_background": "background",
              "messaging_offline": "survey", "F": "message", "M": "message", "V": "voice", "S": "survey"}
# Legacy rule tests as the modern case types that give the same values.
_LEGACY_TESTS = {"number": "has_number", "between": "has_number_between", "lt": "has_number_lt",
                 "lte": "has_number_lte", "eq": "has_number_eq", "gte": "has_number_gte", "gt": "has_number_gt",
                 "contains_any": "has_any_word", "contains": "has_all_words", "contains_phrase": "has_phrase",
                 "starts": "has_beginning", "not_empty": "has_text", "date": "has_date",
                 "date_before": "has_date_lt", "date_after": "has_date_gt", "date_equal": "has_date_eq"}
_WORDS = {"has_any_word", "has_all_words", "has_phrase", "has_only_phrase", "has_beginning", "has_text",
          "has_only_text", "has_pattern"}


def read_definitions(sources: Iterable) -> list[dict]:
    """Flow definitions from exports (``{"flows": [...]}``), single definitions, or paths to
    export files, in the order given."""
    out: list[dict] = []
    for source in sources:
        if isinstance(source, str | Path):
            source = json.loads(Path(source).read_text(encoding="utf-8"))
        out.extend(source.get("flows", [source]))
    return out


def given_specs(definitions: list[dict], first_index: int, anchor_us: int) -> list[FlowSpec]:
    """A FlowSpec per definition, indexed after the generated flows, created before the anchor."""
    specs = []
    for k, definition in enumerate(definitions):
        meta = definition.get("metadata") or {}
        uuid = (definition.get("uuid") or meta.get("uuid") or "").lower()
        if not uuid:
            raise ValueError("a given flow definition has no uuid")
        nodes = definition.get("nodes") or definition.get("action_sets") or definition.get("rule_sets") or []
        entry = definition.get("entry") or (nodes[0]["uuid"] if nodes else "")
        spec = FlowSpec(index=first_index + k, uuid=uuid, name=definition.get("name") or meta.get("name") or uuid,
                        questions=[], is_poll=True, created_us=anchor_us - 60 * DAY + k * HOUR,
                        expires=int(definition.get("expire_after_minutes") or meta.get("expires") or 10080),
                        labels=[], end_node=entry, definition=definition, results=flow_results(definition),
                        api_type=_API_TYPES.get(definition.get("type") or definition.get("flow_type") or "", "message"))
        spec.ref_json = json.dumps(spec.ref, ensure_ascii=True, separators=(",", ":"))
        specs.append(spec)
    return specs


def runs_of_given_flows(ds, specs: list[FlowSpec], flow_runs) -> dict[int, tuple[int, dict]]:
    """Run id -> (modified_on µs, API dict): ``flow_runs`` generated runs per flow (an int) or
    the runs given (a list of dicts)."""
    by_uuid = {spec.uuid: spec for spec in specs}
    if isinstance(flow_runs, int):
        made = [run for spec in specs for run in _generated(ds, spec, flow_runs)]
    else:
        made = [_completed(ds, by_uuid, run, n) for n, run in enumerate(flow_runs)]
    out = {}
    for n, run in enumerate(made):
        run = dict(run, id=FIRST_RUN_ID + n)
        created = _us(run["created_on"])
        run["uuid"] = run.get("uuid") or uuid7_str(created // 1000, h(ds.seed, "given-run", n), run["id"])
        out[run["id"]] = (_us(run["modified_on"]), _ordered(run))
    return out


def _us(text: str) -> int:
    moment = parse_param(text)
    if moment is None:
        raise ValueError(f"a given run has an unreadable time {text!r}")
    return moment


def _ordered(run: dict) -> dict:
    keys = ["id", "uuid", "flow", "contact", "start", "responded", "path", "values", "created_on", "modified_on",
            "exited_on", "exit_type"]
    return {key: run.get(key) for key in keys}


def _generated(ds, spec: FlowSpec, count: int) -> Iterator[dict]:
    options = answer_options(spec.definition)
    perm = AffinePerm(ds.ct.live, ds.seed, "given-contacts", spec.index)
    for k in range(min(count, ds.ct.live)):
        created = ds.anchor - 3 * DAY + k * (3 * DAY - HOUR) // max(count, 1)
        values = {}
        for n, result in enumerate(spec.results):
            choices = options.get(result["key"]) or [("", None, result["node_uuids"][0])]
            value, category, node = choices[h(ds.seed, "given-answer", spec.index, k, n) % len(choices)]
            values[result["key"]] = {"name": result["name"], "value": value, "category": category, "node": node,
                                     "time": iso(created + (n + 1) * MINUTE)}
        yield _run(ds, spec, perm.one(k), created, values)


def _completed(ds, by_uuid: dict[str, FlowSpec], given: dict, n: int) -> dict:
    flow = given["flow"]["uuid"] if isinstance(given["flow"], dict) else given["flow"]
    spec = by_uuid[flow.lower()]
    created = _us(given["created_on"]) if given.get("created_on") else ds.anchor - DAY + n * MINUTE
    names = {result["key"]: result for result in spec.results}
    values = {}
    for i, (key, value) in enumerate(given.get("values", {}).items()):
        result = names.get(key) or {"name": key, "node_uuids": [spec.end_node]}
        values[key] = {"name": value.get("name", result["name"]), "value": value.get("value", ""),
                       "category": value.get("category"), "node": value.get("node", result["node_uuids"][0]),
                       "time": value.get("time") or iso(created + (i + 1) * MINUTE)}
    contact = given.get("contact")
    uuid = contact["uuid"] if isinstance(contact, dict) else contact
    index = ds.contact_index_by_uuid(uuid) if uuid else AffinePerm(ds.ct.live, ds.seed, "given-runs").one(n)
    if index is None:
        raise ValueError(f"a given run's contact {uuid} is not in the dataset")
    run = _run(ds, spec, index, created, values)
    return dict(run, **{k: v for k, v in given.items() if k in ("uuid", "modified_on", "exited_on", "exit_type")})


def _run(ds, spec: FlowSpec, contact: int, created: int, values: dict) -> dict:
    times = [_us(value["time"]) for value in values.values()]
    modified = max([created, *times])
    path = [{"node": spec.end_node, "time": iso(created)}] if spec.end_node else []
    for value in values.values():
        if not path or path[-1]["node"] != value["node"]:
            path.append({"node": value["node"], "time": value["time"]})
    return {"flow": spec.ref, "contact": ds.run_contact_ref(contact), "start": None, "responded": bool(values),
            "path": path, "values": values, "created_on": iso(created), "modified_on": iso(modified),
            "exited_on": iso(modified), "exit_type": "completed"}


def answer_options(definition: dict) -> dict[str, list[tuple[str, str | None, str]]]:
    """Per result key, the (value, category, node) a run may store: one per category of a
    router (a value passing that category's first case), and what each saving action stores."""
    out: dict[str, list[tuple[str, str | None, str]]] = {}
    if "rule_sets" in definition:
        language = definition.get("base_language")
        for rule_set in definition["rule_sets"]:
            if rule_set.get("label"):
                out.setdefault(snakify(rule_set["label"]), []).extend(_legacy_options(rule_set, language))
        return out
    for node in definition.get("nodes", []):
        for action in node.get("actions", []):
            if action.get("type") == "set_run_result":
                value = action.get("value", "")
                out.setdefault(snakify(action["name"]), []).append(
                    ("saved" if "@" in value else value, action.get("category") or None, node["uuid"]))
            elif action.get("result_name") and action.get("type") in ("call_webhook", "call_resthook"):
                out.setdefault(snakify(action["result_name"]), []).extend(
                    [("200", "Success", node["uuid"]), ("503", "Failure", node["uuid"])])
            elif action.get("result_name") and action.get("type") == "call_classifier":
                out.setdefault(snakify(action["result_name"]), []).append(("0", "Failure", node["uuid"]))
        router = node.get("router") or {}
        name = router.get("result_name") or next(
            (a["result_name"] for a in node.get("actions", []) if a.get("type") in ("open_ticket", "transfer_airtime")
             and a.get("result_name")), None)
        if name:
            out.setdefault(snakify(name), []).extend(_router_options(router, node["uuid"]))
    return out


def _legacy_options(rule_set: dict, language: str | None) -> list[tuple[str, str | None, str]]:
    out: list[tuple[str, str | None, str]] = []
    for rule in rule_set.get("rules", []):
        test = rule.get("test") or {}
        category = base_name(rule.get("category"), language)
        if test.get("type") == "timeout" or any(category == seen for _, seen, _ in out):
            continue
        kind = _LEGACY_TESTS.get(test.get("type") or "", "")
        if kind == "has_number_between":
            arguments = [test.get("min"), test.get("max")]
        elif isinstance(test.get("test"), dict):
            arguments = [base_name(test["test"], language)]
        else:
            arguments = [test["test"]] if "test" in test else []
        value = _passing_value({"type": kind, "arguments": arguments}) if kind else "maybe later"
        out.append((value, category, rule_set["uuid"]))
    return out


def _router_options(router: dict, node: str) -> list[tuple[str, str | None, str]]:
    timeout = ((router.get("wait") or {}).get("timeout") or {}).get("category_uuid")
    cases: dict[str, dict] = {}
    for case in router.get("cases", []):
        cases.setdefault(case.get("category_uuid"), case)
    out = []
    for category in router.get("categories", []):
        if category["uuid"] == timeout:
            continue
        case = cases.get(category["uuid"])
        out.append((_passing_value(case) if case else "maybe later", category["name"], node))
    return out


def _passing_value(case: dict) -> str:
    kind, args = case.get("type", ""), [str(a) for a in case.get("arguments", [])]
    if kind in ("has_number", "has_number_between", "has_number_eq", "has_number_lte", "has_number_gte"):
        return args[0] if args else "7"
    if kind in ("has_number_lt", "has_number_gt"):
        step = -1 if kind == "has_number_lt" else 1
        return str(int(float(args[0])) + step) if args else "7"
    if kind.startswith("has_date"):
        return "2026-01-15"
    if kind in _WORDS and args and args[0].split():
        return args[0].split()[0]
    return args[0] if args else "yes"
