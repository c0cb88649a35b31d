"""An indicator on a page: its filters, its chart beside its summary table, and the list of them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracpro.auth.scope import Scope
from tracpro.charts.indicators import baseline_chart
from tracpro.i18n import N_, _, format_date, format_number
from tracpro.polls.filters import PollFilters
from tracpro.queries.choices import IndicatorValues
from tracpro.queries.fields import visible_fields
from tracpro.queries.indicators import IndicatorData, IndicatorFilters
from tracpro.text import escape_markdown
from tracpro.ui.context import Context
from tracpro.ui.database import read_scoped
from tracpro.ui.navigation import INDICATOR
from tracpro.ui.plots import described, plot_config
from tracpro.ui.table_view import Link, Table, show_table
from tracpro.ui.tables import day_column, heading

NO_DATA = N_("No data to display for the current filters: no follow-up poll date falls between these dates.")


def indicator_table(indicators: tuple[tuple, ...]) -> None:
    """The org's indicators, newest first: a row opens its indicator."""
    table = pd.DataFrame([row[1:] for row in indicators],
                         columns=["Name", "Start date", "End date", "Baseline question", "Follow up question"])
    config = {"Name": heading(_("Name"), pinned=True), "Start date": day_column(_("Start date")),
              "End date": day_column(_("End date")), "Baseline question": heading(_("Baseline question")),
              "Follow up question": heading(_("Follow up question"))}
    show_table(Table(table, config, dates={"Start date": "day", "End date": "day"},
                     rows=[Link(INDICATOR, {"indicator": row[0]}) for row in indicators],
                     hint=_("Click a row to open the indicator.")), key="indicators")


def indicator_filters(scope: Scope, context: Context, values: IndicatorValues) -> IndicatorFilters | None:
    """Goal, contact region, dates and contact fields; None (and why) when the dates cannot be used."""
    key = f"indicator-{values.indicator_id}"
    regions = dict(context.region_names)
    fields = read_scoped(visible_fields, scope)
    all_regions = _("All regions in view")
    with st.expander(_("Filters"), icon=":material/filter_list:"):
        goal_column, region_column = st.columns(2)
        goal = goal_column.number_input(
            _("Goal"), value=None, key=f"{key}.goal", placeholder=_("The baseline"),
            help=_("If given, this value is used instead of the baseline data."))
        region_id = region_column.selectbox(
            _("Contact region"), [None, *regions], key=f"{key}.region",
            format_func=lambda region: regions.get(region, all_regions),
            help=_("Only contacts whose own region is this one."))
        start_column, end_column = st.columns(2)
        start = start_column.date_input(_("Start date"), value=values.start_date, key=f"{key}.start",
                                        format="YYYY-MM-DD")
        end = end_column.date_input(_("End date"), value=values.end_date, key=f"{key}.end", format="YYYY-MM-DD")
        texts = {}
        if fields:
            columns = st.columns(min(len(fields), 3))
            for index, (field, label) in enumerate(fields):
                texts[field] = columns[index % len(columns)].text_input(
                    _("Contact: {field}").format(field=escape_markdown(label)), key=f"{key}.contact_{field}",
                    help=_("Contacts whose field contains this text (any case)."))
    if start and end and start > end:
        st.error(_("Start date should be before end date. Fix the filters above to see the data."))
        return None
    return IndicatorFilters(goal=goal, region_id=region_id, start=start or None, end=end or None,
                            contact_fields=PollFilters().with_contact_fields(texts).contact_fields)


def indicator_chart(data: IndicatorData, *, height: int = 340, key: str | None = None) -> None:
    figure = baseline_chart(data.days, data.baseline, data.follow_up, data.y_axis_title, height=height)
    figure.update_layout(dragmode=False)
    figure.update_xaxes(fixedrange=True)
    figure.update_yaxes(fixedrange=True)
    follow_ups = described(
        [format_date(day, "day_month") for day in data.days], [round(value) for value in data.follow_up]
    )
    st.plotly_chart(figure, config=plot_config(), key=key,
                    alt=_("{name}: baseline {baseline}; follow-up sums by date: {follow_ups}").format(
                        name=data.name, baseline=format_number(data.baseline, 1), follow_ups=follow_ups))


def indicator_result(data: IndicatorData | None) -> None:
    """The chart beside the summary table (one above the other on a phone)."""
    if data is None:
        st.info(_(NO_DATA))
        return
    chart, table = st.columns([3, 2])
    with chart:
        indicator_chart(data, key="indicator-chart")
    with table:
        # A static table: its long values (dates, questions) wrap instead of being cut off. Its cells are Markdown.
        rows = [(escape_markdown(label), escape_markdown(value)) for label, value in data.table]
        st.table(pd.DataFrame(rows, columns=[_("Summary"), _("Value")]), hide_index=True, border="horizontal")
