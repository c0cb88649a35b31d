"""The generated dataset: size, determinism, geometry, and every special case the sync must meet."""

from __future__ import annotations

import collections
import datetime as dt
import random
import re
import time

import iso8601
import requests

from tracpro.simulator import Simulator
from tracpro.simulator.geometry import multipolygon_area, point_in_multipolygon

from .conftest import ANCHOR, TOKEN

LOCAL = dt.timezone(dt.timedelta(hours=2))  # Africa/Kigali


def _t(text: str) -> dt.datetime:
    return iso8601.parse_date(text)


def test_demo_size(sim, all_runs):
    ds = sim.dataset
    assert 1900 <= ds.tier.live_contacts + ds.tier.deleted_contacts <= 2100
    assert len(ds.region_plan) == 15 and {p[4] for p in ds.region_plan} == {1, 2, 3}
    flows = ds.flows_list()
    assert len(flows) == 6 and sum(f["name"].startswith("Single Message") for f in flows) == 1
    answers = sum(len(r["values"]) for r in all_runs)
    assert 80_000 <= answers <= 130_000
    assert max(r["modified_on"] for r in all_runs) <= ANCHOR.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    created = min(_t(r["created_on"]) for r in all_runs)
    # runs.json keeps the runs modified in the last ~90 days, some created a week before that.
    assert ANCHOR - dt.timedelta(days=100) <= created <= ANCHOR - dt.timedelta(days=85)


def test_demo_serves_within_five_seconds():
    started = time.monotonic()
    with Simulator(tier="demo", seed=3, token=TOKEN) as s:
        r = requests.get(s.url + "/api/v2/runs.json", headers={"Authorization": f"Token {TOKEN}"})
        assert r.status_code == 200 and len(r.json()["results"]) == 250
    assert time.monotonic() - started < 5


def _first_pages(url: str) -> list[bytes]:
    h = {"Authorization": f"Token {TOKEN}"}
    return [requests.get(f"{url}/api/v2/{e}.json", headers=h).content.replace(url.encode(), b"URL")
            for e in ("runs", "contacts", "messages", "flows", "groups", "boundaries", "org", "flow_starts")]


def test_same_seed_same_bytes_other_seed_other_data(sim):
    with Simulator(tier="demo", seed=7, token=TOKEN, anchor=ANCHOR) as twin:
        assert _first_pages(twin.url) == _first_pages(sim.url)
    with Simulator(tier="demo", seed=8, token=TOKEN, anchor=ANCHOR) as other:
        assert all(a != b for a, b in zip(_first_pages(other.url)[:6], _first_pages(sim.url)[:6], strict=True))


def test_run_special_cases(sim, all_runs):
    ds = sim.dataset
    qcount = {f["uuid"]: len(f["results"]) for f in ds.flows_list()}
    numeric = {q.key for f in ds.flows for q in f.questions if q.kind == "numeric"}
    values = [(r, k, v) for r in all_runs for k, v in r["values"].items()]

    same_day = collections.defaultdict(list)
    for r in all_runs:
        if r["values"]:
            same_day[(r["contact"]["uuid"], r["flow"]["uuid"], _t(r["created_on"]).astimezone(LOCAL).date())].append(r)
    assert any(len(rs) >= 2 for rs in same_day.values()), "a contact answering twice the same local day"

    late = [r for r in all_runs if r["values"] and _t(r["modified_on"]) - _t(r["created_on"]) > dt.timedelta(days=4)
            and _t(r["modified_on"]).isocalendar().week != _t(r["created_on"]).isocalendar().week]
    assert late, "late answers: created one week, answered the next"

    assert any(k in numeric and v["category"] == "Other" and not re.search(r"\d", v["value"]) for _, k, v in values)
    assert any(k in numeric and "." in v["value"] for _, k, v in values), "decimal numeric answers"
    assert any(k == "latrines_working" and v["value"] == "4" and v["category"] == "1 - 4" for _, k, v in values), \
        "overlapping ranges: 4 falls in the first matching one"
    assert any(v["category"] == "No Response" for _, _, v in values)
    assert any(re.search(r"[\u0600-\u06FF]", v["value"]) and v["category"] == "All Responses" for _, _, v in values)
    partial = [r for r in all_runs if 0 < len(r["values"]) < qcount[r["flow"]["uuid"]]]
    assert {r["exit_type"] for r in partial} >= {"expired", None, "interrupted"}
    assert any(r["exit_type"] == "completed" and len(r["values"]) == qcount[r["flow"]["uuid"]] for r in all_runs)
    waiting = [r for r in all_runs if r["exit_type"] is None]
    assert waiting and all(r["exited_on"] is None for r in waiting)
    assert any(not r["responded"] and not r["values"] for r in all_runs)
    for r in random.Random(1).sample(all_runs, 2000):
        times = [p["time"] for p in r["path"]] + [v["time"] for v in r["values"].values()]
        assert r["created_on"] <= min(times) and max(times) <= r["modified_on"]
        assert r["exited_on"] in (None, r["modified_on"])
    single = ds.single_message_flow_uuid
    assert all(not r["values"] for r in all_runs if r["flow"]["uuid"] == single)


