"""Maps: the poll page's Map tab and the map of a poll date's Summary, only where regions have
boundaries; the regions drawn, what they show (a numeric question's figure on a continuous scale,
a categorical question's share of the chosen category), drilling down and back up."""

from __future__ import annotations

import pytest

from tests.pages.app import figures, open_page, shown_text, values
from tests.pages.indicator_world import ADMIN, SUPERVISOR, build_indicator_world

SEPTEMBER = {"date_range": "custom", "start": "2026-09-01", "end": "2026-09-30"}


def _map(app) -> list[dict]:
    """The choropleth traces of the page's map."""
    return [trace for figure in figures(app) for trace in figure["data"] if trace["type"] == "choropleth"]


def _drawn(app) -> dict[str, str]:
    """Region id → the trace it is drawn in: the scale's (named by its figure) or the grey one."""
    return {location: trace["name"] for trace in _map(app) for location in trace["locations"]}


def _shades(app) -> dict[str, float]:
    """Region id → its value on the map's continuous scale."""
    return {location: z for trace in _map(app) if trace.get("showscale")
            for location, z in zip(trace["locations"], values(trace["z"]), strict=True)}


def _scale_title(app) -> str:
    return next(trace["colorbar"]["title"]["text"] for trace in _map(app) if trace.get("showscale"))


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


def test_the_map_tab_shades_the_top_regions_by_their_averages(world):
    app = open_page(ADMIN, "pages/poll.py", poll=world.attendance_poll_id, tab="map", **SEPTEMBER)
    assert _tabs(app) == ["Charts", "Dates", "Map"]
    regions = world.regions
    north, south = str(regions["North"]), str(regions["South"])
    # North stands for its subtree (Nina 8, 9 and Gina 4, 6); South is Sam's 15 and 17.
    assert _shades(app) == {north: 6.75, south: 16.0} and _scale_title(app) == "Average"
    table = app.dataframe[0].value
    assert table.values.tolist() == [["North", 6.75, 4, 4], ["South", 16.0, 2, 2]]
    assert list(table.columns) == ["Region", "Average", "Answers", "Poll responses"]
    hover = " ".join(text for trace in _map(app) for text in trace["text"])
    assert "<b>North</b><br>Average: 6.75<br>Answers: 4<br>Poll responses: 4" in hover
    assert "Not on the map (no boundary): East." in shown_text(app)
    assert "Average of responses" in shown_text(app)  # the filters say what the map shows


def test_the_filters_numeric_display_chooses_the_figure_shaded(world):
    app = open_page(ADMIN, "pages/poll.py", poll=world.attendance_poll_id, tab="map", numeric="sum", **SEPTEMBER)
    north, south = str(world.regions["North"]), str(world.regions["South"])
    assert _shades(app) == {north: 27.0, south: 32.0} and _scale_title(app) == "Sum"
    assert app.dataframe[0].value[["Region", "Sum"]].values.tolist() == [["North", 27.0], ["South", 32.0]]
    app = open_page(ADMIN, "pages/poll.py", poll=world.attendance_poll_id, tab="map", numeric="response-rate",
                    **SEPTEMBER)
    assert _shades(app) == {north: 100.0, south: 100.0} and _scale_title(app) == "Response rate (%)"


def test_a_categorical_question_shades_by_the_share_of_the_chosen_category(world):
    app = open_page(ADMIN, "pages/poll.py", poll=world.attendance_poll_id, tab="map", **SEPTEMBER)
    app.selectbox(key=f"map-{world.attendance_poll_id}.question.{world.attendance_poll_id}") \
        .set_value(world.questions["open"]).run()
    north, south = str(world.regions["North"]), str(world.regions["South"])
    share = next(box for box in app.selectbox if box.label == "Shade by the share of")
    # Yes is the most common answer over the map (5 of 7): North 3 of 4, South 1 of 2.
    assert share.value == "Yes" and share.options == ["Yes", "No", "Other"]
    assert _shades(app) == {north: 75.0, south: 50.0} and _scale_title(app) == "Yes (%)"
    table = app.dataframe[0].value
    assert table.values.tolist() == [["North", 75.0, 3, 4, "Yes"], ["South", 50.0, 1, 2, "No"]]
    assert "Numeric display" not in [box.label for box in app.selectbox]  # it would change nothing here
    share.set_value("No").run()
    assert _shades(app) == {north: 25.0, south: 50.0} and _scale_title(app) == "No (%)"
    # "No" has the colour it has in the poll's charts, at the heart of the map's scale.
    charts = open_page(ADMIN, "pages/poll.py", poll=world.attendance_poll_id, **SEPTEMBER)
    [no_line] = [trace["line"]["color"] for figure in figures(charts) for trace in figure["data"]
                 if trace.get("name") == "No"]
    scale = next(trace["colorscale"] for trace in _map(app) if trace.get("showscale"))
    assert no_line in [colour for _position, colour in scale]
    hover = " ".join(text for trace in _map(app) for text in trace["text"])
    assert "<b>North</b><br>No: 25.0% (1 of 4)<br>Most common: Yes" in hover


def test_a_supervisor_sees_the_share_in_their_own_regions(world):
    app = open_page(SUPERVISOR, "pages/poll.py", poll=world.attendance_poll_id, tab="map", **SEPTEMBER)
    app.selectbox(key=f"map-{world.attendance_poll_id}.question.{world.attendance_poll_id}") \
        .set_value(world.questions["open"]).run()
    # North's supervisor: the top of their tree is North, so the map shows what it is made of.
    assert _shades(app) == {str(world.regions["Gicumbi"]): 50.0}  # Gina: Yes then No
    assert app.dataframe[0].value["Most common"].tolist() == ["No"]  # ties in natural order


def test_drilling_down_to_sub_regions_and_back_up(world):
    app = open_page(ADMIN, "pages/poll.py", poll=world.attendance_poll_id, tab="map", **SEPTEMBER)
    down = next(box for box in app.selectbox if box.label == "Show sub-regions of …")
    assert down.options == ["North"]  # South has no sub-regions
    down.set_value(world.regions["North"]).run()
    assert _shades(app) == {str(world.regions["Gicumbi"]): 5.0}
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
