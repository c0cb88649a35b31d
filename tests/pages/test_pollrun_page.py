"""A poll date's page: its tabs, participation by group or region, the downloads, and "not found"."""

from __future__ import annotations

import io
from datetime import timedelta

import pandas as pd
import pytest

from tests.pages.app import errors, figures, open_page, shown_text, texts
from tests.pages.dashboard_world import ADMIN, SUPERVISOR, build_dashboard
from tracpro.ui.filters import field_key

NOT_FOUND = "This poll date does not exist, or you may not see it."


@pytest.fixture
def world(db):
    return build_dashboard(db)


def test_the_address_chooses_the_tab_and_only_that_tab_runs(world):
    summary = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id)
    assert texts(summary.subheader) == ["1. How many came?", "2. Was the school open?", "3. Anything else?"]
    participation = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id, tab="participation")
    assert not figures(participation) and not participation.subheader
    assert list(participation.dataframe[0].value.columns)[0] == "Reporter group"
    responses = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id, tab="Responses")
    assert responses.download_button and not responses.segmented_control


def test_the_summary_shows_a_pie_a_histogram_and_a_word_cloud_and_bars_on_request(world):
    app = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id)
    histogram, pie = figures(app)
    assert histogram["data"][0]["type"] == "bar" and pie["data"][0]["type"] == "pie"
    assert pie["data"][0]["labels"] == ["No", "Yes"]
    assert len(app.image) == 1
    app.segmented_control(key="chart").set_value("bar").run()
    assert [figure["data"][0]["type"] for figure in figures(app)] == ["bar", "bar"]
    assert app.query_params["chart"] == "bar"
    assert [f["data"][0]["type"] for f in figures(open_page(SUPERVISOR, "pages/pollrun.py",
                                                            pollrun=world.today_id, chart="bar"))] == ["bar", "bar"]


def _participation(app) -> list[tuple]:
    return [tuple(row) for row in app.dataframe[0].value.itertuples(index=False)]


def test_participation_by_reporter_group_then_by_region(world):
    app = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id, tab="participation")
    assert _participation(app) == [
        ("Farmers", 0, 1, 0, "0%"),
        ("Teachers", 0, 0, 1, "100%"),
        ("No reporter group", 1, 0, 0, "0%"),
        ("Total", 1, 1, 1, "33%"),
    ]
    app.segmented_control(key="group_by").set_value("region").run()
    assert list(app.dataframe[0].value.columns)[0] == "Region"
    assert _participation(app) == [
        ("Gicumbi", 0, 1, 0, "0%"),
        ("North", 1, 0, 1, "50%"),
        ("Total", 1, 1, 1, "33%"),
    ]
    assert app.query_params["group_by"] == "region"
    assert "1 respondents, 2 non-respondents" in shown_text(app)


def test_an_admin_sees_every_region_in_participation(world):
    app = open_page(ADMIN, "pages/pollrun.py", pollrun=world.today_id, tab="participation", group_by="region")
    assert [row[0] for row in _participation(app)] == ["Gicumbi", "North", "South", "Total"]


def test_the_responses_and_their_downloads(world, downloads):
    app = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id, tab="responses")
    table = app.dataframe[0].value
    assert table["Contact"].tolist() == ["Nina North", "Gilbert Gicumbi"]  # newest first; Nobody's is empty
    assert table["How many came?"].tolist() == ["3", "5"]
    day = app.title[0].value.removeprefix("Attendance (").removesuffix(")")
    stem = f"responses-attendance-{pd.Timestamp(day).date().isoformat()}"
    assert set(downloads) == {f"{stem}.csv", f"{stem}.xlsx"}

    mime, make_csv = downloads[f"{stem}.csv"]
    csv = pd.read_csv(io.BytesIO(make_csv()), dtype=str, keep_default_na=False)
    assert mime == "text/csv"
    assert list(csv.columns) == ["Date", "Name", "URN", "Region", "Reporter groups", "Counted",
                                 "How many came?", "How many came? (category)",
                                 "Was the school open?", "Was the school open? (category)",
                                 "Anything else?", "Anything else? (category)"]
    assert csv["Name"].tolist() == ["Nina North", "Gilbert Gicumbi"]
    assert csv["URN"].tolist() == ["tel:+250788000001", "tel:+250788000002"]
    assert csv["Counted"].tolist() == ["yes", "yes"]
    assert csv["Was the school open?"].tolist() == ["yes", "no"]  # the raw answers
    assert csv["Was the school open? (category)"].tolist() == ["Yes", "No"]
    # ISO 8601 with the org's offset: "2026-11-22T11:30:00+02:00"
    moments = pd.to_datetime(csv["Date"], format="ISO8601")
    assert moments.dt.tz is not None and all(len(text) == 25 and text[10] == "T" for text in csv["Date"])

    mime, make_xlsx = downloads[f"{stem}.xlsx"]
    workbook = pd.read_excel(io.BytesIO(make_xlsx()), dtype=str)
    assert mime.endswith("spreadsheetml.sheet")
    assert workbook["Name"].tolist() == ["Nina North", "Gilbert Gicumbi"]


