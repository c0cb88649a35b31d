"""Poll charts: a question over time (areas and lines) and on one date (pie, bars, histograms)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from tracpro.charts.colours import category_colours
from tracpro.i18n import N_, _, format_date, format_number
from tracpro.text import escape_plotly

MEASURES = {"sum": N_("Sum of responses"), "average": N_("Average of responses"),
            "response-rate": N_("Response rate (%)")}
_COLUMNS = {"sum": "sum", "average": "average", "response-rate": "response_rate"}


def _layout(figure: go.Figure, height: int = 320) -> go.Figure:
    figure.update_layout(
        height=height, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h", y=-0.2),
        hovermode="x unified", xaxis_title=None,
    )
    figure.update_yaxes(tickformat=",~r")
    return figure


def _dates_on_axis(figure: go.Figure, days: pd.Series) -> None:
    """A chart of one or two dates names them on its axis: left to plotly, the axis of a single
    date zooms in to fractions of a second ("23:59:59.9995")."""
    distinct = sorted(days.unique())
    if len(distinct) <= 2:
        figure.update_xaxes(tickvals=distinct)


def numeric_over_time(points: pd.DataFrame, measure: str = "sum") -> go.Figure:
    """One measure per date; one series per region when the data is split. Sums are stacked
    areas (the regions' parts make the whole); averages and response rates are lines, since
    they do not add up: three regions averaging 55 are not 165 together."""
    column = _COLUMNS[measure]
    points = points.assign(series=points["series"].map(escape_plotly))  # region names
    draw = px.area if measure == "sum" else px.line
    figure = draw(points, x="day", y=column, color="series", markers=True,
                  labels={"day": _("Date"), column: _(MEASURES[measure]), "series": ""},
                  custom_data=["pollrun_id"])
    figure.update_traces(hovertemplate="%{y:,}<extra>%{fullData.name}</extra>")
    if points["series"].nunique() == 1:
        figure.update_layout(showlegend=False)
    _dates_on_axis(figure, points["day"])
    return _layout(figure)


def categories_over_time(points: pd.DataFrame, categories: Sequence[str | None]) -> go.Figure:
    """100%-stacked areas: each date's share of each category, with the counts in the hover. A
    single date has no span for an area (plotly would draw loose dots): it is one 100%-stacked bar."""
    colours = category_colours([*categories, *points["category"].unique()])
    if points["day"].nunique() == 1:
        return _categories_on_one_date(points, colours)
    figure = go.Figure()
    for category, rows in points.groupby("category", sort=False, dropna=False):
        figure.add_trace(go.Scatter(
            x=rows["day"], y=rows["count"], name=escape_plotly(category), stackgroup="one", groupnorm="percent",
            # The category column holds names, None where an answer has none.
            mode="lines+markers", line=dict(color=colours.get(cast("str | None", category))),
            # plotly-stubs allow numbers only as customdata; plotly takes any table.
            customdata=rows[["count", "pollrun_id"]],  # type: ignore[arg-type]
            hovertemplate="%{y:.1f}% (%{customdata[0]:,})<extra>%{fullData.name}</extra>",
        ))
    figure.update_yaxes(title=_("Percent"), ticksuffix="%", range=[0, 100])
    _dates_on_axis(figure, points["day"])
    return _layout(figure)


def _categories_on_one_date(points: pd.DataFrame, colours: dict[str | None, str]) -> go.Figure:
    """One horizontal bar, 100% long, split into each category's share (its count in the hover)."""
    day = points["day"].iloc[0]
    label = format_date(day.date() if isinstance(day, pd.Timestamp) else day)
    totals: dict[str | None, int] = {}  # by hand: a groupby would make a category None a NaN
    for category, count in zip(points["category"], points["count"], strict=True):
        totals[category] = totals.get(category, 0) + int(count)
    whole = sum(totals.values()) or 1
    figure = go.Figure()
    for category, count in totals.items():
        share = 100 * int(count) / whole
        figure.add_trace(go.Bar(
            # plotly-stubs allow numbers only as y; plotly puts the date's label on a horizontal bar's axis.
            x=[share], y=[label], orientation="h", name=escape_plotly(category),  # type: ignore[arg-type]
            marker=dict(color=colours.get(category)),
            # The pollrun last, so a click opens it; plotly-stubs allow numbers only, plotly takes a table.
            customdata=[[count, int(points["pollrun_id"].iloc[0])]],  # type: ignore[list-item]
            text=[f"{format_number(round(share))}%" if share >= 5 else ""], textposition="inside",
            hovertemplate="%{x:.1f}% (%{customdata[0]:,})<extra>%{fullData.name}</extra>",
        ))
    figure.update_layout(barmode="stack", height=200, margin=dict(l=10, r=10, t=10, b=10),
                         legend=dict(orientation="h", y=-0.35), hovermode="closest")
    figure.update_xaxes(title=_("Percent"), ticksuffix="%", range=[0, 100])
    figure.update_yaxes(title=None)
    return figure


def category_pie(labels: Sequence[str], counts: Sequence[int], order: Sequence[str | None] = ()) -> go.Figure:
    colours = category_colours([*order, *labels])
    figure = go.Figure(go.Pie(
        labels=[escape_plotly(label) for label in labels], values=list(counts), sort=False,
        marker=dict(colors=[colours[label] for label in labels]),
        hovertemplate="%{label}: %{value:,} (%{percent})<extra></extra>", textinfo="percent+label",
    ))
    figure.update_layout(height=320, margin=dict(l=10, r=10, t=10, b=10), showlegend=False)
    return figure


def count_bars(labels: Sequence[str], counts: Sequence[int], order: Sequence[str | None] = (),
               histogram: bool = False) -> go.Figure:
    """Horizontal bars of counts: categories (in their colours) or histogram bins (one colour)."""
    colours = category_colours([*order, *labels])
    bar_colours = ["#1F49BF"] * len(labels) if histogram else [colours[label] for label in labels]
    figure = go.Figure(
        go.Bar(
            x=list(counts),
            orientation="h",
            marker=dict(color=bar_colours),
            # plotly-stubs allow numbers only as y; plotly puts category names on a horizontal bar's axis.
            y=[escape_plotly(label) for label in labels],  # type: ignore[arg-type]
            hovertemplate="%{y}: %{x:,}<extra></extra>",
            text=[format_number(count) for count in counts],
            textposition="auto",
        )
    )
    _layout(figure, height=max(200, 60 + 36 * len(labels)))  # before the axes: it clears the x title
    figure.update_yaxes(autorange="reversed", title=None)
    figure.update_xaxes(title=_("Responses"), tickformat=",d", dtick=1 if max(counts, default=0) < 10 else None)
    return figure
