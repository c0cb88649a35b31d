"""Runs and messages past RapidPro's retention: gone from the lists, in archives.json's files, in
the shape RapidPro's archiver writes them, behind download links that expire."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import re

import pytest
import requests
from temba_client.v2 import TembaClient

from tracpro.rapidpro import LinkRefused, RapidPro
from tracpro.simulator import Simulator

from .conftest import ANCHOR, TOKEN, raw_walk

# The archiver ran on the anchor's day: it archived every UTC day up to 90 days before it.
LAST_ARCHIVED = dt.date(2025, 12, 2)
HORIZON = "2025-12-03T00:00:00.000000Z"
PG_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?\+00:00$")


@pytest.fixture(scope="module")
def listed(http, sim) -> list[dict]:
    return raw_walk(http, sim.url + "/api/v2/archives.json")


def _download(item: dict) -> bytes:
    response = requests.get(item["download_url"])
    assert response.status_code == 200, response.text
    return response.content


def test_runs_and_messages_past_the_retention_left_the_lists(sim, all_runs):
    assert min(run["modified_on"] for run in all_runs) >= HORIZON
    assert min(message["created_on"] for message in sim.dataset.iter_messages()) >= HORIZON
    archived = list(sim.dataset.iter_archived_runs())
    assert max(record["modified_on"] for record in archived) < "2025-12-03"
    # Together they are the whole history, each run once.
    assert len(archived) + len(all_runs) == sim.dataset.counts()["runs"]
    assert not {run["uuid"] for run in all_runs} & {record["uuid"] for record in archived}
    assert len(archived) > 8_000  # weeks of history: every flow's runs of two weekly waves


def test_archives_are_listed_as_rapidpro_lists_them(listed):
    assert [a["start_date"] for a in listed] == sorted((a["start_date"] for a in listed), reverse=True)
    runs = [a for a in listed if a["type"] == "run"]
    # Monthly archives up to the month before the last archived day's, daily ones in that month.
    assert [(a["start_date"], a["period"]) for a in runs] == [
        ("2025-12-02", "daily"), ("2025-12-01", "daily"), ("2025-11-01", "monthly"), ("2025-10-01", "monthly"),
        ("2025-09-01", "monthly"), ("2025-08-01", "monthly")]
    for archive in listed:
        assert set(archive) == {"type", "start_date", "period", "record_count", "size", "hash", "download_url",
                                "archive_type"}
        assert archive["archive_type"] == archive["type"]
        if archive["record_count"]:
            assert archive["size"] > 0 and re.fullmatch(r"[0-9a-f]{32}", archive["hash"])
            assert archive["download_url"].startswith("http://127.0.0.1:")
        else:  # nothing was uploaded
            assert (archive["size"], archive["hash"], archive["download_url"]) == (0, None, None)
    assert {a["type"] for a in listed if a["record_count"]} == {"run", "message"}


def test_archives_filter_and_page_like_rapidpro(http, sim, listed):
    url = sim.url + "/api/v2/archives.json"
    body = http.get(url, params={"type": "run", "period": "monthly", "after": "2025-10-01"}).json()
    assert [a["start_date"] for a in body["results"]] == ["2025-11-01", "2025-10-01"]
    assert body["count"] == 2 and body["next"] is None and body["previous"] is None
    # A datetime counts by its UTC date, both ends inclusive.
    body = http.get(url, params={"type": "run", "after": "2025-12-01T23:00:00+00:00", "before": "2025-12-01"}).json()
    assert [(a["start_date"], a["period"]) for a in body["results"]] == [("2025-12-01", "daily")]
    assert http.get(url, params={"after": "not a date"}).json()["results"] == []
    first = http.get(url, params={"limit": 5}).json()
    assert first["count"] == len(listed) and len(first["results"]) == 5
    assert "limit=5" in first["next"] and "offset=5" in first["next"]
    assert raw_walk(http, first["next"]) == listed[5:]


def test_temba_client_reads_the_archives(sim):
    archives = TembaClient(sim.url, TOKEN).get_archives(type="run").all()
    assert archives[0].start_date == dt.datetime(2025, 12, 2, tzinfo=dt.UTC) and archives[0].period == "daily"
    assert all(archive.type == "run" for archive in archives)


def test_an_archive_is_gzipped_json_lines_in_the_archivers_shape(sim, listed):
    monthly = next(a for a in listed if a["type"] == "run" and a["period"] == "monthly" and a["record_count"])
    content = _download(monthly)
    assert len(content) == monthly["size"] and hashlib.md5(content).hexdigest() == monthly["hash"]
    lines = gzip.decompress(content).decode().splitlines()
    assert len(lines) == monthly["record_count"]
    records = [json.loads(line) for line in lines]
    assert [(r["modified_on"], r["id"]) for r in records] == sorted((r["modified_on"], r["id"]) for r in records)
    month = monthly["start_date"][:7]
    assert all(r["modified_on"].startswith(month) for r in records)
    record = next(r for r in records if len(r["values"]) >= 2)
    assert list(record) == ["id", "uuid", "flow", "contact", "responded", "path", "values", "created_on",
                            "modified_on", "exited_on", "exit_type"]  # no "start"
    assert set(record["contact"]) == {"uuid", "name"}  # no URN
    for value in record["values"].values():
        assert list(value) == ["name", "node", "time", "input", "value", "category"]
        assert value["input"] and PG_TIME.match(value["time"])
    assert all(PG_TIME.match(r["created_on"]) and PG_TIME.match(r["modified_on"]) for r in records)
    # Written as PostgreSQL writes a row holding jsonb: the row compact, path and values spaced.
    line = lines[records.index(record)]
    assert line.startswith('{"id":') and ',"path":[{"node": "' in line and '"}, {"node": "' in line


def test_a_timed_out_answer_is_archived_without_input(sim):
    timed_out = next(r for r in sim.dataset.iter_archived_runs()
                     if any(v["category"] == "No Response" for v in r["values"].values()))
    (value,) = timed_out["values"].values()
    assert value["input"] is None and timed_out["exit_type"] == "completed"


def test_message_archives_hold_the_messages_past_the_retention(listed):
    daily = next(a for a in listed if a["type"] == "message" and a["record_count"])
    records = [json.loads(line) for line in gzip.decompress(_download(daily)).decode().splitlines()]
    assert all(r["created_on"].startswith(daily["start_date"]) for r in records)
    assert list(records[0]) == ["uuid", "id", "broadcast", "contact", "urn", "channel", "flow", "ticket_uuid",
                                "direction", "type", "status", "visibility", "text", "attachments", "labels",
                                "created_on", "sent_on", "modified_on"]


def test_a_download_link_is_the_only_credential_and_it_expires():
    moment = [ANCHOR + dt.timedelta(hours=9)]
    with Simulator(tier="demo", seed=7, token=TOKEN, anchor=ANCHOR, clock=lambda: moment[0]) as sim:
        item = next(a for a in RapidPro(sim.url, TOKEN).archives("run") if a.record_count)
        assert requests.get(item.download_url, headers={"Authorization": f"Token {TOKEN}"}).status_code == 400
        assert requests.get(item.download_url.replace("X-Amz-Expires=86400", "X-Amz-Expires=999999")).status_code \
            == 403
        moment[0] += dt.timedelta(hours=23)
        assert RapidPro(sim.url, TOKEN).download(item.download_url, io.BytesIO()) == item.hash
        moment[0] += dt.timedelta(hours=2)
        expired = requests.get(item.download_url)
        assert expired.status_code == 403 and b"Request has expired" in expired.content
        with pytest.raises(LinkRefused):
            RapidPro(sim.url, TOKEN).download(item.download_url, io.BytesIO())


def test_without_an_archiver_everything_stays_in_the_lists():
    with Simulator(tier="demo", seed=7, token=TOKEN, anchor=ANCHOR, retention_days=None) as sim:
        assert RapidPro(sim.url, TOKEN).archives("run") == []
        assert sum(1 for _ in sim.dataset.iter_runs()) == sim.dataset.counts()["runs"]
