"""Polls: the org's polls, how many questions each has, its dates you may see, and the last one."""

import streamlit as st

from tracpro.i18n import _, format_number, ngettext
from tracpro.queries.pollruns import poll_list
from tracpro.ui.context import require_scope
from tracpro.ui.database import read_scoped
from tracpro.ui.table_view import show_table
from tracpro.ui.tables import poll_rows

scope = require_scope()
st.title(_("Polls"))
polls = read_scoped(poll_list, scope)
if polls.empty:
    st.info(_("No polls yet: an administrator chooses which RapidPro flows are polls."))
    st.stop()

st.caption(ngettext("{count} poll. Open a poll to see its charts and dates.",
                    "{count} polls. Open a poll to see its charts and dates.", len(polls)).format(
    count=format_number(len(polls))))
show_table(poll_rows(polls), key="polls")