def test_contact_special_cases(sim, all_runs):
    ds = sim.dataset
    contacts = list(ds.iter_contacts())
    regions = {p[0]: p for p in ds.region_plan}
    leaves = {p[0] for p in ds.region_plan} - {p[2] for p in ds.region_plan}
    in_regions = [[g["uuid"] for g in c["groups"] if g["uuid"] in regions] for c in contacts]
    assert sum(len(r) == 1 for r in in_regions) > 0.8 * len(contacts)
    assert any(len(r) == 2 for r in in_regions), "a few contacts in two region groups"
    assert any(len(r) == 1 and r[0] not in leaves for r in in_regions), "some in a parent-level region only"
    assert any(not r and c["status"] == "active" for r, c in zip(in_regions, contacts, strict=True)), (
        "a few in no region"
    )
    reporters = set(ds.reporter_group_uuids)
    assert max(sum(g["uuid"] in reporters for g in c["groups"]) for c in contacts) >= 2
    statuses = collections.Counter(c["status"] for c in contacts)
    assert statuses["blocked"] and statuses["stopped"] and statuses["active"] > 0.9 * len(contacts)
    assert all(c["blocked"] == (c["status"] == "blocked") for c in contacts)
    schemes = collections.Counter(u.split(":")[0] for c in contacts for u in c["urns"])
    assert {"tel", "twitter", "whatsapp", "telegram"} <= set(schemes)
    assert all(re.fullmatch(r"tel:\+2507\d{8}", u) for c in contacts for u in c["urns"] if u.startswith("tel:"))
    assert any(not c["urns"] for c in contacts)
    assert {c["language"] for c in contacts} >= {"eng", "fra", "kin", "swa", "ara", None}
    keys = {f["key"] for f in ds.fields()}
    assert all(set(c["fields"]) == keys for c in contacts)
    assert any(c["fields"]["district"] and c["fields"]["district"].count(" > ") == 2 for c in contacts)
    left = ds.left_group_contacts()
    assert left
    by_uuid = {c["uuid"]: c for c in contacts}
    last_run = {}
    for r in all_runs:
        last_run[r["contact"]["uuid"]] = max(last_run.get(r["contact"]["uuid"], ""), r["modified_on"])
    for contact_uuid, group_uuid in left:
        c = by_uuid[contact_uuid]
        assert group_uuid not in [g["uuid"] for g in c["groups"]]
        assert c["modified_on"] > last_run.get(contact_uuid, "")
    deleted = list(ds.iter_contacts(deleted=True))
    assert deleted and all(d["fields"] == {} and d["urns"] == [] for d in deleted)


def test_boundaries_tile_like_a_map(sim):
    boundaries = sim.dataset.boundaries()
    by_osm = {b["osm_id"]: b for b in boundaries}
    children = collections.defaultdict(list)
    for b in boundaries:
        geom = b["geometry"]
        assert geom["type"] == "MultiPolygon" and geom["coordinates"]
        for poly in geom["coordinates"]:
            for ring in poly:
                assert len(ring) >= 4 and ring[0] == ring[-1]
        if b["parent"]:
            assert by_osm[b["parent"]["osm_id"]]["level"] == b["level"] - 1
            children[b["parent"]["osm_id"]].append(b)
    rng = random.Random(5)
    for parent_osm, kids in children.items():
        parent = by_osm[parent_osm]["geometry"]["coordinates"]
        total = sum(multipolygon_area(k["geometry"]["coordinates"]) for k in kids)
        if by_osm[parent_osm]["level"] < 2 or len(kids) > 1:
            pass
        area = multipolygon_area(parent)
        assert total <= area * (1 + 1e-9)
        if all(k["level"] == 1 for k in kids) or total > area * 0.999:  # a parent fully split by children
            assert abs(total - area) < area * 1e-6
        xs = [pt[0] for poly in parent for pt in poly[0]]
        ys = [pt[1] for poly in parent for pt in poly[0]]
        for _ in range(200):
            x, y = rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys))
            inside = [k for k in kids if point_in_multipolygon(k["geometry"]["coordinates"], x, y)]
            assert len(inside) <= 1, "siblings overlap"
            if inside:
                assert point_in_multipolygon(parent, x, y)
    plan = {p[3]: p for p in sim.dataset.region_plan}
    for osm_id, (_group_uuid, name, parent_uuid, _, level) in plan.items():
        b = by_osm[osm_id]
        assert b["name"] == name and b["level"] == level
        if parent_uuid:
            assert plan[b["parent"]["osm_id"]][0] == parent_uuid
