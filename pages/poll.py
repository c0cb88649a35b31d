"""A poll (?poll=ID): each active question over the poll's dates (Charts), and its dates (Dates).

Filters live in the address; clicking a point of a chart opens that date with the same filters.
"""

import streamlit as st

from tracpro.i18n import N_, _, format_number, ngettext
from tracpro.polls.filters import NumericDisplay
from tracpro.queries.poll_charts import poll_over_time
from tracpro.queries.pollruns import poll_dates, poll_header
from tracpro.text import escape_markdown
from tracpro.ui.clock import today
from tracpro.ui.context import require_scope, require_signed_in
from tracpro.ui.database import read_scoped
from tracpro.ui.filters import poll_filters
from tracpro.ui.links import filter_params, open_page, page_link
from tracpro.ui.maps import map_tabs, poll_map
from tracpro.ui.navigation import POLLRUN, POLLS, START_POLL
from tracpro.ui.params import read_found, require_id, url_tabs
from tracpro.ui.question_blocks import over_time
from tracpro.ui.table_view import show_table
from tracpro.ui.tables import day, pollrun_rows

UNIVERSAL_ONLY = N_(
    "Charts include only poll dates started in RapidPro. "
    "Choose a region in the sidebar to see regional poll dates too."
)
# The tabs as the address names them (?tab=dates); shown translated.
CHARTS, DATES = N_("Charts"), N_("Dates")

context = require_signed_in()
scope = require_scope()
poll_id = require_id("poll", "poll", POLLS, _("All polls"))
poll = read_found(poll_header, scope, poll_id=poll_id, back_page=POLLS, back_label=_("All polls"))
st.title(escape_markdown(poll.name))
page_link(START_POLL, _("Start this poll"), icon=":material/play_circle:", poll=poll_id)
tabs = url_tabs([CHARTS, DATES, *map_tabs(scope)], key="poll_tab")

with tabs[CHARTS]:
    filters = poll_filters(scope) if tabs[CHARTS].open else None
    if filters is not None:
        region = dict(context.region_names).get(scope.selected_region_id)
        if region is None:
            st.caption(_(UNIVERSAL_ONLY))
        charts = read_scoped(poll_over_time, scope, poll_id=poll_id, filters=filters, today=today(scope))
        if not charts.pollruns:
            st.info(_("No poll dates in this period: widen the date range."))
        else:
            dates = len(charts.pollruns)
            st.caption(ngettext(
                "{count} poll date, {first} to {last}. Click a point of a chart to open that date.",
                "{count} poll dates, {first} to {last}. Click a point of a chart to open that date.", dates,
            ).format(count=format_number(dates), first=day(charts.pollruns[0].day), last=day(charts.pollruns[-1].day)))
            for question in charts.questions:
                clicked = over_time(question, filters.numeric, region)
                if clicked is not None:
                    # As in TracPro: a response rate opens the date's participation.
                    rate = question.kind == "numeric" and filters.numeric == NumericDisplay.RESPONSE_RATE
                    open_page(POLLRUN, pollrun=clicked, tab="participation" if rate else None,
                              **filter_params(filters))

with tabs[DATES]:
    if tabs[DATES].open:
        dates = read_scoped(poll_dates, scope, poll_id=poll_id)
        if dates.empty:
            st.info(_("No dates yet for this poll. They appear with the sync after its first responses."))
        else:
            st.caption(ngettext("{count} date, newest first.", "{count} dates, newest first.", len(dates)).format(
                count=format_number(len(dates))))
            show_table(pollrun_rows(dates, with_poll=False), key="poll-dates")

poll_map(scope, poll_id, tabs)
