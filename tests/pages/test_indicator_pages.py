"""The indicator pages: the list, one indicator's chart and summary under its filters, adding,
editing and deleting (admins only), spoof data, region comparison, and Home's indicator
and participation alerts."""

from __future__ import annotations

from datetime import date

import pytest
import streamlit as st
from sqlalchemy import func, select

from tests.pages.app import (
    as_read,
    click_cell,
    click_row,
    errors,
    figures,
    open_page,
    shown_cells,
    shown_text,
    texts,
    values,
)
from tests.pages.indicator_world import ADMIN, SUPERVISOR, build_indicator_world
from tracpro.db.models import BaselineTerm, Org, PollRun, PollRunType
from tracpro.queries.alerts import ALERT_RULE
from tracpro.ui.filters import NUMERIC

INDICATORS, INDICATOR, COMPARE = "pages/indicators.py", "pages/indicator.py", "pages/compare.py"


@pytest.fixture
def world(db):
    return build_indicator_world(db)


def _summary(app) -> dict[str, str]:
    table = next(frame.value for frame in app.table if list(frame.value.columns) == ["Summary", "Value"])
    return {as_read(label): as_read(value) for label, value in table.itertuples(index=False)}


def _count(db, model, *where) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where))


def test_the_list_links_each_indicator_and_only_admins_may_add(world):
    admin = open_page(ADMIN, INDICATORS)
    table = admin.dataframe[0].value
    assert table["Name"].tolist() == ["Girls' attendance"]
    assert table["Baseline question"].tolist() == ["Enrollment: Girls enrolled"]
    assert table["Follow up question"].tolist() == ["Attendance: Girls present"]
    assert "Add an indicator" in [h.value for h in admin.subheader]
    supervisor = open_page(SUPERVISOR, INDICATORS)
    assert supervisor.dataframe[0].value["Name"].tolist() == ["Girls' attendance"]
    assert not supervisor.subheader and not supervisor.text_input  # no form to add one
    opened = click_row(supervisor, "indicators", 0)
    assert as_read(opened.title[0].value) == "Girls' attendance"
    assert opened.query_params == {"indicator": str(world.indicator_id)}


def test_an_indicator_shows_its_chart_and_summary_within_the_viewers_regions(world):
    admin = open_page(ADMIN, INDICATOR, indicator=world.indicator_id)
    assert texts(admin.title) == ["Girls' attendance"]
    summary = _summary(admin)
    assert summary["Dates"] == "Sep 01, 2026 - Sep 30, 2026"  # the one day format of every page
    assert summary["Baseline value (Pupils)"] == "36"
    assert summary["Baseline response rate (%)"] == "100"
    assert summary["Follow up mean (Pupils)"] == "29.5"
    assert summary["Follow up standard deviation"] == "2.5"
    assert summary["Follow up response rate (%)"] == "100"
    follow_up, baseline = figures(admin)[0]["data"]
    assert (follow_up["name"], values(follow_up["y"])) == ("Follow up", [27.0, 32.0])
    assert (baseline["name"], values(baseline["y"])) == ("Baseline", [36.0, 36.0])
    supervisor = open_page(SUPERVISOR, INDICATOR, indicator=world.indicator_id)
    summary = _summary(supervisor)
    assert (summary["Baseline value (Pupils)"], summary["Follow up mean (Pupils)"],
            summary["Follow up standard deviation"]) == ("16", "13.5", "1.5")


def test_a_goal_replaces_the_baseline_and_a_contact_region_narrows_the_contacts(world):
    app = open_page(ADMIN, INDICATOR, indicator=world.indicator_id)
    key = f"indicator-{world.indicator_id}"
    app.number_input(key=f"{key}.goal").set_value(40.0).run()
    summary = _summary(app)
    assert (summary["Baseline value (Pupils)"], summary["Baseline response rate (%)"]) == ("40", "n/a")
    app.selectbox(key=f"{key}.region").set_value(world.regions["South"]).run()
    assert _summary(app)["Follow up mean (Pupils)"] == "16"  # Sam alone: 15 and 17
    app.date_input(key=f"{key}.start").set_value(date(2026, 9, 10)).run()
    assert values(figures(app)[0]["data"][0]["y"]) == [17.0]
    app.date_input(key=f"{key}.start").set_value(date(2026, 9, 16)).run()
    assert "No data to display for the current filters" in shown_text(app) and not figures(app)


def test_dates_in_the_wrong_order_are_refused_in_words(world):
    app = open_page(ADMIN, INDICATOR, indicator=world.indicator_id)
    app.date_input(key=f"indicator-{world.indicator_id}.end").set_value(date(2026, 8, 1)).run()
    assert errors(app) == ["Start date should be before end date. Fix the filters above to see the data."]
    assert not figures(app)


def test_a_missing_indicator_is_not_found(world):
    app = open_page(ADMIN, INDICATOR, indicator=world.indicator_id + 1000)
    assert errors(app) == ["This indicator does not exist."]