def test_a_long_list_of_responses_shows_the_newest_and_the_downloads_hold_them_all(world, downloads, monkeypatch):
    monkeypatch.setattr("tracpro.ui.tables.MOST_ROWS", 1)
    app = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id, tab="responses")
    assert app.dataframe[0].value["Contact"].tolist() == ["Nina North"]
    assert "2 partial and complete responses (the newest 1 below)" in shown_text(app)
    _, make_csv = next(maker for name, maker in downloads.items() if name.endswith(".csv"))
    assert len(pd.read_csv(io.BytesIO(make_csv()))) == 2


def test_contact_field_filters_apply_to_every_tab(world):
    app = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id, tab="responses")
    app.text_input(key=field_key("district")).input("rulindo").run()
    assert app.dataframe[0].value["Contact"].tolist() == ["Gilbert Gicumbi"]
    assert app.query_params["contact_district"] == "rulindo"
    participation = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id, tab="participation",
                              contact_district="rulindo")
    assert _participation(participation)[-1] == ("Total", 0, 1, 0, "0%")


def test_the_dates_of_the_poll_page_are_kept_but_not_used_here(world):
    app = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id, tab="participation",
                    date_range="fortnight", contact_district="gasabo")
    assert not errors(app)  # a poll date has no date range to get wrong
    assert _participation(app)[-1] == ("Total", 1, 0, 1, "50%")  # Nina and Nobody live in Gasabo
    app.button[[b.label for b in app.button].index("Clear filters")].click().run()
    assert app.query_params == {"pollrun": str(world.today_id), "tab": "participation", "date_range": "fortnight"}


def test_the_way_back_to_the_poll_keeps_the_filters(world):
    app = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id, date_range="60-days",
                    numeric="average", contact_district="gasabo")
    link = app.page_link[0]
    assert link.value == "All dates of Attendance"
    assert dict(pair.split("=") for pair in link.proto.query_string.split("&")) == {
        "poll": str(world.poll_id), "date_range": "60-days", "numeric": "average", "contact_district": "gasabo"}


def test_a_sibling_regions_poll_date_is_not_found(world):
    app = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.south_pollrun_id, tab="responses")
    assert errors(app) == [NOT_FOUND]
    assert not app.title and not app.dataframe and not app.download_button
    admin = open_page(ADMIN, "pages/pollrun.py", pollrun=world.south_pollrun_id)
    assert admin.title[0].value.startswith("Attendance (") and "Region: South" in shown_text(admin)


@pytest.mark.parametrize("params", [{"pollrun": "abc"}, {"pollrun": "-3"}, {"pollrun": "999999"}])
def test_a_bad_id_in_the_address_is_not_found(world, params):
    assert errors(open_page(SUPERVISOR, "pages/pollrun.py", **params)) == [NOT_FOUND]


def test_a_poll_date_with_no_answers_yet_says_so(world, db):
    from tests import factories as f
    from tracpro.db.models import Poll

    # On a day of its own: the world has a universal date on NOW's day already.
    empty = f.PollRunFactory(poll=db.get(Poll, world.poll_id), conducted_on=f.NOW - timedelta(days=3))
    db.flush()
    app = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=empty.id, tab="responses")
    assert "No responses yet for this date. New responses arrive with each sync." in shown_text(app)
