"""The poll page: its filters change what the charts show, and live in the address."""

from __future__ import annotations

from datetime import date

import pytest

from tests.pages.app import click_cell, click_row, errors, figures, open_page, shown_text, values
from tests.pages.dashboard_world import ADMIN, SUPERVISOR, build_dashboard
from tracpro.ui.filters import DATE_RANGE, END, NUMERIC, SPLIT, START, field_key

UNIVERSAL_ONLY = "Charts include only poll dates started in RapidPro."


@pytest.fixture
def world(db):
    return build_dashboard(db)


def _numeric(app) -> dict:
    """The numeric question's chart: {series: y values}, and its y-axis title."""
    figure = figures(app)[0]
    return {trace["name"]: values(trace["y"]) for trace in figure["data"]}, figure["layout"]["yaxis"]["title"]["text"]


def test_a_custom_range_without_the_poll_dates_says_to_widen_it(world):
    app = open_page(SUPERVISOR, "pages/poll.py", poll=world.poll_id)
    app.selectbox(key=DATE_RANGE).set_value("custom").run()
    assert errors(app) == ["Please choose a start date or an end date. Fix the filters above to see the data."]
    assert not figures(app)
    app.date_input(key=START).set_value(date(2020, 1, 1)).run()
    app.date_input(key=END).set_value(date(2020, 1, 31)).run()
    assert "No poll dates in this period: widen the date range." in shown_text(app)
    assert not figures(app) and not app.image
    assert app.query_params == {"poll": str(world.poll_id), "date_range": "custom", "start": "2020-01-01",
                                "end": "2020-01-31"}


def test_an_end_before_the_start_is_said_in_words(world):
    app = open_page(SUPERVISOR, "pages/poll.py", poll=world.poll_id, date_range="custom", start="2026-02-01",
                    end="2026-01-01")
    assert errors(app) == ["End date must be after start date. Fix the filters above to see the data."]
    assert app.date_input(key=START).value == date(2026, 2, 1)  # the widgets show what the address says


def test_split_by_region_gives_one_series_per_region_of_the_respondents(world):
    app = open_page(SUPERVISOR, "pages/poll.py", poll=world.poll_id, date_range="30-days")
    series, _ = _numeric(app)
    assert list(series) == ["How many came?"]
    app.toggle(key=SPLIT).set_value(True).run()
    series, _ = _numeric(app)
    assert list(series) == ["Gicumbi", "North"]  # Gilbert lives in Gicumbi, Nina in North
    assert series["Gicumbi"] == [0.0, 5.0] and series["North"] == [2.0, 3.0]  # a week ago, today
    assert app.query_params["split_regions"] == "1"


def test_the_numeric_display_changes_the_measure(world):
    app = open_page(SUPERVISOR, "pages/poll.py", poll=world.poll_id, date_range="30-days")
    assert _numeric(app) == ({"How many came?": [2.0, 8.0]}, "Sum of responses")
    app.selectbox(key=NUMERIC).set_value("average").run()
    assert _numeric(app) == ({"How many came?": [2.0, 4.0]}, "Average of responses")
    app.selectbox(key=NUMERIC).set_value("response-rate").run()
    # Today: 2 answers of 3 responses (Nobody's is empty); a week ago 1 of 1.
    assert _numeric(app) == ({"How many came?": [100.0, 66.7]}, "Response rate (%)")
    assert app.query_params["numeric"] == "response-rate"


def test_a_contact_field_filter_keeps_only_matching_contacts(world):
    app = open_page(SUPERVISOR, "pages/poll.py", poll=world.poll_id, date_range="30-days")
    app.text_input(key=field_key("district")).input("gasabo").run()
    assert _numeric(app)[0] == {"How many came?": [2.0, 3.0]}  # Nina (Gasabo), not Gilbert (Rulindo)
    assert app.query_params["contact_district"] == "gasabo"
    assert "Filters: Last 30 days · Sum of responses · 1 contact filter" in shown_text(app)
    app.button[[b.label for b in app.button].index("Clear filters")].click().run()
    assert app.query_params == {"poll": str(world.poll_id)}
    assert app.text_input(key=field_key("district")).value == ""


