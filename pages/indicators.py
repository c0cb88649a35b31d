"""Recent indicators: the org's baselines against their follow-ups, newest first; administrators
add them here (and edit or delete them on each indicator's page).

Indicators belong to the whole org, like its polls, so only administrators manage them;
supervisors read them within their own regions (TracPro let supervisors edit them too).
"""

import streamlit as st

from tracpro.forms import FormErrors
from tracpro.i18n import _
from tracpro.indicators.editing import save_indicator
from tracpro.queries.choices import question_choices
from tracpro.queries.indicators import indicator_list
from tracpro.text import escape_markdown
from tracpro.ui.acting import acting_session
from tracpro.ui.context import notice, require_scope, require_signed_in, show_notice
from tracpro.ui.database import read_scoped
from tracpro.ui.forms import field_labels, forget_form, show_form_errors
from tracpro.ui.indicator_forms import INDICATOR_LABELS, indicator_form, numeric_choices
from tracpro.ui.indicators import indicator_table
from tracpro.ui.links import open_page
from tracpro.ui.navigation import INDICATOR

context = require_signed_in()
scope = require_scope()
st.title(_("Recent indicators"))
st.caption(_("Each indicator compares a baseline (each contact's first answer in its term) with the sums of "
             "the follow-up answers on each poll date of the term."))
show_notice()

indicators = read_scoped(indicator_list, scope)
if indicators:
    indicator_table(indicators)
elif context.is_admin:
    st.info(_("No indicators yet. Add the first one below."))
else:
    st.info(_("No indicators yet. An administrator of your organisation can add them."))

if context.is_admin:
    st.subheader(_("Add an indicator"), anchor=False)
    choices = numeric_choices(read_scoped(question_choices, scope))
    if not choices:
        st.info(_("An indicator sums the answers to numeric questions, and no active poll has one yet."))
        st.stop()
    draft = indicator_form("add_indicator", choices)
    if draft is not None:
        try:
            with acting_session() as db:
                indicator_id = save_indicator(db, context.actor, draft).id
        except FormErrors as refusal:
            show_form_errors(refusal, field_labels(INDICATOR_LABELS))
        else:
            forget_form("add_indicator")
            st.cache_data.clear()
            notice(_("Indicator “{name}” added.").format(name=escape_markdown(draft.name.strip())), "success")
            open_page(INDICATOR, indicator=indicator_id)
