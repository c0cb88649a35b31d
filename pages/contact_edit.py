"""Edit or delete a contact you see (?contact=ID); the change is sent to RapidPro at once."""

import streamlit as st

from tracpro.i18n import _
from tracpro.queries.action_choices import contact_form_choices, contact_form_values
from tracpro.text import escape_markdown
from tracpro.ui.contact_form import contact_form, delete_section, save_contact
from tracpro.ui.context import require_scope, require_signed_in, show_notice
from tracpro.ui.database import read_scoped
from tracpro.ui.links import page_link
from tracpro.ui.navigation import CONTACT, CONTACTS
from tracpro.ui.params import read_found, require_id

context = require_signed_in()
scope = require_scope()
contact_id = require_id("contact", "contact", CONTACTS, _("All contacts"))
values = read_found(contact_form_values, scope, contact_id=contact_id, back_page=CONTACTS,
                    back_label=_("All contacts"))
st.title(_("Edit {name}").format(name=escape_markdown(values.name)))
show_notice()
page_link(CONTACT, _("Back to {name}").format(name=escape_markdown(values.name)), icon=":material/arrow_back:",
          contact=contact_id)
st.caption(_("Changes are sent to RapidPro as soon as you save."))
choices = read_scoped(contact_form_choices, scope)
key = f"contact_edit_{contact_id}"
data = contact_form(key, choices, values)
if data is not None:
    save_contact(key, context.actor, data, choices, contact_id)
st.divider()
delete_section(context.actor, contact_id, values.name)
