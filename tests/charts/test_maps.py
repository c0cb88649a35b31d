"""The region maps: a continuous scale of a numeric figure or of a category's share, regions
without answers drawn apart (grey, named in the legend), never as zero."""

from __future__ import annotations

import plotly.colors

from tracpro.charts.colours import category_colours
from tracpro.charts.maps import MAP_CONFIG, NO_DATA_FILL, category_map, numeric_map, sequential_scale
from tracpro.queries.maps import RegionResult

SQUARE = {"type": "MultiPolygon", "coordinates": [[[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]]}
FEATURES = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": str(n), "geometry": SQUARE, "properties": {"region_id": str(n), "name": name}}
    for n, name in ((1, "North"), (2, "South"), (3, "West"), (4, "East"))
]}
NUMERIC = [
    RegionResult(1, "North", True, 4, 5.5, ">5", total=22.0, responses=5, replied=4),
    RegionResult(2, "South", False, 1, 2.0, "1-5", total=2.0, responses=4, replied=1),
    RegionResult(3, "West", False, 2, 9.25, ">5", total=18.5, responses=2, replied=2),
    RegionResult(4, "East", False, 0, responses=3, replied=1),  # answered, but not with a number
]
CATEGORICAL = [
    RegionResult(1, "North", True, 4, category="Yes", counts=(("Yes", 3), ("No", 1))),
    RegionResult(2, "South", False, 3, category="No", counts=(("No", 2), ("Yes", 1))),
    RegionResult(3, "West", False, 2, category="No", counts=(("No", 2),)),
    RegionResult(4, "East", False, 0),
]


def _scale(figure):
    [trace] = [trace for trace in figure.data if trace.showscale]
    return trace


def _grey(figure):
    [trace] = [trace for trace in figure.data if not trace.showscale]
    return trace


def _colour_of(trace, location: str) -> str:
    """The colour plotly.js fills a location with: its z placed on the trace's scale."""
    z = dict(zip(trace.locations, trace.z, strict=True))[location]
    position = (z - trace.zmin) / (trace.zmax - trace.zmin)
    return plotly.colors.find_intermediate_color(*_bracket(trace.colorscale, position), colortype="tuple")


def _bracket(scale, position):
    """The two scale colours around `position` and how far between them it lies."""
    for (low, low_colour), (high, high_colour) in zip(scale, scale[1:], strict=False):
        if low <= position <= high:
            share = (position - low) / (high - low) if high > low else 0
            return plotly.colors.hex_to_rgb(low_colour), plotly.colors.hex_to_rgb(high_colour), share
    raise AssertionError(position)


def test_a_numeric_map_shades_each_region_by_its_average_on_one_continuous_scale():
    figure = numeric_map(FEATURES, NUMERIC, "average")
    scale = _scale(figure)
    assert dict(zip(scale.locations, scale.z, strict=True)) == {"1": 5.5, "2": 2.0, "3": 9.25}
    assert (scale.zmin, scale.zmax) == (0.0, 9.25) and scale.colorbar.title.text == "Average"
    assert len(scale.colorscale) >= 3  # a scale, not one colour
    colours = {location: _colour_of(scale, location) for location in scale.locations}
    assert len(set(colours.values())) == 3, colours  # three averages, three colours
    assert "<b>North</b><br>Average: 5.50<br>Answers: 4<br>Poll responses: 5" in scale.text
    assert figure.layout.geo.fitbounds == "locations" and figure.layout.geo.visible is False
    assert MAP_CONFIG["topojsonURL"] == "/app/static/"  # plotly.js must not reach for the internet


def test_a_region_without_numbers_is_drawn_grey_and_named_not_shaded_as_zero():
    figure = numeric_map(FEATURES, NUMERIC, "average")
    grey = _grey(figure)
    assert list(grey.locations) == ["4"] and "4" not in _scale(figure).locations
    assert grey.name == "No answers" and grey.showlegend
    assert {colour for _position, colour in grey.colorscale} == {NO_DATA_FILL}
    assert NO_DATA_FILL not in {colour for _position, colour in _scale(figure).colorscale}
    assert grey.text[0] == "<b>East</b><br>Answers: 0<br>Poll responses: 3"


def test_sums_and_response_rates():
    sums = _scale(numeric_map(FEATURES, NUMERIC, "sum"))
    assert dict(zip(sums.locations, sums.z, strict=True)) == {"1": 22.0, "2": 2.0, "3": 18.5}
    assert sums.colorbar.title.text == "Sum"
    assert "<b>North</b><br>Sum: 22<br>" in sums.text[0] and "<b>West</b><br>Sum: 18.50<br>" in sums.text[2]
    rates = numeric_map(FEATURES, NUMERIC, "response-rate")
    scale = _scale(rates)
    # East answered once in three responses: 33.3 %, a rate, where its average was missing.
    assert dict(zip(scale.locations, scale.z, strict=True)) == {"1": 80.0, "2": 25.0, "3": 100.0, "4": 33.3}
    assert (scale.zmin, scale.zmax, scale.colorbar.ticksuffix) == (0.0, 100.0, "%")
    assert not [trace for trace in rates.data if not trace.showscale]  # every region has a rate


def test_a_categorical_map_shades_by_the_chosen_categorys_share_in_its_colour():
    colour = category_colours(["Yes", "No", "Other"])["Yes"]
    figure = category_map(FEATURES, CATEGORICAL, "Yes", colour)
    scale = _scale(figure)
    # North 3 of 4, South 1 of 3, West none of 2: 0 % is a share; East has no answers at all.
    assert dict(zip(scale.locations, scale.z, strict=True)) == {"1": 75.0, "2": 33.3, "3": 0.0}
    assert list(_grey(figure).locations) == ["4"]
    assert (scale.zmin, scale.zmax) == (0.0, 100.0) and scale.colorbar.title.text == "Yes (%)"
    assert scale.colorscale == tuple(tuple(step) for step in sequential_scale(colour))
    assert colour in {step[1] for step in scale.colorscale}  # the category's own colour, as in the charts
    assert len({_colour_of(scale, location) for location in scale.locations}) == 3
    assert "<b>South</b><br>Yes: 33.3% (1 of 3)<br>Most common: No" in scale.text
    other = _scale(category_map(FEATURES, CATEGORICAL, "No", category_colours(["Yes", "No"])["No"]))
    assert dict(zip(other.locations, other.z, strict=True)) == {"1": 25.0, "2": 66.7, "3": 100.0}


def test_the_scale_starts_at_zero_so_close_figures_look_close():
    regions = [RegionResult(1, "North", False, 9, 34.07, total=306.63, responses=9, replied=9),
               RegionResult(2, "South", False, 9, 34.23, total=308.07, responses=9, replied=9),
               RegionResult(3, "West", False, 9, 17.0, total=153.0, responses=9, replied=9)]
    scale = _scale(numeric_map(FEATURES, regions, "average"))
    assert (scale.zmin, scale.zmax) == (0.0, 34.23)  # not 17 to 34.23, which would set 34.07 apart from 34.23
    north, south, west = (_colour_of(scale, location) for location in ("1", "2", "3"))
    assert north != south != west
    assert _distance(north, south) < 0.05 * _distance(north, west)


def _distance(a, b) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5


def test_zero_everywhere_is_still_a_scale():
    regions = [RegionResult(n, name, False, 1, 0.0, total=0.0, responses=1, replied=1)
               for n, name in ((1, "North"), (2, "South"))]
    scale = _scale(numeric_map(FEATURES, regions, "sum"))
    assert (scale.zmin, scale.zmax) == (0.0, 1.0) and list(scale.z) == [0.0, 0.0]
