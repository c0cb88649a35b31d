"""Inbox: what contacts in your regions wrote, the latest message per contact (search by name or
text); ?contact=ID opens one conversation, with a reply box and each reply's delivery status."""

import streamlit as st

from tracpro.db.search import MAX_LENGTH, search_text
from tracpro.i18n import _, format_number, ngettext
from tracpro.queries.contacts import contact_detail
from tracpro.queries.messages import conversation, inbox
from tracpro.text import escape_markdown
from tracpro.ui.action_tables import conversation_rows, inbox_rows
from tracpro.ui.context import require_scope, show_notice
from tracpro.ui.database import read_scoped
from tracpro.ui.inbox_reply import reply_form
from tracpro.ui.links import page_link
from tracpro.ui.navigation import INBOX
from tracpro.ui.params import id_param, read_found
from tracpro.ui.table_view import show_table

scope = require_scope()
if "contact" in st.query_params:
    contact_id = id_param("contact") or 0
    contact = read_found(contact_detail, scope, contact_id=contact_id, back_page=INBOX, back_label=_("Inbox"))
    st.title(_("Conversation with {name}").format(name=escape_markdown(contact.name)))
    page_link(INBOX, _("All conversations"), icon=":material/arrow_back:")
    show_notice()
    reply_form(scope, contact_id, contact.name)
    messages = read_scoped(conversation, scope, contact_id=contact_id)
    st.caption(ngettext("{count} message, newest first. Replies are pending until RapidPro accepts them.",
                        "{count} messages, newest first. Replies are pending until RapidPro accepts them.",
                        len(messages)).format(count=format_number(len(messages))))
    show_table(conversation_rows(messages), key="conversation")
    st.stop()

st.title(_("Inbox"))
st.caption(_("Messages contacts sent outside a poll, one conversation per contact, the most recent first."))
search = search_text(st.text_input(_("Search"), key="inbox_search", placeholder=_("Contact name or message text"),
                                   icon=":material/search:", max_chars=MAX_LENGTH))
latest = read_scoped(inbox, scope, search=search)
if latest.empty:
    st.info(_("No conversation matches “{search}”.").format(search=escape_markdown(search)) if search
            else _("No messages from contacts in the regions you see yet. They arrive with each sync."))
    st.stop()
st.caption(ngettext("{count} conversation. Open one to read it all and reply.",
                    "{count} conversations. Open one to read it all and reply.",
                    len(latest)).format(count=format_number(len(latest))))
show_table(inbox_rows(latest), key="inbox")
