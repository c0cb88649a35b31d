"""Messages: what TracPro sent to the contacts you see (the message log), and the recent
actions asked of RapidPro (starts, messages, contact changes) with what became of each."""

import streamlit as st

from tracpro.i18n import N_, _, format_number, ngettext
from tracpro.queries.messages import message_log
from tracpro.queries.outbox import recent_actions
from tracpro.ui.action_tables import action_rows, message_log_rows
from tracpro.ui.context import require_scope, require_signed_in
from tracpro.ui.database import read_scoped
from tracpro.ui.params import url_tabs
from tracpro.ui.table_view import show_table

context = require_signed_in()
scope = require_scope()
st.title(_("Messages"))
# English labels: url_tabs shows them translated and keeps the address the same in every language.
sent_label = N_("Sent messages")
actions_label = N_("Recent actions") if scope.all_regions else N_("My recent actions")
tabs = url_tabs([sent_label, actions_label], key="messages_tab")

with tabs[sent_label]:
    if tabs[sent_label].open:
        log = read_scoped(message_log, scope)
        if log.empty:
            st.info(_("TracPro has not sent any message to contacts in the regions you see. Send one from a poll "
                      "date's page."))
        else:
            st.caption(ngettext(
                "{count} message, newest first. Recipients in view: the contacts of your regions who received it.",
                "{count} messages, newest first. Recipients in view: the contacts of your regions who received it.",
                len(log)).format(count=format_number(len(log))))
            show_table(message_log_rows(log), key="message-log")

with tabs[actions_label]:
    if tabs[actions_label].open:
        actions = read_scoped(recent_actions, scope, user_id=context.user.id)
        if actions.empty:
            st.info(_("No actions yet. Starting a poll, sending a message or changing a contact shows here."))
        else:
            # English says "actions" for one too; the other languages choose their own forms.
            if scope.all_regions:
                caption = ngettext(
                    "The newest {count} actions (everyone's). Waiting ones are sent again with each sync.",
                    "The newest {count} actions (everyone's). Waiting ones are sent again with each sync.",
                    len(actions))
            else:
                caption = ngettext(
                    "The newest {count} actions (yours). Waiting ones are sent again with each sync.",
                    "The newest {count} actions (yours). Waiting ones are sent again with each sync.",
                    len(actions))
            st.caption(caption.format(count=format_number(len(actions))))
            show_table(action_rows(actions), key="actions")
