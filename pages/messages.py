"""Messages: what TracPro sent to the contacts you see (the message log), and the recent
actions asked of RapidPro (starts, messages, contact changes) with what became of each."""

import streamlit as st

from tracpro.queries.messages import message_log
from tracpro.queries.outbox import recent_actions
from tracpro.ui.action_tables import action_rows, message_log_rows
from tracpro.ui.context import require_scope, require_signed_in
from tracpro.ui.database import read_scoped
from tracpro.ui.params import url_tabs

context = require_signed_in()
scope = require_scope()
st.title("Messages")
actions_label = "Recent actions" if scope.all_regions else "My recent actions"
tabs = url_tabs(["Sent messages", actions_label], key="messages_tab")

with tabs["Sent messages"]:
    if tabs["Sent messages"].open:
        log = read_scoped(message_log, scope)
        if log.empty:
            st.info("TracPro has not sent any message to contacts in the regions you see. Send one from a poll "
                    "date's page.")
        else:
            st.caption(f"{len(log):,} message{'s' if len(log) != 1 else ''}, newest first. Recipients in view: "
                       "the contacts of your regions who received it.")
            table, config = message_log_rows(log)
            st.dataframe(table, hide_index=True, column_config=config, width="stretch")

with tabs[actions_label]:
    if tabs[actions_label].open:
        actions = read_scoped(recent_actions, scope, user_id=context.user.id)
        if actions.empty:
            st.info("No actions yet. Starting a poll, sending a message or changing a contact shows here.")
        else:
            whose = "everyone's" if scope.all_regions else "yours"
            st.caption(f"The newest {len(actions):,} actions ({whose}). Waiting ones are sent again with each sync.")
            table, config = action_rows(actions)
            st.dataframe(table, hide_index=True, column_config=config, width="stretch")
