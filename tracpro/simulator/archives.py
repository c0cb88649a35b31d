"""Archives: the runs and messages RapidPro keeps only in archive files, past its retention period.

RapidPro's archiver (rp-archiver, every day at 00:01 UTC) writes each UTC day older than the
retention period (90 days by default) to a gzipped file of JSON lines, one record per run (by
``modified_on``) or message (by ``created_on``), rolls each complete month up into one monthly
file, and deletes the archived rows: runs.json and messages.json no longer return them.
archives.json lists the files, newest first, without the daily ones rolled up into a monthly;
each is fetched from a temporary download URL (S3, signed, valid 24 hours).

Here the archiver last ran on the anchor's UTC day (the dataset's "now"), so the same seed and
anchor serve the same archives on any day.  The files are built from the generated history only
(every write comes after the anchor), each once, when a listing first shows it or its file is
first asked for, into temporary files; the download URL is served by the simulator itself
(archive_http.py).  A listing of recent archives only (a sync's usual ``after=``) builds nothing.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import secrets
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import IO

import numpy as np

from .contacts import languages_of
from .flows import batch_answer_slots
from .schedule import TIMEOUT
from .streams import NEG, Batch, Walker
from .timefmt import from_us, to_us

RETENTION_DAYS = 90  # rp-archiver's default RetentionPeriod
TYPES = ("run", "message")
PERIODS = {"D": "daily", "M": "monthly"}
_PAGE = 5000  # records rendered at a time while building


@dataclass(frozen=True)
class Period:
    """What one archive holds: records of one type whose time falls in [start, end)."""

    type: str  # "run" | "message"
    period: str  # "D" | "M"
    start: dt.date

    @property
    def end(self) -> dt.date:
        if self.period == "D":
            return self.start + dt.timedelta(days=1)
        return (self.start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)

    @property
    def key(self) -> str:
        """The file's name as rp-archiver uploads it, less the hash: run_D20260908, run_M202608."""
        return f"{self.type}_{self.period}{self.start:%Y%m%d}" if self.period == "D" else \
            f"{self.type}_{self.period}{self.start:%Y%m}"


@dataclass
class Archive:
    period: Period
    record_count: int
    size: int  # bytes of the gzipped file; 0 when empty
    hash: str | None  # MD5 of the gzipped file; None when empty (nothing uploaded)
    file: IO[bytes] | None

    def read(self, offset: int, length: int) -> bytes:
        assert self.file is not None
        return os.pread(self.file.fileno(), length, offset)

    def lines(self) -> Iterator[str]:
        """The records' lines (for ground truth: the whole file is read into memory)."""
        if self.file is not None:
            yield from gzip.decompress(self.read(0, self.size)).decode().splitlines()


