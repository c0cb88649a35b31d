"""Indicator and region-comparison charts: the series, their colours, hover values and the
shares of categories per region."""

from __future__ import annotations

from datetime import date

import pandas as pd

from tracpro.charts.colours import PALETTE, category_colours
from tracpro.charts.indicators import (
    BASELINE_COLOUR,
    baseline_chart,
    categorical_comparison,
    numeric_comparison,
)

DAYS = [date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 3)]


def test_the_follow_up_is_an_area_under_a_flat_baseline():
    figure = baseline_chart(DAYS, 12.5, [10.0, 14.0, 9.0], "Pupils")
    follow_up, baseline = figure.data
    assert (follow_up.name, follow_up.fill, list(follow_up.y)) == ("Follow up", "tozeroy", [10.0, 14.0, 9.0])
    assert (baseline.name, list(baseline.y), baseline.line.color) == ("Baseline", [12.5] * 3, BASELINE_COLOUR)
    assert list(follow_up.x) == DAYS
    assert "%{y:,}" in follow_up.hovertemplate and "Baseline" in baseline.hovertemplate
    assert figure.layout.yaxis.title.text == "Pupils"
    assert figure.layout.legend.orientation == "h"  # under the plot: a phone keeps the plot's width


def test_a_single_date_shows_that_date_as_its_tick():
    figure = baseline_chart(DAYS[:1], 3.0, [4.0])
    assert list(figure.layout.xaxis.tickvals) == [DAYS[0]]
    assert figure.layout.yaxis.title.text is None


def _numeric_points():
    rows = []
    for region, base in (("North", 1.0), ("South", 5.0)):
        for offset, day in enumerate(DAYS):
            rows.append({"region": region, "pollrun_id": offset, "day": day, "sum": base * 10 + offset,
                         "average": base + offset, "response_rate": 50.0, "responses": 2})
    return pd.DataFrame(rows)


def test_numbers_compare_as_one_line_per_region_in_the_order_chosen():
    figure = numeric_comparison(_numeric_points(), ["South", "North"], "average")
    assert [trace.name for trace in figure.data] == ["South", "North"]
    assert list(figure.data[0].y) == [5.0, 6.0, 7.0] and list(figure.data[1].y) == [1.0, 2.0, 3.0]
    assert [trace.line.color for trace in figure.data] == list(PALETTE[:2])
    assert figure.layout.yaxis.title.text == "Average of responses"
    assert "responses" in figure.data[0].hovertemplate


def test_categories_compare_as_one_row_of_shares_per_region_in_shared_colours():
    points = pd.DataFrame([
        {"region": "North", "pollrun_id": 1, "day": DAYS[0], "category": "Yes", "count": 3},
        {"region": "North", "pollrun_id": 1, "day": DAYS[0], "category": "No", "count": 1},
        {"region": "South", "pollrun_id": 1, "day": DAYS[0], "category": "Yes", "count": 0},
        {"region": "South", "pollrun_id": 1, "day": DAYS[0], "category": "No", "count": 2},
    ])
    figure = categorical_comparison(points, ["North", "South"], ["Yes", "No", "Other"])
    colours = category_colours(["Yes", "No", "Other"])
    by_row = {(trace.name, trace.yaxis): trace for trace in figure.data}
    assert list(by_row[("Yes", "y")].y) == [75.0] and list(by_row[("No", "y")].y) == [25.0]
    assert list(by_row[("Yes", "y2")].y) == [0.0] and list(by_row[("No", "y2")].y) == [100.0]
    assert by_row[("Yes", "y")].marker.color == by_row[("Yes", "y2")].marker.color == colours["Yes"]
    assert [trace.showlegend for trace in figure.data] == [True, True, False, False]  # one legend entry each
    assert [annotation.text for annotation in figure.layout.annotations] == ["North", "South"]
    assert figure.layout.barmode == "stack"
