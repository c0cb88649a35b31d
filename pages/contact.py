"""A contact (?contact=ID): their details (edited on the linked page), their responses to each poll date, and the
messages TracPro sent them."""

import streamlit as st

from tracpro.i18n import N_, _, format_date, format_number, ngettext
from tracpro.queries.contacts import contact_detail, contact_messages, contact_responses
from tracpro.text import escape_markdown
from tracpro.ui.context import require_scope, show_notice
from tracpro.ui.database import read_scoped
from tracpro.ui.links import page_link
from tracpro.ui.navigation import CONTACT_EDIT, CONTACTS
from tracpro.ui.params import read_found, require_id, url_tabs
from tracpro.ui.table_view import show_table
from tracpro.ui.tables import contact_response_rows, message_rows

scope = require_scope()
contact_id = require_id("contact", "contact", CONTACTS, _("All contacts"))
contact = read_found(contact_detail, scope, contact_id=contact_id, back_page=CONTACTS,
                     back_label=_("All contacts"))
st.title(escape_markdown(contact.name))
show_notice()
page_link(CONTACT_EDIT, _("Edit or delete"), icon=":material/edit:", contact=contact_id)
last = format_date(contact.last_response, "moment") if contact.last_response else _("Never")
details = [(contact.urn_label or _("URN"), contact.urn), (_("Region"), contact.region),
           (_("Reporter groups"), ", ".join(contact.reporter_groups) or _("None")),
           (_("Language"), contact.language or _("Unknown")), (_("Last response"), last), *contact.fields]
st.dataframe({_("Field"): [label for label, _value in details], _("Value"): [value for _label, value in details]},
             hide_index=True, width="content")
# English labels: url_tabs shows them translated and keeps ?tab=responses in every language.
responses_tab, messages_tab = N_("Responses"), N_("Messages")
tabs = url_tabs([responses_tab, messages_tab], key="contact_tab")

with tabs[responses_tab]:
    if tabs[responses_tab].open:
        responses = read_scoped(contact_responses, scope, contact_id=contact_id)
        if responses.empty:
            st.info(_("No responses from this contact yet. They appear with the sync after they answer a poll."))
        else:
            # English says "responses" for one too; the other languages choose their own forms.
            st.caption(ngettext("{count} responses, newest first. Open a date to see everyone's answers.",
                                "{count} responses, newest first. Open a date to see everyone's answers.",
                                len(responses)).format(count=format_number(len(responses))))
            show_table(contact_response_rows(responses), key="contact-responses")

with tabs[messages_tab]:
    if tabs[messages_tab].open:
        messages = read_scoped(contact_messages, scope, contact_id=contact_id)
        if messages.empty:
            st.info(_("TracPro has not sent this contact any message."))
        else:
            show_table(message_rows(messages), key="contact-messages")
