"""Poll settings: which RapidPro flows are polls (Select Flows), and each poll's names,
question types and visibility (Poll edit). Names set here survive every sync."""

import pandas as pd
import streamlit as st

from tracpro.db import session_scope
from tracpro.forms import FormErrors
from tracpro.i18n import N_, _, format_number, ngettext
from tracpro.orgs.choices import flow_choices, polls_for_edit
from tracpro.orgs.polls import edit_poll
from tracpro.orgs.tracking import set_active_polls
from tracpro.sync.requests import request_sync
from tracpro.text import escape_markdown
from tracpro.ui.acting import acting_session
from tracpro.ui.context import notice, require_org_admin, show_notice
from tracpro.ui.forms import forget_form, show_form_errors
from tracpro.ui.links import page_link
from tracpro.ui.params import url_tabs
from tracpro.ui.settings_forms import poll_edit_form

context, org_id = require_org_admin()
with session_scope() as db:
    flows = flow_choices(db, org_id)
    polls = polls_for_edit(db, org_id)

st.title(_("Poll settings"))
st.caption(_("Which RapidPro flows TracPro tracks as polls, and what their questions are called here."))
show_notice()
# The open tab lives in the address (url_tabs): saving reruns the page, which keeps it open.
choose_label, edit_label = N_("Choose polls"), N_("Edit a poll")
tabs = url_tabs([choose_label, edit_label], key="poll_settings_tab")
choosing, editing = tabs[choose_label], tabs[edit_label]

with choosing:
    if not flows:
        st.info(_("No RapidPro flows yet. They are listed here after the next sync."))
        page_link("pages/sync.py", _("Sync now"), icon=":material/sync:")
    else:
        labels = {flow.flow_uuid: _("{name} (archived)").format(name=flow.rapidpro_name) if flow.is_archived
                  else flow.rapidpro_name for flow in flows}
        with st.form("choose_polls"):
            chosen = st.multiselect(
                _("Flows tracked as polls"),
                list(labels),
                default=[f.flow_uuid for f in flows if f.is_active],
                format_func=labels.__getitem__,
                key="choose_polls.flows",
                help=_("Responses are synced for these flows only; other flows stay in RapidPro."),
                placeholder=_("Choose options"),
            )
            submitted = st.form_submit_button(_("Save"), type="primary", key="choose_polls.submit")
        if submitted:
            try:
                with acting_session() as db:
                    set_active_polls(db, context.actor, chosen)
                    request_sync(db, context.actor)
            except ValueError as error:
                st.error(escape_markdown(error))
            else:
                st.cache_data.clear()
                # The source text is the plural; the English catalog has the singular, as the others have their forms.
                tracking = ngettext(
                    "Now tracking {count} flows as polls. A sync has been requested: their questions "
                    "and responses arrive when it has run.",
                    "Now tracking {count} flows as polls. A sync has been requested: their questions "
                    "and responses arrive when it has run.",
                    len(chosen),
                )
                notice(tracking.format(count=len(chosen)), "success")
                st.rerun()
        st.caption(
            ngettext("{count} flows in RapidPro as of the last sync.", "{count} flows in RapidPro as of the last sync.",
                     len(flows)).format(count=format_number(len(flows)))
        )
        st.dataframe(
            pd.DataFrame([(flow.rapidpro_name, flow.name if flow.name != flow.rapidpro_name else "",
                           _("Yes") if flow.is_active else "", flow.questions) for flow in flows],
                         columns=[_("RapidPro flow"), _("Name in TracPro"), _("Poll"), _("Questions")]),
            hide_index=True, width="stretch",
        )

with editing:
    by_id = {poll.id: poll for poll in polls}
    if not by_id:
        st.info(_("No polls yet. Choose the flows to track on the “Choose polls” tab."))
        st.stop()
    poll_id = st.selectbox(_("Poll"), list(by_id), format_func=lambda i: by_id[i].name, key="edit_poll.poll")
    poll = by_id[poll_id]
    st.caption(
        _("Names you set here are kept when RapidPro's names change; clear a name (or set it back to "
          "RapidPro's) to follow RapidPro again. A question type you choose is kept by every sync.")
    )
    submitted = poll_edit_form(f"edit_poll_{poll.id}", poll)
    if submitted is not None:
        name, questions = submitted
        try:
            with acting_session() as db:
                saved = edit_poll(db, context.actor, poll.id, name, questions).name
        except FormErrors as refusal:
            show_form_errors(refusal, {"name": _("Poll name"), "questions": _("Questions")}
                             | {f"question_{q.id}": _("Question “{name}”").format(name=q.rapidpro_name)
                                for q in poll.questions})
        else:
            forget_form(f"edit_poll_{poll.id}")  # the form starts again from what is stored
            st.cache_data.clear()
            notice(_("Saved “{name}”.").format(name=escape_markdown(saved)), "success")
            st.rerun()
