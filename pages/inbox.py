"""Inbox: what contacts in your regions wrote, the latest message per contact (search by name or
text); ?contact=ID opens one conversation, with a reply box and each reply's delivery status."""

import streamlit as st

from tracpro.queries.contacts import contact_detail
from tracpro.queries.messages import conversation, inbox
from tracpro.ui.navigation import INBOX
from tracpro.ui.action_tables import TEXT, inbox_rows
from tracpro.ui.context import require_scope, show_notice
from tracpro.ui.database import read_scoped
from tracpro.ui.inbox_reply import reply_form
from tracpro.ui.links import page_link
from tracpro.ui.params import id_param, read_found
from tracpro.ui.tables import DATETIME

scope = require_scope()
if "contact" in st.query_params:
    contact_id = id_param("contact") or 0
    contact = read_found(contact_detail, scope, contact_id=contact_id, back_page=INBOX, back_label="Inbox")
    st.title(f"Conversation with {contact.name}")
    page_link(INBOX, "All conversations", icon=":material/arrow_back:")
    show_notice()
    reply_form(scope, contact_id, contact.name)
    messages = read_scoped(conversation, scope, contact_id=contact_id)
    st.caption(f"{len(messages):,} message{'s' if len(messages) != 1 else ''}, newest first. Replies are "
               "pending until RapidPro accepts them.")
    st.dataframe(messages, hide_index=True, width="stretch", column_config={"Created on": DATETIME, "Text": TEXT})
    st.stop()

st.title("Inbox")
st.caption("Messages contacts sent outside a poll, one conversation per contact, the most recent first.")
search = st.text_input("Search", key="inbox_search", placeholder="Contact name or message text",
                       icon=":material/search:").strip()
latest = read_scoped(inbox, scope, search=search)
if latest.empty:
    st.info(f"No conversation matches “{search}”." if search else "No messages from contacts in the regions you "
            "see yet. They arrive with each sync.")
    st.stop()
st.caption(f"{len(latest):,} conversation{'s' if len(latest) != 1 else ''}. Open one to read it all and reply.")
table, config = inbox_rows(latest)
st.dataframe(table, hide_index=True, column_config=config, width="stretch")
