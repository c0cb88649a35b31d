"""Timestamps are int microseconds since the epoch (UTC) everywhere inside the simulator.

The API writes them as ``YYYY-MM-DDThh:mm:ss.ffffffZ`` (always 6 digits, as RapidPro's
``path``/``values`` times do; DRF's own fields would drop a zero fraction, which no client
relies on).  Formatting is vectorised because a page of runs holds ~2,000 timestamps.
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np

US = 1_000_000
MINUTE = 60 * US
HOUR = 60 * MINUTE
DAY = 24 * HOUR
UTC = dt.UTC
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)


def iso(us: int) -> str:
    """One timestamp as API text."""
    return (_EPOCH + dt.timedelta(microseconds=int(us))).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)
_PAIRS = np.frombuffer("".join("%02d" % i for i in range(100)).encode(), dtype=np.uint8).reshape(100, 2)
_TEMPLATE = np.frombuffer(b"0000-00-00T00:00:00.000000Z\n", dtype=np.uint8)


def iso_many(us: np.ndarray) -> list[str]:
    """Many timestamps as API text, built as bytes with numpy (a page of runs needs ~1,500)."""
    us = np.asarray(us, dtype=np.int64)
    if len(us) == 0:
        return []
    days, rem = np.divmod(us, DAY)
    uniq, inv = np.unique(days, return_inverse=True)
    dates = np.frombuffer("".join(np.datetime_as_string(uniq.astype("datetime64[D]")).tolist()).encode(),
                          dtype=np.uint8).reshape(len(uniq), 10)
    out = np.empty((len(us), 28), dtype=np.uint8)
    out[:] = _TEMPLATE
    out[:, :10] = dates[inv]
    secs, frac = np.divmod(rem, US)
    hh, rest = np.divmod(secs, 3600)
    mm, ss = np.divmod(rest, 60)
    f1, f23 = np.divmod(frac, 10000)
    f2, f3 = np.divmod(f23, 100)
    for col, value in ((11, hh), (14, mm), (17, ss), (20, f1), (22, f2), (24, f3)):
        out[:, col:col + 2] = _PAIRS[value]
    return out.tobytes().decode("ascii").split("\n")[:-1]


def iso_local(us: int, offset_hours: int) -> str:
    """A datetime contact-field value: ISO in the workspace's fixed-offset timezone."""
    tz = dt.timezone(dt.timedelta(hours=offset_hours))
    return (_EPOCH + dt.timedelta(microseconds=int(us))).astimezone(tz).isoformat(timespec="seconds")


def to_us(value: dt.datetime) -> int:
    """A datetime (naive means UTC) as int microseconds."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    delta = value - _EPOCH
    return (delta.days * 86400 + delta.seconds) * US + delta.microseconds


def from_us(us: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=int(us))


def parse_param(text: str) -> int | None:
    """Parse an ``after``/``before`` query value; None when unparseable (the API then
    answers an empty list, not a 400)."""
    value = text.strip()
    if not value:
        return None
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
        except ValueError:
            return None
    return to_us(parsed)


def wall_clock_us() -> int:
    """The simulator's clock unless it is given one: it plays RapidPro's server, whose time is its own."""
    return time.time_ns() // 1000


def default_anchor(now_us: int) -> int:
    """00:00 UTC of the day `now_us` falls on: the same day and seed give the same data."""
    return now_us - now_us % DAY
