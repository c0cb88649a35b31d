"""Every chart shows the names and answers it is given as text: Plotly renders a subset of HTML
(<b>, <a href>, <br> ...) in legends, labels, titles, annotations and hover texts, so theirs
arrive escaped (&lt; ...), which Plotly draws as the characters they stand for."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from tracpro.charts.activity import over_time, ranking
from tracpro.charts.indicators import baseline_chart, categorical_comparison, numeric_comparison
from tracpro.charts.maps import category_map, numeric_map
from tracpro.charts.polls import categories_over_time, category_pie, count_bars, numeric_over_time
from tracpro.queries.maps import RegionResult
from tracpro.text import escape_plotly

NAME = '<a href="http://attacker/x"><b>Bold</b></a> <img src=x onerror=alert(1)> & co'
OTHER = "<i>Other</i>"
DAYS = [date(2026, 11, 1), date(2026, 11, 2)]
SQUARE = {"type": "MultiPolygon", "coordinates": [[[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]]}


def _points(**columns) -> pd.DataFrame:
    return pd.DataFrame({"day": DAYS * 2, **columns})


CHARTS = {
    "ranking": lambda: ranking(pd.DataFrame({"region": [NAME, OTHER], "responses": [3, 1]}), "region"),
    "over_time": lambda: over_time(pd.DataFrame({"day": DAYS, "value": [NAME, OTHER], "responses": [1, 2]}),
                                   "Language"),
    "numeric_over_time": lambda: numeric_over_time(_points(series=[NAME, NAME, OTHER, OTHER], sum=[1, 2, 3, 4],
                                                           pollrun_id=[1, 2, 1, 2])),
    "categories_over_time": lambda: categories_over_time(
        _points(category=[NAME, NAME, OTHER, OTHER], count=[1, 2, 3, 4], pollrun_id=[1, 2, 1, 2]), [NAME, OTHER]),
    "category_pie": lambda: category_pie([NAME, OTHER], [2, 1], [NAME, OTHER]),
    "count_bars": lambda: count_bars([NAME, OTHER], [2, 1], [NAME, OTHER]),
    "baseline_chart": lambda: baseline_chart(DAYS, 2.0, [1.0, 3.0], NAME),
    "numeric_comparison": lambda: numeric_comparison(
        _points(region=[NAME, NAME, OTHER, OTHER], average=[1, 2, 3, 4], responses=[1, 1, 1, 1]), [NAME, OTHER]),
    "categorical_comparison": lambda: categorical_comparison(
        _points(region=[NAME, NAME, OTHER, OTHER], category=[NAME, OTHER, NAME, OTHER], count=[1, 2, 3, 4]),
        [NAME, OTHER], [NAME, OTHER]),
    "category_map": lambda: category_map(
        {"type": "FeatureCollection", "features": [{"type": "Feature", "id": "1", "geometry": SQUARE,
                                                    "properties": {"region_id": "1"}}]},
        [RegionResult(1, NAME, False, 2, None, NAME, counts=((NAME, 2),))], NAME, "#1F49BF"),
    "numeric_map": lambda: numeric_map(
        {"type": "FeatureCollection", "features": [{"type": "Feature", "id": "1", "geometry": SQUARE,
                                                    "properties": {"region_id": "1"}}]},
        [RegionResult(1, NAME, False, 2, 3.0, NAME, total=6.0, responses=2, replied=2)]),
}


def _texts(figure: go.Figure) -> list[str]:
    found: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(figure.to_json()))
    return found


@pytest.mark.parametrize("chart", list(CHARTS))
def test_names_reach_the_figure_escaped(chart):
    texts = _texts(CHARTS[chart]())
    assert not [text for text in texts if "<a " in text or "<img" in text or "<b>Bold" in text or "<i>" in text]
    assert any(escape_plotly(NAME) in text for text in texts)
