"""Choropleth maps of regions, drawn with no tile server and no internet.

A numeric question shades each region by its sum, average or response rate on a continuous
scale; a categorical one by the share of one category (as U-Report's maps do), on a scale of
that category's own colour. A region without answers is not a region at zero: it is drawn apart,
in grey, and named so in the legend.

plotly's geo maps fetch a world TopoJSON even when the base map is hidden: pages pass
`MAP_CONFIG`, which points plotly.js at the empty one in static/ (served by Streamlit).
Boundaries' rings are wound clockwise when synced, as d3-geo needs them.

`regions` are the read model's RegionResult (name, answers, responses, average, total,
response_rate, category, share(category)); charts take them as they come, never the database.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from tracpro.charts.colours import PALETTE
from tracpro.i18n import N_, _, format_number
from tracpro.text import escape_plotly

MAP_CONFIG = {"topojsonURL": "/app/static/", "displayModeBar": False, "scrollZoom": False}
NO_ANSWERS = N_("No answers")
NO_RESPONSES = N_("No responses")
MEASURES = {"sum": N_("Sum"), "average": N_("Average"), "response-rate": N_("Response rate (%)")}
# Drawn apart from every scale: lighter than each scale's lightest end, and outlined darker.
NO_DATA_FILL, NO_DATA_LINE = "#f0f0f0", "#9e9e9e"
NUMERIC_COLOUR = PALETTE[0]


def _mix(colour: str, other: str, amount: float) -> str:
    """`colour` moved `amount` (0–1) of the way to `other`."""
    a = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * amount):02x}" for x, y in zip(a, b, strict=True))


def sequential_scale(colour: str) -> list[list]:
    """From a pale tint of `colour` through the colour itself to a darker shade of it: one hue,
    so the darker a region, the more it holds."""
    return [[0.0, _mix(colour, "#ffffff", 0.8)], [0.6, colour], [1.0, _mix(colour, "#000000", 0.45)]]


def percent(value: float) -> str:
    return f"{format_number(value, 1)}%"


def measure_value(region, measure: str) -> float | None:
    """The figure a numeric map shows for `region`; None where it has none (never 0 for that)."""
    return {"sum": region.total, "average": region.average, "response-rate": region.response_rate}[measure]


def measure_text(value: float, measure: str) -> str:
    """A figure as the hover and the map's description write it: sums of whole numbers whole."""
    if measure == "response-rate":
        return percent(value)
    if measure == "sum" and float(value).is_integer():
        return format_number(int(value))
    return format_number(value, 2)


def numeric_map(features: dict, regions: Sequence, measure: str = "average") -> go.Figure:
    """Each region shaded by its sum, average or response rate (`measure`); the hover gives the
    figure with the answers and responses it comes from."""
    values = {r.region_id: measure_value(r, measure) for r in regions}
    hover = {}
    for r in regions:
        value = values[r.region_id]
        lines = [f"<b>{escape_plotly(r.name)}</b>"]
        if value is not None:
            lines.append(f"{_(MEASURES[measure])}: {measure_text(value, measure)}")
        # A response rate counts every answer; sums and averages only the numbers.
        answers = r.replied if measure == "response-rate" else r.answers
        lines.append(_("Answers: {count}").format(count=format_number(answers)))
        lines.append(_("Poll responses: {count}").format(count=format_number(r.responses)))
        hover[r.region_id] = "<br>".join(lines)
    rate = measure == "response-rate"
    return _choropleth(features, regions, values, hover, sequential_scale(NUMERIC_COLOUR), _(MEASURES[measure]),
                       _(NO_RESPONSES) if rate else _(NO_ANSWERS), (0.0, 100.0) if rate else None,
                       "%" if rate else "")


def category_map(features: dict, regions: Sequence, category: str, colour: str) -> go.Figure:
    """Each region shaded by the share of its answers that are `category` (0–100 %), on a scale
    of `colour`, the category's colour in every chart; the hover gives the share, the count and
    the region's most common answer."""
    values = {r.region_id: r.share(category) for r in regions}
    hover = {}
    for r in regions:
        lines = [f"<b>{escape_plotly(r.name)}</b>"]
        if r.answers:
            count = dict(r.counts).get(category, 0)
            lines.append(_("{category}: {share} ({count} of {answers})").format(
                category=escape_plotly(category), share=percent(values[r.region_id] or 0.0),
                count=format_number(count), answers=format_number(r.answers)))
            lines.append(_("Most common: {category}").format(category=escape_plotly(r.category)))
        else:
            lines.append(_(NO_ANSWERS))
        hover[r.region_id] = "<br>".join(lines)
    title = _("{category} (%)").format(category=escape_plotly(category))
    return _choropleth(features, regions, values, hover, sequential_scale(colour), title, _(NO_ANSWERS),
                       (0.0, 100.0), "%")


def _choropleth(features: dict, regions: Sequence, values: dict, hover: dict, scale: list, title: str,
                missing: str, bounds: tuple[float, float] | None, suffix: str) -> go.Figure:
    """The regions with a value on one continuous scale (its bar titled `title`), the others in
    one grey trace named `missing` in the legend."""
    figure = go.Figure()
    shaded = [r for r in regions if values[r.region_id] is not None]
    empty = [r for r in regions if values[r.region_id] is None]
    if shaded:
        z = [values[r.region_id] for r in shaded]
        # From zero, as the charts' axes are: averages of 34.1 and 34.2 are nearly the same colour,
        # not the two ends of the scale.
        low, high = bounds or (min(0.0, *z), max(0.0, *z))
        if low == high:  # zero everywhere: the scale's pale end, with room above it
            high = 1.0
        figure.add_trace(go.Choropleth(
            geojson=features, featureidkey="properties.region_id", locations=[str(r.region_id) for r in shaded],
            z=z, zmin=low, zmax=high, colorscale=scale, showscale=True, showlegend=False,
            colorbar=dict(title=dict(text=title, side="top"), orientation="h", x=0.5, xanchor="center", y=-0.02,
                          yanchor="top", len=0.7, thickness=12, ticksuffix=suffix, tickformat=",~r"),
            marker_line_color="white", marker_line_width=1, text=[hover[r.region_id] for r in shaded],
            hovertemplate="%{text}<extra></extra>", name=title,
        ))
    if empty:
        figure.add_trace(go.Choropleth(
            geojson=features, featureidkey="properties.region_id", locations=[str(r.region_id) for r in empty],
            z=[0] * len(empty), colorscale=[[0, NO_DATA_FILL], [1, NO_DATA_FILL]], showscale=False, showlegend=True,
            name=missing, marker_line_color=NO_DATA_LINE, marker_line_width=1,
            text=[hover[r.region_id] for r in empty], hovertemplate="%{text}<extra></extra>",
        ))
    figure.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    # The colour bar under the map, and under it the grey's legend: side by side they would overlap
    # on a phone.
    figure.update_layout(height=480 if empty else 440, margin=dict(l=0, r=0, t=0, b=110 if empty else 70),
                         dragmode=False,
                         legend=dict(orientation="h", x=0.5, xanchor="center", y=-0.2, yanchor="top"))
    return figure