class Archives:
    """The archives of one dataset.  ``horizon``: runs and messages before it are archived (µs)."""

    def __init__(self, ds, retention_days: int | None = RETENTION_DAYS) -> None:
        self.ds, self.retention_days = ds, retention_days
        self.periods: list[Period] = []
        self.horizon = NEG
        if retention_days:
            # The archiver's last daily archive is the day `retention_days` before its run.
            last = from_us(ds.anchor).date() - dt.timedelta(days=retention_days)
            self.horizon = to_us(dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), dt.UTC))
            self.periods = [p for kind in TYPES for p in _periods(kind, _org_created(ds), last)]
        self._built: dict[Period, Archive] = {}
        self._lock = threading.Lock()
        self.secret = secrets.token_bytes(32)  # signs the download URLs this simulator hands out

    def archive(self, period: Period) -> Archive:
        """One period's archive (built on the first call)."""
        with self._lock:
            if period not in self._built:
                self._built[period] = self._build(period)
            return self._built[period]

    def built(self) -> list[Archive]:
        """Every archive, oldest first."""
        return [self.archive(p) for p in self.periods]

    def find(self, name: str) -> Archive | None:
        """The archive stored under a file name (``run_D20260908_<hash>.jsonl.gz``)."""
        key, _, rest = name.partition("_")
        key = f"{key}_{rest.split('_', 1)[0]}"
        period = next((p for p in self.periods if p.key == key), None)
        if period is None:
            return None
        archive = self.archive(period)
        return archive if archive.hash and f"{period.key}_{archive.hash}.jsonl.gz" == name else None

    def records(self, kind: str) -> Iterator[dict]:
        """Every archived record of one type, as the files hold them (ground truth)."""
        for archive in self.built():
            if archive.period.type == kind:
                yield from (json.loads(line) for line in archive.lines())

    # -- building ------------------------------------------------------------------------------------

    def _build(self, period: Period) -> Archive:
        lo, hi = (to_us(dt.datetime.combine(d, dt.time(), dt.UTC)) for d in (period.start, period.end))
        lines = self._run_lines(lo, hi) if period.type == "run" else self._message_lines(lo, hi)
        first = next(lines, None)
        if first is None:
            return Archive(period, 0, 0, None, None)
        # Kept open for as long as the dataset lives: the file vanishes when it is closed.
        file = tempfile.TemporaryFile(prefix=f"{period.key}_")  # noqa: SIM115
        digest = hashlib.md5(usedforsecurity=False)
        sink = _Hashing(file, digest)
        count = 0
        # mtime=0: the same records always give the same bytes, so the same hash; level 6 is Go's default.
        with gzip.GzipFile(fileobj=sink, mode="wb", compresslevel=6, mtime=0) as gz:
            for chunk in _chunks(_chain(first, lines)):
                gz.write("".join(line + "\n" for line in chunk).encode())
                count += len(chunk)
        file.flush()
        return Archive(period, count, sink.size, digest.hexdigest(), file)

    def _walk(self, walker: Walker, lo: int, hi: int) -> Iterator[Batch]:
        """Records with lo <= t < hi in (time, id) order, as the archiver's query orders them."""
        cursor = None
        while True:
            batch = walker.fetch(lo, hi - 1, cursor, False, _PAGE)
            if len(batch):
                yield batch
            if len(batch) < _PAGE:
                return
            cursor = (int(batch.t[-1]), int(batch.ids[-1]))

    def _run_lines(self, lo: int, hi: int) -> Iterator[str]:
        ds = self.ds
        sc = ds.schedule
        walker = Walker(sc.streams, sc.select(None))
        for batch in self._walk(walker, lo, hi):
            inputs = _run_inputs(ds, batch)
            for text, raw in zip(ds.rr.render(batch), inputs, strict=True):
                yield run_record(json.loads(text), raw)

    def _message_lines(self, lo: int, hi: int) -> Iterator[str]:
        msgs = self.ds.msgs
        walker = Walker(msgs.streams, np.arange(len(msgs.streams), dtype=np.int64))
        for batch in self._walk(walker, lo, hi):
            yield from (message_record(json.loads(text)) for text in msgs.render(batch))


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _chunks(lines: Iterator[str], size: int = 1000) -> Iterator[list[str]]:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _org_created(ds) -> dt.date:
    """The workspace's first day: its oldest flow's (the archiver starts from the org's creation)."""
    return from_us(min(f.created_us for f in ds.flows)).date()


def _periods(kind: str, first: dt.date, last: dt.date) -> list[Period]:
    """Monthly archives for the months before `last`'s, daily ones from its 1st to `last`."""
    out = []
    month, last_month = first.replace(day=1), last.replace(day=1)
    while month < last_month:
        out.append(Period(kind, "M", month))
        month = Period(kind, "M", month).end
    day = max(first, last_month)
    while day <= last:
        out.append(Period(kind, "D", day))
        day += dt.timedelta(days=1)
    return out


def _run_inputs(ds, batch: Batch) -> list[dict[str, str | None]]:
    """The text each answer was given as (the result's ``input``), per run of the batch."""
    tl = ds.rr.timeline(batch)
    langs = np.maximum(languages_of(ds.ct, tl["contact"]), 0).tolist()
    keys = [[q.key for q in f.questions] for f in ds.flows]
    slots = batch_answer_slots(ds.seed, ds.flows, tl["flow"], tl["contact"], tl["x"], max(map(len, keys), default=0))
    out: list[dict[str, str | None]] = []
    columns = zip(tl["mode"].tolist(), tl["flow"].tolist(), tl["answered"].tolist(), strict=True)
    for k, (mode, fi, answered) in enumerate(columns):
        f = ds.flows[fi]
        if mode == TIMEOUT:  # no message came: the engine saves the result without input
            out.append({keys[fi][0]: None})
            continue
        out.append({keys[fi][i]: f.slot_options[i][langs[k]][slots[i][k]][0] for i in range(answered)})
    return out


