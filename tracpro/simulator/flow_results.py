"""A flow's results as RapidPro lists them in flows.json, and result keys as the engine makes them.

RapidPro asks the flow engine to inspect each flow it saves (after migrating the definition to
the current spec) and serves the results found as the flow's ``results``: every router with a
``result_name`` and every action that saves a result, in node order (a node's actions before
its router), those sharing a key merged: categories united in order, node UUIDs added.

Which actions save results, with which categories (goflow's actions package):
``set_run_result`` (its own category, or none), ``call_webhook`` and ``call_resthook``
(Success, Failure), ``call_classifier`` (Success, Skipped, Failure).  Ticket and airtime
actions saved results of their own before spec 14.3; the migration moves those result names to
the node's router, so they are listed with the router's categories.  Legacy definitions (rule
sets) are migrated too: a rule set's label is its result, categories named in the flow's base
language; webhook and resthook rule sets become actions with the webhook categories.
"""

from __future__ import annotations

from collections.abc import Iterator

_WEBHOOK = ["Success", "Failure"]
_ACTION_CATEGORIES = {"call_webhook": _WEBHOOK, "call_resthook": _WEBHOOK,
                      "call_classifier": ["Success", "Skipped", "Failure"]}
_MOVED_TO_ROUTER = {"open_ticket", "transfer_airtime"}
_LEGACY_WEBHOOKS = {"webhook", "resthook"}

# Go's strings.TrimSpace trims Unicode White_Space, not Python's wider str.isspace().
_ENGINE_SPACE = ("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                 "\u2028\u2029\u202f\u205f\u3000")


def snakify(name: str) -> str:
    """goflow's utils.Snakify: trim, replace each run of characters other than letters (any
    script), ASCII digits and "_" with "_", lowercase per character ("Question ١" -> "question_")."""
    out: list[str] = []
    gap = False
    for c in name.strip(_ENGINE_SPACE):
        if c.isalpha() or c in "0123456789_":
            if gap:
                out.append("_")
            low = c.lower()
            out.append(low if len(low) == 1 else low[0])
            gap = False
        else:
            gap = True
    if gap:
        out.append("_")
    return "".join(out)


def flow_results(definition: dict) -> list[dict]:
    """The ``results`` flows.json lists for this definition (modern or legacy)."""
    found = _legacy(definition) if "rule_sets" in definition else _modern(definition)
    specs: dict[str, dict] = {}
    for name, categories, node in found:
        key = snakify(name)
        spec = specs.get(key)
        if spec is None:
            specs[key] = {"key": key, "name": name, "categories": list(categories), "node_uuids": [node]}
            continue
        spec["categories"] += [c for c in categories if c not in spec["categories"]]
        if node not in spec["node_uuids"]:
            spec["node_uuids"].append(node)
    return list(specs.values())


def _modern(definition: dict) -> Iterator[tuple[str, list[str], str]]:
    for node in definition.get("nodes", []):
        router = node.get("router") or {}
        router_categories = [c["name"] for c in router.get("categories", [])]
        actions = node.get("actions", [])
        result_name = router.get("result_name") or ""
        for action in actions:
            kind = action.get("type")
            if kind == "set_run_result":
                yield action["name"], [action["category"]] if action.get("category") else [], node["uuid"]
            elif kind in _ACTION_CATEGORIES and action.get("result_name"):
                yield action["result_name"], _ACTION_CATEGORIES[kind], node["uuid"]
            elif (kind in _MOVED_TO_ROUTER and action.get("result_name") and len(actions) == 1
                  and router.get("type") == "switch" and str(router.get("operand", "")).startswith("@results.")):
                result_name = action["result_name"]
        if result_name:
            yield result_name, router_categories, node["uuid"]


def _legacy(definition: dict) -> Iterator[tuple[str, list[str], str]]:
    language = definition.get("base_language")
    for rule_set in definition.get("rule_sets", []):
        label = rule_set.get("label")
        if not label:
            continue
        if rule_set.get("ruleset_type") in _LEGACY_WEBHOOKS:
            yield label, _WEBHOOK, rule_set["uuid"]
            continue
        categories: list[str] = []
        for rule in rule_set.get("rules", []):
            name = base_name(rule.get("category"), language)
            if name not in categories:
                categories.append(name)
        yield label, categories, rule_set["uuid"]


def base_name(translations, language: str | None) -> str:
    """A legacy translated text in the flow's base language, else its "base" entry (goflow's
    legacy Translations.Base); a plain string is itself."""
    if not isinstance(translations, dict):
        return translations or ""
    if language in translations:
        return translations[language]
    return translations.get("base") or ""
