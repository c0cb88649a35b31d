"""Activity: who answered lately in the regions you see, and through which languages and channels."""

import streamlit as st

from tracpro.charts.activity import over_time
from tracpro.queries.activity import most_active, responses_by
from tracpro.ui.context import require_scope
from tracpro.ui.database import read_scoped
from tracpro.ui.plots import described, figure_of, plot
from tracpro.ui.rankings import most_active_charts
from tracpro.ui.tables import NUMBER, by_dimension, day

DAYS = 90
DIMENSIONS = {
    "language": ("Language", "by the contact's language"),
    "channel": ("Channel", "by channel: how the contact is reached (their URN's kind)"),
}

scope = require_scope()
st.title("Activity")
st.caption("Partial and complete responses to active polls, from the regions you see.")
most_active_charts(read_scoped(most_active, scope))

for dimension, (label, explained) in DIMENSIONS.items():
    st.subheader(f"Responses by {dimension}", anchor=False)
    responses = read_scoped(responses_by, scope, dimension=dimension, days=DAYS)
    daily, totals, latest = by_dimension(responses, dimension)
    if daily.empty:
        st.info(f"No responses in the last {DAYS} days.")
        continue
    st.caption(f"Each day of the last {DAYS} days, {explained}.")
    plot(figure_of(over_time, daily, label), alt=f"Responses by {dimension}: {described(totals['value'], totals['Total'])}")
    latest_day = st.column_config.NumberColumn(day(latest), format="localized", help="The latest day with any")
    st.dataframe(totals.rename(columns={"value": label}), hide_index=True, width="content",
                 column_config={"Total": NUMBER, "Latest day": latest_day})