def test_a_permalink_opens_with_its_filters(world):
    app = open_page(SUPERVISOR, "pages/poll.py", poll=world.poll_id, date_range="30-days", numeric="average",
                    split_regions="1", contact_district="Gasabo")
    assert app.selectbox(key=DATE_RANGE).value == "30-days"
    assert app.selectbox(key=NUMERIC).value == "average"
    assert app.toggle(key=SPLIT).value is True
    assert app.text_input(key=field_key("district")).value == "Gasabo"
    assert _numeric(app) == ({"North": [2.0, 3.0]}, "Average of responses")


def test_a_bad_filter_in_the_address_is_said_in_words(world):
    app = open_page(SUPERVISOR, "pages/poll.py", poll=world.poll_id, date_range="fortnight")
    assert errors(app) == [
        "Select a valid choice. fortnight is not one of the available choices. Fix the filters above to see the data."
    ]
    assert not figures(app)


def test_without_a_region_the_charts_keep_to_poll_dates_started_in_rapidpro(world):
    app = open_page(ADMIN, "pages/poll.py", poll=world.poll_id, date_range="30-days")
    assert UNIVERSAL_ONLY in shown_text(app)
    assert "2 poll dates" in shown_text(app)  # not South's own date
    assert _numeric(app)[0] == {"How many came?": [6.0, 17.0]}  # South's answers count on the universal dates
    supervisor = open_page(SUPERVISOR, "pages/poll.py", poll=world.poll_id, date_range="30-days")
    assert UNIVERSAL_ONLY not in shown_text(supervisor)


def test_categorical_and_open_questions(world):
    app = open_page(SUPERVISOR, "pages/poll.py", poll=world.poll_id, date_range="30-days")
    stacked = figures(app)[1]
    assert [trace["name"] for trace in stacked["data"]] == ["No", "Yes"]
    assert {trace["groupnorm"] for trace in stacked["data"]} == {"percent"}
    words = app.dataframe[-1].value
    assert set(words["Word"]) == {"rain", "in", "the", "north", "sun"} - {"in", "the"}  # English stop words go


def test_the_dates_tab_links_each_date(world):
    app = open_page(ADMIN, "pages/poll.py", poll=world.poll_id, tab="dates")
    table = app.dataframe[0].value
    assert table["Region"].tolist() == ["All", "South", "All"]
    app = click_row(app, "poll-dates", 1)
    assert app.query_params == {"pollrun": str(world.south_pollrun_id)}
    app = open_page(ADMIN, "pages/poll.py", poll=world.poll_id, tab="dates")
    app = click_cell(app, "poll-dates", 0, "Participants")
    assert app.query_params == {"pollrun": str(world.today_id), "tab": "participation"}


@pytest.mark.parametrize(("params", "message"), [
    ({}, "No poll chosen: open one from the list."),
    ({"poll": "abc"}, "This poll does not exist, or you may not see it."),
    ({"poll": "999999"}, "This poll does not exist, or you may not see it."),
])
def test_a_missing_or_unknown_poll_is_not_found(world, params, message):
    app = open_page(SUPERVISOR, "pages/poll.py", **params)
    assert errors(app) == [message]
    assert not app.title and not figures(app)


def test_a_categorical_question_is_summed_up_by_its_response_rate_not_a_mean_of_categories(world):
    app = open_page(SUPERVISOR, "pages/poll.py", poll=world.poll_id, date_range="30-days")
    summaries = [list(frame.value["Summary"]) for frame in app.dataframe if "Summary" in frame.value.columns]
    assert summaries == [["Mean", "Standard deviation", "Response rate average (%)"],  # How many came?
                         ["Response rate average (%)"]]  # Yes or no


def test_a_categorical_question_on_a_single_date_is_a_bar_of_shares(world):
    app = open_page(SUPERVISOR, "pages/poll.py", poll=world.poll_id, date_range="custom", start="2026-11-02",
                    end="2026-11-02")
    assert "1 poll date" in shown_text(app)
    bar = figures(app)[1]
    assert {trace["type"] for trace in bar["data"]} == {"bar"} and bar["layout"]["barmode"] == "stack"
    assert sum(values(trace["x"])[0] for trace in bar["data"]) == pytest.approx(100.0)