def _fill(app, form: str, **fields):
    for name, value in fields.items():
        widget = app.get_by_key(f"{form}.{name}")
        widget.input(value) if name in ("name", "y_axis_title") else widget.set_value(value)
    app.button(key=f"{form}.submit").click().run()
    assert not app.exception, app.exception
    return app


def test_adding_an_indicator_with_mistakes_shows_them_by_field_and_saves_nothing(db, world):
    app = open_page(ADMIN, INDICATORS)
    _fill(app, "add_indicator", name="  ", start_date=date(2026, 10, 1), end_date=date(2026, 9, 1),
          baseline_question=world.questions["present"], follow_up_question=world.questions["present"])
    assert errors(app) == [
        "Start date should be before end date. Baseline and follow up questions should be different.",
        "**Name**: This field is required.",
    ]
    assert _count(db, BaselineTerm) == 1


def test_adding_an_indicator_saves_it_and_opens_it(db, world):
    app = open_page(ADMIN, INDICATORS)
    _fill(app, "add_indicator", name="Term 4 attendance", start_date=date(2026, 9, 1),
          end_date=date(2026, 9, 20), baseline_question=world.questions["enrolled"],
          follow_up_question=world.questions["present"], y_axis_title="Girls")
    saved = db.scalars(select(BaselineTerm).where(BaselineTerm.name == "Term 4 attendance")).one()
    assert (saved.end_date, saved.y_axis_title) == (date(2026, 9, 20), "Girls")
    assert [t.value for t in app.title] == ["Term 4 attendance"]
    assert "Indicator “Term 4 attendance” added." in [s.value for s in app.success]
    assert "Follow up mean (Girls)" in _summary(app)


def test_editing_and_deleting_after_confirmation(db, world):
    app = open_page(ADMIN, INDICATOR, indicator=world.indicator_id)
    _fill(app, f"edit_indicator_{world.indicator_id}", name="Girls present, term 3")
    assert texts(app.title) == ["Girls present, term 3"]
    assert db.get(BaselineTerm, world.indicator_id).name == "Girls present, term 3"
    app.button(key="delete_indicator").click().run()
    assert "Delete “Girls present, term 3”? Its poll data stays." in texts(app.warning)
    assert _count(db, BaselineTerm) == 1  # asked, not yet deleted
    app.button(key="delete_indicator.yes").click().run()
    assert _count(db, BaselineTerm) == 0
    assert "Indicator “Girls present, term 3” deleted." in texts(app.success)


def test_a_supervisor_may_not_manage_indicators_or_spoof_data(db, world):
    db.get(Org, world.org_id).show_spoof_data = True
    db.flush()
    app = open_page(SUPERVISOR, INDICATOR, indicator=world.indicator_id)
    assert _summary(app)  # the data is there ...
    assert not app.expander or [e.label for e in app.expander] == ["Filters"]  # ... no edit form
    assert not [b for b in app.button if b.key in ("delete_indicator", "clear_spoof")]
    assert not app.multiselect and not app.subheader


def test_spoof_data_is_offered_only_when_the_org_allows_it(db, world):
    app = open_page(ADMIN, INDICATOR, indicator=world.indicator_id)
    assert "Spoof data" not in [h.value for h in app.subheader]
    db.get(Org, world.org_id).show_spoof_data = True
    db.flush()
    st.cache_data.clear()  # as saving the org's settings does
    app = open_page(ADMIN, INDICATOR, indicator=world.indicator_id)
    assert "Spoof data" in [h.value for h in app.subheader]


def test_spoof_data_with_bounds_of_zero_then_clear_it(db, world):
    db.get(Org, world.org_id).show_spoof_data = True
    db.flush()
    spoofed = PollRun.pollrun_type == PollRunType.SPOOFED
    app = open_page(ADMIN, INDICATOR, indicator=world.indicator_id)
    form = f"spoof_{world.indicator_id}"
    _fill(app, form, contacts=[world.contacts["Nina"]], start_date=date(2026, 9, 1), end_date=date(2026, 9, 2),
          baseline_minimum=5, baseline_maximum=0, follow_up_minimum=0, follow_up_maximum=0)
    assert errors(app) == ["Baseline maximum should exceed or equal minimum."]
    assert _count(db, PollRun, spoofed) == 0
    app.get_by_key(f"{form}.baseline_minimum").set_value(0)
    _fill(app, form)
    assert _count(db, PollRun, spoofed) == 3  # one baseline date and two follow-up days
    assert "Spoof data made: 3 poll dates." in [s.value for s in app.success]
    app.button(key="clear_spoof").click().run()
    assert [w.value for w in app.warning] == [
        "Are you sure that you want to delete all spoofed poll data for this organization?"]
    app.button(key="clear_spoof.yes").click().run()
    assert _count(db, PollRun, spoofed) == 0
    assert "Spoof data cleared: 3 poll dates deleted." in [s.value for s in app.success]


SEPTEMBER = {"date_range": "custom", "start": "2026-09-01", "end": "2026-09-30"}


