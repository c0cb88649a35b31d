"""Start a poll (?poll=ID to start that one): in a region you see, and its sub-regions if you
wish. The new poll date opens at once and fills as the contacts answer."""

import streamlit as st

from tracpro.i18n import _
from tracpro.ui.action_forms import start_poll_form
from tracpro.ui.context import require_scope
from tracpro.ui.params import id_param

scope = require_scope()
st.title(_("Start a poll"))
st.caption(_("RapidPro sends the poll's flow to the contacts of the region you choose. The poll date appears at "
             "once; the answers arrive with each sync."))
start_poll_form(scope, id_param("poll"))
