"""Add a contact in one of the regions you see; it is sent to RapidPro at once."""

import streamlit as st

from tracpro.i18n import _
from tracpro.queries.action_choices import contact_form_choices
from tracpro.ui.contact_form import contact_form, save_contact
from tracpro.ui.context import require_scope, require_signed_in
from tracpro.ui.database import read_scoped
from tracpro.ui.links import page_link
from tracpro.ui.navigation import CONTACTS

context = require_signed_in()
scope = require_scope()
st.title(_("Add a contact"))
page_link(CONTACTS, _("All contacts"), icon=":material/arrow_back:")
choices = read_scoped(contact_form_choices, scope)
data = contact_form("contact_new", choices, None, default_region_id=scope.selected_region_id)
if data is not None:
    save_contact("contact_new", context.actor, data, choices)
