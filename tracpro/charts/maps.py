"""Choropleth maps of regions, drawn with no tile server and no internet.

plotly's geo maps fetch a world TopoJSON even when the base map is hidden: pages pass
`MAP_CONFIG`, which points plotly.js at the empty one in static/ (served by Streamlit).
Boundaries' rings are wound clockwise when synced, as d3-geo needs them.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from tracpro.charts.colours import NO_DATA, category_colours
from tracpro.i18n import N_, _, format_number
from tracpro.text import escape_plotly

MAP_CONFIG = {"topojsonURL": "/app/static/", "displayModeBar": False, "scrollZoom": False}
NO_DATA_LABEL = N_("No data")


def region_map(features: dict, regions: Sequence, categories: Sequence[str], numeric: bool) -> go.Figure:
    """One polygon per region, coloured by its category (grey without data); the hover says the
    region's average (numeric questions) or its most common category and how many answered."""
    colours = category_colours(list(categories))
    figure = go.Figure()
    for category in [*categories, NO_DATA_LABEL]:
        members = [r for r in regions if (r.category or NO_DATA_LABEL) == category]
        if not members:
            continue
        colour = NO_DATA if category == NO_DATA_LABEL else colours.get(category)
        hover = [
            f"<b>{escape_plotly(r.name)}</b><br>"
            + (_("Average: {average}").format(average=format_number(r.average, 2)) + "<br>"
               if numeric and r.average is not None else "")
            + (_("Category: {category}").format(category=escape_plotly(r.category)) if r.category
               else _("No data available for this region")) + "<br>"
            + _("Answers: {count}").format(count=format_number(r.answers))
            for r in members
        ]
        figure.add_trace(go.Choropleth(
            geojson=features, featureidkey="properties.region_id", locations=[str(r.region_id) for r in members],
            z=[1] * len(members), colorscale=[[0, colour], [1, colour]], showscale=False,
            name=_(NO_DATA_LABEL) if category == NO_DATA_LABEL else escape_plotly(category),
            marker_line_color="white", marker_line_width=1, text=hover, hovertemplate="%{text}<extra></extra>",
            showlegend=True,
        ))
    figure.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    figure.update_layout(height=420, margin=dict(l=0, r=0, t=0, b=0), legend=dict(orientation="h", y=-0.05),
                         dragmode=False)
    return figure
