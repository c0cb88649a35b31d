"""Every endpoint walks all its pages through the real temba_client, and agrees with the dataset."""

from __future__ import annotations

import pytest

from .conftest import raw_walk

PAGE = 250


def _walk(query) -> tuple[list, list[int]]:
    items, sizes = [], []
    for page in query.iterfetches():
        items += page
        sizes.append(len(page))
    return items, sizes


@pytest.mark.parametrize("getter, truth", [
    ("get_contacts", lambda ds: list(ds.iter_contacts())),
    ("get_messages", lambda ds: list(ds.iter_messages())),
    ("get_flows", lambda ds: ds.flows_list()),
    ("get_groups", lambda ds: ds.groups()),
    ("get_fields", lambda ds: ds.fields()),
    ("get_boundaries", lambda ds: ds.boundaries()),
    ("get_broadcasts", lambda ds: ds.broadcasts()),
    ("get_flow_starts", lambda ds: ds.flow_starts()),
])
def test_every_endpoint_walks_all_pages(sim, client, getter, truth):
    items, sizes = _walk(getattr(client, getter)())
    expected = truth(sim.dataset)
    assert len(items) == len(expected) > 0
    assert all(s == PAGE for s in sizes[:-1]) and 0 < sizes[-1] <= PAGE
    key = "osm_id" if getter == "get_boundaries" else "key" if getter == "get_fields" else "uuid"
    assert [getattr(i, key) for i in items] == [e[key] for e in expected]


def test_runs_walk_all_pages_of_a_flow(sim, client, all_runs):
    flow = sim.dataset.poll_flow_uuids[0]
    items, sizes = _walk(client.get_runs(flow=flow))
    expected = [r for r in all_runs if r["flow"]["uuid"] == flow]
    assert [r.uuid for r in items] == [r["uuid"] for r in expected]
    assert len(sizes) > 10 and all(s == PAGE for s in sizes[:-1])


def test_all_runs_raw_walk_matches_dataset(sim, http, all_runs):
    raw = raw_walk(http, sim.url + "/api/v2/runs.json")
    assert raw == all_runs
    ids = [r["id"] for r in raw]
    assert len(set(ids)) == len(ids)
    keys = [(r["modified_on"], r["id"]) for r in raw]
    assert keys == sorted(keys, reverse=True)


def test_org(client, sim):
    org = client.get_org()
    assert org.uuid == sim.dataset.org.uuid and org.timezone == "Africa/Kigali"
    assert set(org.languages) >= {"eng", "fra", "kin", "swa", "ara"}


def test_cursor_resume_with_a_fresh_query(sim, client):
    it = client.get_contacts().iterfetches()
    first = next(it)
    cursor = it.get_cursor()
    assert cursor
    rest, _ = _walk_resume(client, cursor)
    whole, _ = _walk(client.get_contacts())
    assert [c.uuid for c in first + rest] == [c.uuid for c in whole]


def _walk_resume(client, cursor):
    items, sizes = [], []
    for page in client.get_contacts().iterfetches(resume_cursor=cursor):
        items += page
        sizes.append(len(page))
    return items, sizes


def test_next_links_are_absolute_from_host_and_keep_params(sim, http):
    url = sim.url.replace("127.0.0.1", "localhost") + "/api/v2/runs.json"
    body = http.get(url, params={"reverse": "1", "after": "2025-01-01T00:00:00.000000Z"}).json()
    nxt = body["next"]
    assert nxt.startswith("http://localhost:")
    query = nxt.split("?", 1)[1]
    names = [kv.split("=")[0] for kv in query.split("&")]
    assert names == sorted(names) and {"after", "reverse", "cursor"} <= set(names)
    assert body["previous"] is None


def test_unknown_endpoint_and_bad_cursor(sim, http, client):
    from temba_client.exceptions import TembaNoSuchObjectError

    r = http.get(sim.url + "/api/v2/nothing.json")
    assert r.status_code == 404 and r.json() == {"detail": "Not found."}
    r = http.get(sim.url + "/api/v2/runs.json", params={"cursor": "garbage!!"})
    assert r.status_code == 404 and r.json() == {"detail": "Invalid cursor"}
    with pytest.raises(TembaNoSuchObjectError):  # base64 of "o=x": an offset that is no number
        next(client.get_runs().iterfetches(resume_cursor="bz14"))
    with pytest.raises(TembaNoSuchObjectError):
        next(client.get_contacts().iterfetches(resume_cursor="not-a-cursor"))
    # Like DRF, a cursor that decodes but names neither offset nor position ("nope") is the first page.
    first = [r.uuid for r in next(client.get_runs().iterfetches())]
    assert [r.uuid for r in next(client.get_runs().iterfetches(resume_cursor="bm9wZQ=="))] == first


def test_workspace_header_and_content_type(sim, http):
    r = http.get(sim.url + "/api/v2/fields.json")
    assert r.headers["X-Temba-Workspace"] == sim.dataset.org.uuid
    assert r.headers["Content-Type"] == "application/json"
    assert http.get(sim.url + "/api/v2/workspace.json").json()["uuid"] == sim.dataset.org.uuid
