"""The date-sensitive logic holds on any day: placed on days where calendars and clocks are
awkward, in timezones where the org's date is not UTC's, each case checks the org's day, the
length of that day, the windows of the date filters and of Activity, and the scope-leak check of
every read model windowed by dates, with the leak test's world dated from that very moment."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.queries.test_scope_leaks import leaks
from tests.queries.world import build_world
from tracpro.auth.scope import Scope
from tracpro.polls.filters import DateRange, Period, period_of
from tracpro.queries.poll_base import org_today
from tracpro.queries.poll_charts import poll_over_time
from tracpro.queries.recent import last_days
from tracpro.queries.registry import REGISTRY


@dataclass(frozen=True)
class Day:
    moment: datetime  # in UTC; always on another UTC date than the org's
    timezone: str
    today: date  # the org's date at that moment
    hours: int  # how long that date lasts in the org's timezone
    windows: dict[DateRange, tuple[date, date]]  # what the presets stand for on it
    last_30_days: tuple[date, date]  # Activity's and Home's window


DAYS = [
    pytest.param(Day(
        datetime(2026, 11, 30, 22, 30, tzinfo=UTC), "Africa/Kigali", date(2026, 12, 1), 24,
        {DateRange.MONTH: (date(2026, 12, 1), date(2026, 12, 31)),
         DateRange.DAYS_30: (date(2026, 11, 1), date(2026, 12, 1)),
         DateRange.MONTHS_6: (date(2026, 6, 1), date(2026, 12, 1)),
         DateRange.MONTHS_12: (date(2025, 12, 1), date(2026, 12, 1))},
        (date(2026, 11, 2), date(2026, 12, 1)),
    ), id="the-1st-of-a-month-at-00:30-in-Kigali"),
    pytest.param(Day(
        datetime(2027, 1, 1, 4, 30, tzinfo=UTC), "America/New_York", date(2026, 12, 31), 24,
        {DateRange.MONTH: (date(2026, 12, 1), date(2026, 12, 31)),
         DateRange.DAYS_30: (date(2026, 12, 1), date(2026, 12, 31)),
         DateRange.MONTHS_6: (date(2026, 6, 30), date(2026, 12, 31)),
         DateRange.MONTHS_12: (date(2025, 12, 31), date(2026, 12, 31))},
        (date(2026, 12, 2), date(2026, 12, 31)),
    ), id="31-December-at-23:30-in-New-York"),
    pytest.param(Day(
        datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "Europe/Paris", date(2026, 3, 29), 23,
        {DateRange.MONTH: (date(2026, 3, 1), date(2026, 3, 31)),
         DateRange.DAYS_30: (date(2026, 2, 27), date(2026, 3, 29)),
         DateRange.MONTHS_6: (date(2025, 9, 29), date(2026, 3, 29)),
         DateRange.MONTHS_12: (date(2025, 3, 29), date(2026, 3, 29))},
        (date(2026, 2, 28), date(2026, 3, 29)),
    ), id="Paris-springs-forward-on-29-March-2026"),
    pytest.param(Day(
        datetime(2026, 11, 2, 4, 30, tzinfo=UTC), "America/New_York", date(2026, 11, 1), 25,
        {DateRange.MONTH: (date(2026, 11, 1), date(2026, 11, 30)),
         DateRange.DAYS_30: (date(2026, 10, 2), date(2026, 11, 1)),
         DateRange.MONTHS_6: (date(2026, 5, 1), date(2026, 11, 1)),
         DateRange.MONTHS_12: (date(2025, 11, 1), date(2026, 11, 1))},
        (date(2026, 10, 3), date(2026, 11, 1)),
    ), id="New-York-falls-back-on-1-November-2026"),
    pytest.param(Day(
        datetime(2028, 2, 28, 19, 45, tzinfo=UTC), "Asia/Kabul", date(2028, 2, 29), 24,
        {DateRange.MONTH: (date(2028, 2, 1), date(2028, 2, 29)),
         DateRange.DAYS_30: (date(2028, 1, 30), date(2028, 2, 29)),
         DateRange.MONTHS_6: (date(2027, 8, 29), date(2028, 2, 29)),
         DateRange.MONTHS_12: (date(2027, 2, 28), date(2028, 2, 29))},
        (date(2028, 1, 31), date(2028, 2, 29)),
    ), id="29-February-2028-at-00:15-in-Kabul"),
]

# The read models whose answer depends on the day they are asked on.
WINDOWED = sorted(name for name, model in REGISTRY.items()
                  if "today" in inspect.signature(model.function).parameters)


def test_the_windowed_read_models_include_the_poll_charts_and_the_comparison():
    assert {"tracpro.queries.poll_charts.poll_over_time", "tracpro.queries.comparison.region_comparison"} <= set(
        WINDOWED)


@pytest.mark.parametrize("day", DAYS)
def test_on_an_awkward_day(db, day: Day):
    world = build_world(db, now=day.moment, timezone=day.timezone)
    admin = Scope(world.org_id, None)

    # The org's date, and where it starts and ends: local midnights, 23 or 25 hours apart on a change.
    assert day.moment.date() != day.today
    assert org_today(db, admin, day.moment) == world.today == day.today
    start, end = Period(day.today, day.today).bounds(ZoneInfo(day.timezone))
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=day.hours)
    second = timedelta(seconds=1)
    assert [org_today(db, admin, moment) for moment in (start - second, start, end - second, end)] == [
        day.today - timedelta(days=1), day.today, day.today, day.today + timedelta(days=1)]

    # What the date filters and Activity's last 30 days stand for on that date.
    assert {preset: period_of(preset, day.today) for preset in day.windows} == {
        preset: Period(*window) for preset, window in day.windows.items()}
    assert last_days(day.today, 30) == day.last_30_days

    # The world's data lands in the default window ("Current month") on the org's date ...
    charts = poll_over_time(db, admin, world.poll_id, today=day.today)
    assert [pollrun.day for pollrun in charts.pollruns] == [day.today]
    # ... so the scope-leak check proves something there, for every read model windowed by dates.
    assert {name: leaks(db, REGISTRY[name], world) for name in WINDOWED} == {name: [] for name in WINDOWED}