def test_comparing_two_regions_numbers_side_by_side(world):
    app = open_page(ADMIN, COMPARE, **SEPTEMBER, numeric="sum")
    assert "Choose 2 to 4 regions to compare." in shown_text(app)
    app.selectbox(key="compare.poll").set_value(world.attendance_poll_id).run()
    app.multiselect(key="compare.regions").set_value([world.regions["South"], world.regions["North"]]).run()
    lines = figures(app)[0]["data"]
    assert [line["name"] for line in lines] == ["South", "North"]
    assert values(lines[0]["y"]) == [15.0, 17.0] and values(lines[1]["y"]) == [12.0, 15.0]  # North counts Gicumbi
    table = app.dataframe[0].value
    assert list(table.columns) == ["Date", "South", "North"] and table["North"].tolist() == [12.0, 15.0]


def test_regions_are_compared_by_their_averages_until_the_viewer_chooses_sums(world):
    """Sums favour the bigger region: North's two respondents outweigh South's one."""
    app = open_page(ADMIN, COMPARE, **SEPTEMBER)
    app.selectbox(key="compare.poll").set_value(world.attendance_poll_id).run()
    app.multiselect(key="compare.regions").set_value([world.regions["South"], world.regions["North"]]).run()
    assert app.selectbox(key=NUMERIC).value == "average"
    assert values(figures(app)[0]["data"][1]["y"]) == [6.0, 7.5]  # North's averages, not its sums (12, 15)
    assert "numeric" not in app.query_params
    app.selectbox(key=NUMERIC).set_value("sum").run()
    assert app.query_params["numeric"] == "sum"  # not this page's default: the address says so
    assert values(figures(app)[0]["data"][1]["y"]) == [12.0, 15.0]


def test_comparing_categories_gives_each_region_its_shares(world):
    app = open_page(SUPERVISOR, COMPARE, **SEPTEMBER)
    app.selectbox(key="compare.poll").set_value(world.attendance_poll_id).run()
    app.selectbox(key=f"compare.question.{world.attendance_poll_id}").set_value(world.questions["open"]).run()
    regions = app.multiselect(key="compare.regions")
    assert set(regions.options) == {"North", "Gicumbi"}  # the supervisor's regions only
    regions.set_value([world.regions["North"], world.regions["Gicumbi"]]).run()
    table = app.dataframe[0].value
    assert list(table.columns) == ["Region", "Category", "Responses", "Share (%)"]
    rows = {(region, category): (count, share) for region, category, count, share in table.values.tolist()}
    assert rows == {("North", "Yes"): (3, 75.0), ("North", "No"): (1, 25.0),
                    ("Gicumbi", "Yes"): (1, 50.0), ("Gicumbi", "No"): (1, 50.0)}
    assert [annotation["text"] for annotation in figures(app)[0]["layout"]["annotations"]] == ["North", "Gicumbi"]


def test_home_shows_the_featured_indicator_and_the_alerts_with_their_rule(world):
    app = open_page(ADMIN, "pages/home.py")
    headings = texts(app.subheader)
    assert "Recent indicator: Girls' attendance" in headings and "Participation alerts" in headings
    assert ALERT_RULE in [c.value for c in app.caption]
    home_figure = next(f for f in figures(app) if f["data"][0].get("name") == "Follow up")
    assert values(home_figure["data"][0]["y"]) == [27.0, 32.0]
    alerts = next(frame.value for frame in app.dataframe if "Region" in frame.value.columns
                  and "Usually (%)" in frame.value.columns)
    assert alerts["Region"].tolist() == ["South"]
    assert (alerts["Answered (%)"].tolist(), alerts["Usually (%)"].tolist()) == ([20.0], [100.0])
    poll, date = shown_cells(app.dataframe[-1])[["Poll", "Date"]].values[0]
    # A row opens who took part on its date; the poll's name the poll.
    opened = click_row(app, "home-alerts", 0)
    assert opened.title[0].value == f"{poll} ({date})"
    assert opened.query_params["tab"] == "participation" and set(opened.query_params) == {"pollrun", "tab"}
    opened = click_cell(open_page(ADMIN, "pages/home.py"), "home-alerts", 0, "Poll")
    assert opened.title[0].value == poll and set(opened.query_params) == {"poll"}
    supervisor = open_page(SUPERVISOR, "pages/home.py")
    assert "No region's participation dropped on the latest poll dates." in [s.value for s in supervisor.success]


def test_compare_and_the_map_offer_only_the_filters_they_use(world):
    compare = open_page(ADMIN, COMPARE, **SEPTEMBER)
    assert [box.label for box in compare.selectbox if box.label == "Numeric display"] == ["Numeric display"]
    assert "Split by region" not in [toggle.label for toggle in compare.toggle]  # regions are side by side already
    # A numeric question's map shades the figure the numeric display chooses (a categorical one's
    # map does without it: tests/pages/test_maps_page.py).
    mapped = open_page(ADMIN, "pages/poll.py", poll=world.attendance_poll_id, tab="map", **SEPTEMBER)
    assert "Numeric display" in [box.label for box in mapped.selectbox]
    assert "Split by region" not in [toggle.label for toggle in mapped.toggle]
    charts = open_page(ADMIN, "pages/poll.py", poll=world.attendance_poll_id, **SEPTEMBER)
    assert "Split by region" in [toggle.label for toggle in charts.toggle]
