"""The UI helpers that need no page: permalinks, chart clicks, filters from an address, tables, files."""

from __future__ import annotations

import codecs
import io
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from openpyxl import load_workbook

from tracpro.polls.filters import DateRange, NumericDisplay, PollFilters
from tracpro.ui.exports import csv_bytes, file_stem, xlsx_bytes
from tracpro.ui.filters import describe, lenient
from tracpro.ui.links import filter_params, page_url, pollrun_of_point
from tracpro.ui.plots import figure_of
from tracpro.ui.tables import by_dimension, day, responses_label


def test_permalinks_are_relative_and_leave_out_empty_parameters():
    url = page_url("pages/pollrun.py", pollrun=7, tab="participation", chart=None)
    assert url == "pollrun?pollrun=7&tab=participation"
    assert page_url("poll", poll=3, search="R&D #1") == "poll?poll=3&search=R%26D+%231"
    assert page_url("pages/polls.py") == "polls"


def test_a_clicked_point_gives_its_pollrun_whatever_the_chart():
    assert pollrun_of_point({"customdata": [12]}) == 12  # numeric: [pollrun_id]
    assert pollrun_of_point({"customdata": [3, 12]}) == 12  # categorical: [count, pollrun_id]
    # What Chromium really sends for a categorical point (a typed array, as an object):
    assert pollrun_of_point({"x": "2026-09-19", "customdata": {"0": 96, "1": 177}}) == 177
    assert pollrun_of_point({"customdata": {"0": 177}}) == 177 and pollrun_of_point({"customdata": 177}) == 177
    assert pollrun_of_point({"x": "2026-11-02"}) is None
    assert pollrun_of_point({"customdata": ["oops"]}) is None


def test_filters_travel_between_pages_as_query_parameters():
    filters = PollFilters(DateRange.DAYS_60, numeric=NumericDisplay.AVERAGE, contact_fields=(("district", "Gasabo"),))
    assert filter_params(filters) == {"date_range": "60-days", "numeric": "average", "contact_district": "Gasabo"}
    assert filter_params(filters, contact_fields_only=True) == {"contact_district": "Gasabo"}
    assert PollFilters.from_query(filter_params(filters)) == filters


def test_a_bad_address_keeps_whatever_part_of_it_reads():
    kept = lenient({"date_range": "custom", "start": "2026-13-40", "end": "2026-02-01", "numeric": "median",
                    "split_regions": "1", "contact_district": "  Gasabo "})
    assert kept == PollFilters(DateRange.CUSTOM, None, date(2026, 2, 1), NumericDisplay.SUM, True,
                               (("district", "Gasabo"),))


def test_filters_are_described_in_words():
    assert describe(PollFilters()) == "Last 90 days · Sum of responses"
    custom = PollFilters(DateRange.CUSTOM, date(2026, 1, 5), None, split_regions=True,
                         contact_fields=(("a", "x"), ("b", "y")))
    assert describe(custom) == "Jan 05, 2026 – … · Sum of responses · split by region · 2 contact filters"
    assert describe(PollFilters(), with_dates=False) == "none"


def test_numbers_and_dates_as_shown():
    assert responses_label(12345, 0) == "12,345" and responses_label(1200, 3456) == "1,200 (3,456)"
    assert day(date(2026, 11, 2)) == "Nov 02, 2026" and day(None) == "Never"


def test_activity_totals_name_languages_and_count_the_latest_day():
    daily = pd.DataFrame({"day": [date(2026, 11, 1), date(2026, 11, 1), date(2026, 11, 2)],
                          "value": ["eng", "kin", "kin"], "responses": [4, 1, 2]})
    named, totals, latest = by_dimension(daily, "language")
    assert named["value"].tolist() == ["English", "Kinyarwanda", "Kinyarwanda"]
    assert totals.values.tolist() == [["English", 4, 0], ["Kinyarwanda", 3, 2]]
    assert latest == date(2026, 11, 2)
    assert by_dimension(daily.iloc[0:0], "channel")[2] is None
    channels = daily.assign(value=["tel", "whatsapp", "ext"])
    assert by_dimension(channels, "channel")[0]["value"].tolist() == ["Phone", "WhatsApp", "ext"]  # unknown: as is


def test_downloads_are_utf8_csv_and_a_real_workbook():
    table = pd.DataFrame({"Date": ["Jan 01, 2014 11:30"], "Name": ["Zoë Ndayishimiye"], "URN": ["tel:2345"],
                          "Region": ["Kandahar"], "Reporter groups": ["Farmers, Teachers"], "Sheep": ["4"]})
    # Text quoted whole: a separator inside a value never starts a cell, whatever separator a spreadsheet expects.
    assert csv_bytes(table).startswith(codecs.BOM_UTF8)  # Excel reads it as UTF-8 only with the mark
    assert csv_bytes(table).decode("utf-8-sig").splitlines() == [
        '"Date","Name","URN","Region","Reporter groups","Sheep"',
        '"Jan 01, 2014 11:30","Zoë Ndayishimiye","tel:2345","Kandahar","Farmers, Teachers","4"',
    ]
    sheet = load_workbook(io.BytesIO(xlsx_bytes(table))).active
    assert sheet.title == "Responses"
    assert [cell.value for cell in sheet[2]] == table.iloc[0].tolist()
    assert file_stem("Water & Sanitation", date(2026, 11, 2)) == "responses-water-sanitation-2026-11-02"


def test_a_figure_is_built_once_per_distinct_data_and_comes_still():
    built = []

    def bars(values, title=""):
        built.append(values)
        return go.Figure(go.Bar(y=list(values)), layout={"title": title})

    first, again = figure_of(bars, (1, 2), title="a"), figure_of(bars, (1, 2), title="a")
    other = figure_of(bars, (1, 2), title="b")
    assert first is again and other is not first and built == [(1, 2), (1, 2)]
    assert first.layout.dragmode is False and first.layout.xaxis.fixedrange and first.layout.yaxis.fixedrange