# -- the archiver's record shapes ------------------------------------------------------------------------


def pg_time(api_time: str | None) -> str | None:
    """An API timestamp (``...:59.890660Z``) as PostgreSQL's JSON writes a timestamptz in a UTC
    session: ``...:59.89066+00:00`` (trailing zeros of the fraction dropped)."""
    if api_time is None:
        return None
    if api_time[-2] != "0":  # most times: nothing to drop
        return api_time[:-1] + "+00:00"
    whole, _, fraction = api_time[:-1].partition(".")
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}+00:00" if fraction else f"{whole}+00:00"


# row_to_json writes text as is (not escaped to ASCII); encoders built once (json.dumps with
# options builds one per call, which was most of the time spent building archives).
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _text(value) -> str:
    return encode_basestring(value) if value.__class__ is str else _compact(value)


def _jsonb_key(key: str) -> tuple[int, bytes]:
    """jsonb orders an object's keys by length, then bytes."""
    raw = key.encode()
    return len(raw), raw


def jsonb_text(value) -> str:
    """A value as PostgreSQL prints jsonb: keys in jsonb's order, ", " and ": " between."""
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda item: _jsonb_key(item[0]))
        return "{" + ", ".join(f"{_text(k)}: {jsonb_text(v)}" for k, v in items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(jsonb_text(v) for v in value) + "]"
    return _text(value)


def run_record(d: dict, inputs: dict[str, str | None]) -> str:
    """One run as rp-archiver writes it: no ``start``, the contact without URN, ``input`` in values.

    ``path`` and ``values`` are jsonb (spaced, keys in jsonb's order: name, node, time, input,
    value, category); the rest is row_to_json's compact text.
    """
    path = ", ".join(f'{{"node": "{step["node"]}", "time": "{pg_time(step["time"])}"}}' for step in d["path"] or [])
    values = ", ".join(
        f'{_text(key)}: {{"name": {_text(v["name"])}, "node": {_text(v["node"])}, "time": "{pg_time(v["time"])}", '
        f'"input": {_text(inputs.get(key))}, "value": {_text(v["value"])}, "category": {_text(v["category"])}}}'
        for key, v in sorted(d["values"].items(), key=lambda item: _jsonb_key(item[0])))
    contact = {"uuid": d["contact"]["uuid"], "name": d["contact"]["name"]}
    return "".join([
        '{"id":', str(d["id"]), ',"uuid":"', d["uuid"], '","flow":', _compact(d["flow"]),
        ',"contact":', _compact(contact), ',"responded":', _compact(d["responded"]),
        ',"path":[', path, '],"values":{', values, "}",
        ',"created_on":', _compact(pg_time(d["created_on"])), ',"modified_on":', _compact(pg_time(d["modified_on"])),
        ',"exited_on":', _compact(pg_time(d["exited_on"])), ',"exit_type":', _compact(d["exit_type"]), "}"])


def message_record(d: dict) -> str:
    """One message as rp-archiver writes it (its columns in the archiver's order)."""
    fields = [
        ("uuid", d["uuid"]), ("id", d["id"]), ("broadcast", d["broadcast"]),
        ("contact", {"uuid": d["contact"]["uuid"], "name": d["contact"]["name"]}), ("urn", d["urn"]),
        ("channel", d["channel"]), ("flow", d["flow"]), ("ticket_uuid", None), ("direction", d["direction"]),
        ("type", d["type"]), ("status", d["status"]), ("visibility", d["visibility"]), ("text", d["text"]),
    ]
    jsonb = [("attachments", []), ("labels", d["labels"])]
    stamps = [("created_on", pg_time(d["created_on"])), ("sent_on", pg_time(d["sent_on"])),
              ("modified_on", pg_time(d["modified_on"]))]
    parts = [f'"{k}":{_compact(v)}' for k, v in fields] + [f'"{k}":{jsonb_text(v)}' for k, v in jsonb] \
        + [f'"{k}":{_compact(v)}' for k, v in stamps]
    return "{" + ",".join(parts) + "}"


class _Hashing:
    """A write-only file that hashes and counts what goes through it."""

    def __init__(self, file: IO[bytes], digest) -> None:
        self.file, self.digest, self.size = file, digest, 0

    def write(self, data) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.file.write(data)

    def flush(self) -> None:
        self.file.flush()

