"""Regions side by side: the comparison chart beside a table of the same numbers."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from tracpro.charts.indicators import MEASURES, categorical_comparison, numeric_comparison
from tracpro.i18n import _
from tracpro.polls.filters import NumericDisplay
from tracpro.queries.comparison import Comparison
from tracpro.ui.plots import plot_config
from tracpro.ui.table_view import Table, show_table

COLUMNS = {NumericDisplay.SUM: "sum", NumericDisplay.AVERAGE: "average", NumericDisplay.RESPONSE_RATE: "response_rate"}


def _still(figure):
    figure.update_layout(dragmode=False)
    figure.update_xaxes(fixedrange=True)
    figure.update_yaxes(fixedrange=True)
    return figure


def comparison_table(comparison: Comparison, regions: Sequence[str], measure: str) -> pd.DataFrame:
    """Numeric: one row per date, one column per region. Categorical: each region's count and share
    of each category over the whole period."""
    points = comparison.points
    if comparison.kind == "numeric":
        table = points.pivot_table(index="day", columns="region", values=measure, aggfunc="sum")
        table = table.reindex(columns=[r for r in regions if r in table.columns]).reset_index()
        return table.rename(columns={"day": _("Date")})
    totals = points.groupby(["region", "category"], sort=False)["count"].sum().reset_index()
    totals["share"] = (100.0 * totals["count"] / totals.groupby("region")["count"].transform("sum")).round(1)
    totals["order"] = totals["region"].map({region: index for index, region in enumerate(regions)})
    totals = totals.sort_values(["order", "count"], ascending=[True, False]).drop(columns="order")
    return totals.rename(columns={"region": _("Region"), "category": _("Category"), "count": _("Responses"),
                                  "share": _("Share (%)")})


def comparison_view(comparison: Comparison | None, regions: Sequence[str], numeric: NumericDisplay) -> None:
    if comparison is None:
        st.info(_("Only numeric and categorical questions can be compared."))
        return
    if comparison.points.empty:
        st.info(_("No poll dates in this period for these regions: widen the date range."))
        return
    shown = [region for region in regions if region in set(comparison.points["region"])]
    chart, table = st.columns([3, 2])
    if comparison.kind == "numeric":
        measure = COLUMNS[numeric]
        figure = numeric_comparison(comparison.points, shown, measure)
        alt = _("{measure} of “{question}” on each poll date, one line per region").format(
            measure=_(MEASURES[measure]), question=comparison.question)
        caption = _("{measure} per poll date (change it under Filters: Numeric display).").format(
            measure=_(MEASURES[measure]))
    else:
        measure = "count"
        figure = categorical_comparison(comparison.points, shown, comparison.categories)
        alt = _("Share of each answer to “{question}” on each poll date, one row per region").format(
            question=comparison.question)
        caption = _("Share of each answer per poll date; the table adds up the whole period.")
    with chart:
        st.plotly_chart(_still(figure), config=plot_config(), alt=alt, key="comparison-chart")
    with table:
        frame = comparison_table(comparison, shown, measure)
        number = st.column_config.NumberColumn(format="localized")
        show_table(Table(frame, {_("Date"): st.column_config.DateColumn(), **{region: number for region in shown},
                                 _("Responses"): number}, dates={_("Date"): "day"}), key="comparison-table")
        st.caption(caption)
