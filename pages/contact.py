"""A contact (?contact=ID): their details (edited on the linked page), their responses to each poll date, and the
messages TracPro sent them."""

import streamlit as st

from tracpro.queries.contacts import contact_detail, contact_messages, contact_responses
from tracpro.ui.context import require_scope, show_notice
from tracpro.ui.database import read_scoped
from tracpro.ui.links import page_link
from tracpro.ui.navigation import CONTACT_EDIT, CONTACTS
from tracpro.ui.params import read_found, require_id, url_tabs
from tracpro.ui.tables import DAY_FORMAT, contact_response_rows, message_rows

scope = require_scope()
contact_id = require_id("contact", "contact", CONTACTS, "All contacts")
contact = read_found(contact_detail, scope, contact_id=contact_id, back_page=CONTACTS,
                     back_label="All contacts")
st.title(contact.name)
show_notice()
page_link(CONTACT_EDIT, "Edit or delete", icon=":material/edit:", contact=contact_id)
last = f"{contact.last_response:{DAY_FORMAT} %H:%M}" if contact.last_response else "Never"
details = [(contact.urn_label or "URN", contact.urn), ("Region", contact.region),
           ("Reporter groups", ", ".join(contact.reporter_groups) or "None"),
           ("Language", contact.language or "Unknown"), ("Last response", last), *contact.fields]
st.dataframe({"Field": [label for label, _ in details], "Value": [value for _, value in details]},
             hide_index=True, width="content")
tabs = url_tabs(["Responses", "Messages"], key="contact_tab")

with tabs["Responses"]:
    if tabs["Responses"].open:
        responses = read_scoped(contact_responses, scope, contact_id=contact_id)
        if responses.empty:
            st.info("No responses from this contact yet. They appear with the sync after they answer a poll.")
        else:
            st.caption(f"{len(responses):,} responses, newest first. Open a date to see everyone's answers.")
            table, config = contact_response_rows(responses)
            st.dataframe(table, hide_index=True, column_config=config, width="stretch")

with tabs["Messages"]:
    if tabs["Messages"].open:
        messages = read_scoped(contact_messages, scope, contact_id=contact_id)
        if messages.empty:
            st.info("TracPro has not sent this contact any message.")
        else:
            table, config = message_rows(messages)
            st.dataframe(table, hide_index=True, column_config=config, width="stretch")
