"""Maps: the poll page's Map tab and the map of a poll date's Summary, only where regions have
boundaries; the regions drawn, what they show, drilling down and back up."""

from __future__ import annotations

import pytest

from tests.pages.app import figures, open_page, shown_text
from tests.pages.indicator_world import ADMIN, SUPERVISOR, build_indicator_world

SEPTEMBER = {"date_range": "custom", "start": "2026-09-01", "end": "2026-09-30"}


def _map(app) -> list[dict]:
    """The choropleth traces of the page's map."""
    return [trace for figure in figures(app) for trace in figure["data"] if trace["type"] == "choropleth"]


def _drawn(app) -> dict[str, str]:
    """Region id → the legend entry (category) it is drawn in."""
    return {location: trace["name"] for trace in _map(app) for location in trace["locations"]}


def _tabs(app) -> list[str]:
    return [tab.label for tab in app.tabs]


def test_no_map_tab_or_map_without_boundaries(db):
    world = build_indicator_world(db, boundaries=False)
    poll = open_page(ADMIN, "pages/poll.py", poll=world.attendance_poll_id, **SEPTEMBER)
    assert _tabs(poll) == ["Charts", "Dates"]
    pollrun = open_page(ADMIN, "pages/pollrun.py", pollrun=world.follow_up_pollrun_id)
    assert "Map" not in [h.value for h in pollrun.subheader] and not _map(pollrun)


@pytest.fixture
def world(db):
    return build_indicator_world(db)


def test_the_map_tab_draws_the_top_regions_with_their_averages(world):
    app = open_page(ADMIN, "pages/poll.py", poll=world.attendance_poll_id, tab="map", **SEPTEMBER)
    assert _tabs(app) == ["Charts", "Dates", "Map"]
    regions = world.regions
    assert set(_drawn(app)) == {str(regions["North"]), str(regions["South"])}
    table = app.dataframe[0].value
    # North stands for its subtree (Nina 8, 9 and Gina 4, 6); South is Sam's 15 and 17.
    assert table[["Region", "Average", "Answers"]].values.tolist() == [["North", 6.75, 4], ["South", 16.0, 2]]
    hover = " ".join(text for trace in _map(app) for text in trace["text"])
    assert "<b>North</b><br>Average: 6.75" in hover
    assert "Not on the map (no boundary): East." in shown_text(app)


def test_a_categorical_question_shows_each_regions_most_common_answer(world):
    app = open_page(SUPERVISOR, "pages/poll.py", poll=world.attendance_poll_id, tab="map", **SEPTEMBER)
    app.selectbox(key=f"map-{world.attendance_poll_id}.question.{world.attendance_poll_id}") \
        .set_value(world.questions["open"]).run()
    # North's supervisor: the top of their tree is North, so the map shows what it is made of.
    assert _drawn(app) == {str(world.regions["Gicumbi"]): "No"}  # Gina: Yes then No, ties in natural order
    assert app.dataframe[0].value["Most common"].tolist() == ["No"]


def test_drilling_down_to_sub_regions_and_back_up(world):
    app = open_page(ADMIN, "pages/poll.py", poll=world.attendance_poll_id, tab="map", **SEPTEMBER)
    down = next(box for box in app.selectbox if box.label == "Show sub-regions of …")
    assert down.options == ["North"]  # South has no sub-regions
    down.set_value(world.regions["North"]).run()
    assert set(_drawn(app)) == {str(world.regions["Gicumbi"])}
    assert app.dataframe[0].value[["Region", "Average"]].values.tolist() == [["Gicumbi", 5.0]]
    assert "Sub-regions of **North**" in shown_text(app)
    app.button(key=f"map-{world.attendance_poll_id}.back").click().run()
    assert set(_drawn(app)) == {str(world.regions["North"]), str(world.regions["South"])}


def test_a_poll_dates_summary_has_a_map_of_that_date(world):
    app = open_page(ADMIN, "pages/pollrun.py", pollrun=world.follow_up_pollrun_id)
    assert "Map" in [h.value for h in app.subheader]
    table = next(frame.value for frame in app.dataframe if "Region" in frame.value.columns)
    assert table[["Region", "Average"]].values.tolist() == [["North", 7.5], ["South", 17.0]]  # Sep 15 only
    assert len(_map(app)) >= 1
