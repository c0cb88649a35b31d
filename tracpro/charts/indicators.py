"""Indicator and region-comparison charts (the comparison is ours, not the original TracPro's).

An indicator is an area of the follow-up sums per date under a flat baseline line. A comparison
puts regions side by side over time: one line per region for numbers; for categories, one row
of 100%-stacked bars per region, the same category in the same colour in every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tracpro.charts.colours import PALETTE, category_colours
from tracpro.i18n import N_, _
from tracpro.text import escape_plotly

BASELINE_COLOUR = "#A7082C"
FOLLOW_UP_COLOUR = "#1F49BF"
MEASURES = {"sum": N_("Sum of responses"), "average": N_("Average of responses"),
            "response_rate": N_("Response rate (%)")}


def _layout(figure: go.Figure, height: int) -> go.Figure:
    # The legend sits under the plot: on a 390 px phone a legend at the side would squeeze it.
    figure.update_layout(
        height=height, margin=dict(l=10, r=10, t=10, b=10), hovermode="x unified",
        legend=dict(orientation="h", yanchor="top", y=-0.12, x=0), xaxis_title=None,
    )
    figure.update_xaxes(tickformat="%b %d", hoverformat="%b %d, %Y")
    figure.update_yaxes(tickformat=",~r")
    return figure


def baseline_chart(days: Sequence[date], baseline: float, follow_up: Sequence[float], y_axis_title: str = "",
                   *, height: int = 340) -> go.Figure:
    """The follow-up sums per date as an area, and the baseline (or goal) as a flat line."""
    days = list(days)
    follow_up_name, baseline_name = _("Follow up"), _("Baseline")
    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=days, y=list(follow_up), name=follow_up_name, mode="lines+markers", fill="tozeroy", cliponaxis=False,
        line=dict(color=FOLLOW_UP_COLOUR), hovertemplate="%{y:,}<extra>" + follow_up_name + "</extra>",
    ))
    figure.add_trace(
        go.Scatter(
            x=days,
            y=[baseline] * len(days),
            name=baseline_name,
            mode="lines",
            line=dict(color=BASELINE_COLOUR, dash="dash", width=2),
            hovertemplate="%{y:,}<extra>" + baseline_name + "</extra>",
        )
    )
    figure.update_yaxes(title=escape_plotly(y_axis_title) if y_axis_title else None, rangemode="tozero")
    if len(days) == 1:  # one date: a point, not a hairline area; show the date itself
        figure.update_xaxes(tickvals=days)
    return _layout(figure, height)


def region_colours(regions: Sequence[str]) -> dict[str, str]:
    """One colour per region, in the order chosen (a region is not a category: no grey "Other")."""
    return {region: PALETTE[index % len(PALETTE)] for index, region in enumerate(dict.fromkeys(regions))}


def numeric_comparison(points: pd.DataFrame, regions: Sequence[str], measure: str = "average") -> go.Figure:
    """One line per region of `measure` (sum, average or response_rate) on each date."""
    colours = region_colours(regions)
    hover = _("{value} ({count} responses)").format(value="%{y:,}", count="%{customdata[0]:,}")
    figure = go.Figure()
    for region in colours:
        rows = points[points["region"] == region].sort_values("day")
        figure.add_trace(go.Scatter(
            x=rows["day"], y=rows[measure], name=escape_plotly(region), mode="lines+markers",
            line=dict(color=colours[region]),
            hovertemplate=hover + "<extra>%{fullData.name}</extra>",
            # plotly-stubs allow numbers only as customdata; plotly takes any table.
            customdata=rows[["responses"]],  # type: ignore[arg-type]
        ))
    figure.update_yaxes(title=_(MEASURES[measure]), rangemode="tozero")
    return _layout(figure, 360)


def categorical_comparison(points: pd.DataFrame, regions: Sequence[str], categories: Sequence[str]) -> go.Figure:
    """One row per region (small multiples): each date's share of each category, stacked to 100%."""
    regions = list(dict.fromkeys(regions))
    colours = category_colours([*categories, *points["category"].unique()])
    figure = make_subplots(rows=len(regions), cols=1, shared_xaxes=True,
                           subplot_titles=[escape_plotly(region) for region in regions],
                           vertical_spacing=0.08 if len(regions) > 1 else 0.0)
    legend_order = [c for c in colours if c in set(points["category"])]
    for row, region in enumerate(regions, start=1):
        mine = points[points["region"] == region]
        totals = mine.groupby("day")["count"].sum()
        for category in legend_order:
            rows = mine[mine["category"] == category].sort_values("day")
            shares = [100.0 * count / totals[day] if totals[day] else 0.0
                      for day, count in zip(rows["day"], rows["count"], strict=True)]
            figure.add_trace(go.Bar(
                x=rows["day"], y=shares, name=escape_plotly(category), marker_color=colours[category],
                legendgroup=escape_plotly(category), showlegend=row == 1,
                # plotly-stubs allow numbers only as customdata; plotly takes any table.
                customdata=rows[["count"]],  # type: ignore[arg-type]
                hovertemplate="%{y:.1f}% (%{customdata[0]:,})<extra>%{fullData.name}</extra>",
            ), row=row, col=1)
        figure.update_yaxes(range=[0, 100], ticksuffix="%", row=row, col=1)
    height = 120 + 170 * len(regions)
    _layout(figure, height)
    # The legend just under the last row: a fraction of a tall figure would leave a gap.
    figure.update_layout(barmode="stack", bargap=0.25, legend=dict(y=-40 / height))
    figure.update_annotations(font_size=13, xanchor="left", x=0)
    return figure
