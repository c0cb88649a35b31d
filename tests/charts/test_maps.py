"""The region map: one trace per category in legend order, grey for regions without data."""

from __future__ import annotations

from tracpro.charts.colours import NO_DATA, category_colours
from tracpro.charts.maps import MAP_CONFIG, region_map
from tracpro.queries.maps import RegionResult

SQUARE = {"type": "MultiPolygon", "coordinates": [[[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]]}
FEATURES = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": str(n), "geometry": SQUARE, "properties": {"region_id": str(n), "name": name}}
    for n, name in ((1, "North"), (2, "South"), (3, "West"))
]}


def test_regions_are_coloured_by_category_and_grey_without_data():
    regions = [RegionResult(1, "North", True, 2, 5.5, ">5"), RegionResult(2, "South", False, 1, 2.0, "1-5"),
               RegionResult(3, "West", False, 0)]
    figure = region_map(FEATURES, regions, ["1-5", ">5", "Other"], numeric=True)
    # Categories are text: Plotly draws "&gt;" as ">" and would read a bare "<" as the start of a tag.
    assert [trace.name for trace in figure.data] == ["1-5", "&gt;5", "No data"]
    assert [list(trace.locations) for trace in figure.data] == [["2"], ["1"], ["3"]]
    colours = category_colours(["1-5", ">5", "Other"])
    assert figure.data[0].colorscale[0][1] == colours["1-5"] and figure.data[2].colorscale[0][1] == NO_DATA
    assert "Average: 5.50" in figure.data[1].text[0] and "Answers: 2" in figure.data[1].text[0]
    assert "No data available" in figure.data[2].text[0]
    assert figure.layout.geo.fitbounds == "locations" and figure.layout.geo.visible is False
    assert MAP_CONFIG["topojsonURL"] == "/app/static/"  # plotly.js must not reach for the internet
