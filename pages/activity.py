"""Activity: who answered lately in the regions you see, and through which languages and channels."""

import streamlit as st

from tracpro.charts.activity import over_time
from tracpro.i18n import N_, _
from tracpro.queries.activity import most_active, responses_by
from tracpro.ui.clock import today
from tracpro.ui.context import require_scope
from tracpro.ui.database import read_scoped
from tracpro.ui.plots import described, figure_of, plot
from tracpro.ui.rankings import most_active_charts
from tracpro.ui.tables import by_dimension, day, number

DAYS = 90
# Per dimension: its column's label, the section's heading, and what each day's bar is split by
# (marked here, translated where shown).
DIMENSIONS = {
    "language": (N_("Language"), N_("Responses by language"),
                 N_("Each day of the last {days} days, by the contact's language.")),
    "channel": (N_("Channel"), N_("Responses by channel"),
                N_("Each day of the last {days} days, by channel: how the contact is reached (their URN's kind).")),
}

scope = require_scope()
st.title(_("Activity"))
st.caption(_("Partial and complete responses to active polls, from the regions you see."))
org_today = today(scope)
most_active_charts(read_scoped(most_active, scope, today=org_today))

for dimension, (label, title, explained) in DIMENSIONS.items():
    label, title = _(label), _(title)
    st.subheader(title, anchor=False)
    responses = read_scoped(responses_by, scope, dimension=dimension, today=org_today, days=DAYS)
    daily, totals, latest = by_dimension(responses, dimension)
    if daily.empty:
        st.info(_("No responses in the last {days} days.").format(days=DAYS))
        continue
    st.caption(_(explained).format(days=DAYS))
    plot(figure_of(over_time, daily, label), alt=f"{title}: {described(totals['value'], totals['Total'])}")
    latest_day = st.column_config.NumberColumn(day(latest), format="localized", help=_("The latest day with any"))
    st.dataframe(totals.rename(columns={"value": label}), hide_index=True, width="content",
                 column_config={"Total": number(_("Total")), "Latest day": latest_day})
