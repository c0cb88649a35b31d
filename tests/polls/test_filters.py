"""Date-range and poll filters (see docs/behaviour.md, Filters), and their trip through the URL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tracpro.polls.filters import DateRange, FilterError, NumericDisplay, Period, PollFilters, period_of

TODAY = date(2016, 2, 15)


@pytest.mark.parametrize(
    "date_range, start, end",
    [
        (DateRange.MONTH, date(2016, 2, 1), date(2016, 2, 29)),
        (DateRange.DAYS_30, date(2016, 1, 16), TODAY),
        (DateRange.DAYS_60, date(2015, 12, 17), TODAY),
        (DateRange.DAYS_90, date(2015, 11, 17), TODAY),
        (DateRange.MONTHS_6, date(2015, 8, 15), TODAY),
        (DateRange.MONTHS_12, date(2015, 2, 15), TODAY),
    ],
)
def test_date_range_presets(date_range, start, end):
    assert period_of(date_range, TODAY) == Period(start, end)


def test_the_end_date_is_included_queries_stop_the_next_midnight():
    kabul = ZoneInfo("Asia/Kabul")
    assert period_of(DateRange.MONTH, TODAY).bounds(kabul) == (
        datetime(2016, 2, 1, tzinfo=kabul),
        datetime(2016, 3, 1, tzinfo=kabul),
    )
    custom = period_of(DateRange.CUSTOM, TODAY, date(2014, 1, 15), date(2014, 10, 22))
    assert custom.bounds(kabul)[1] == datetime(2014, 10, 23, tzinfo=kabul)
    assert period_of(DateRange.CUSTOM, TODAY, date(2014, 1, 15), None) == Period(date(2014, 1, 15), None)
    assert Period(None, date(2014, 1, 15)).bounds(kabul)[0] is None


@pytest.mark.parametrize(
    "query, message",
    [
        ({"date_range": "custom"}, "Please choose a start date or an end date."),
        ({"date_range": "custom", "start": "2015-05-01", "end": "2015-01-01"}, "End date must be after start date."),
        ({"date_range": "custom", "start": "x", "end": "y"}, "Please enter a valid date."),
        ({"date_range": "invalid"}, "Select a valid choice. invalid is not one of the available choices."),
        ({"numeric": "median"}, "Select a valid choice. median is not one of the available choices."),
    ],
)
def test_bad_filters_say_why(query, message):
    with pytest.raises(FilterError) as raised:
        PollFilters.from_query(query)
    assert str(raised.value) == message


def test_a_preset_ignores_dates_given_with_it():
    filters = PollFilters.from_query({"date_range": "month", "start": "nonsense", "end": "2015-01-01"})
    assert (filters.start, filters.end) == (None, None)


def test_filter_defaults():
    """A poll opens on its last 90 days (not the original's current month, empty early in a month)."""
    filters = PollFilters.from_query({})
    assert filters == PollFilters(DateRange.DAYS_90, None, None, NumericDisplay.SUM, False, ())
    assert filters.period(TODAY) == Period(TODAY - timedelta(days=90), TODAY)
    assert PollFilters().to_query() == {}
    assert PollFilters(DateRange.MONTH).to_query() == {"date_range": "month"}


def test_filters_make_a_round_trip_through_the_url():
    filters = PollFilters(DateRange.CUSTOM, date(2026, 9, 1), date(2026, 9, 30), NumericDisplay.AVERAGE, True
                          ).with_contact_fields({"gender": " F ", "district": "", "age": "3"})
    assert filters.contact_fields == (("age", "3"), ("gender", "F"))
    query = filters.to_query()
    assert query == {"date_range": "custom", "start": "2026-09-01", "end": "2026-09-30", "numeric": "average",
                     "split_regions": "1", "contact_age": "3", "contact_gender": "F"}
    assert PollFilters.from_query(query) == filters
    assert PollFilters().to_query() == {}
    assert hash(filters) == hash(PollFilters.from_query(query))
