"""Contacts: the contacts in the regions you see, searchable by name or URN; "Add a contact" opens the form."""

import streamlit as st

from tracpro.db.search import MAX_LENGTH, search_text
from tracpro.i18n import _, format_number, ngettext
from tracpro.queries.contacts import contact_count, contact_list
from tracpro.text import escape_markdown
from tracpro.ui.context import require_scope, show_notice
from tracpro.ui.database import read_scoped
from tracpro.ui.links import page_link
from tracpro.ui.navigation import CONTACT_NEW
from tracpro.ui.table_view import show_table
from tracpro.ui.tables import MOST_ROWS, contact_rows

scope = require_scope()
st.title(_("Contacts"))
st.caption(_(
    "Contacts that are being tracked in TracPro. If you don't see someone here, make sure an administrator "
    "tracks their RapidPro groups as regions and reporter groups."
))
show_notice()
page_link(CONTACT_NEW, _("Add a contact"), icon=":material/person_add:")


def remember_search() -> None:
    text = search_text(st.session_state["contact_search"])
    if text:
        st.query_params["search"] = text
    else:
        st.query_params.pop("search", None)


# The address is anyone's to write: a NUL, control characters or a page of text come out of it as search_text.
search = search_text(st.text_input(
    _("Search"), value=search_text(st.query_params.get("search")), key="contact_search", on_change=remember_search,
    placeholder=_("Name or phone number"), icon=":material/search:", max_chars=MAX_LENGTH,
))
contacts = read_scoped(contact_list, scope, search=search, limit=MOST_ROWS)
if contacts.empty:
    st.info(_("No contact matches “{search}”.").format(search=escape_markdown(search)) if search
            else _("No contacts yet in the regions you see. They appear with the next sync."))
    st.stop()

count = read_scoped(contact_count, scope, search=search)
recent = len(contacts.columns) - 5  # beyond id, name, URN, groups and region
summary = ngettext("{count} contact", "{count} contacts", count).format(count=format_number(count))
if count > MOST_ROWS:
    summary = _("{contacts} (the first {rows} below: search to find the others)").format(
        contacts=summary, rows=format_number(MOST_ROWS))
if recent > 0:
    # English keeps "columns" for one column too; the other languages choose their own forms.
    summary = ngettext("{contacts}; the last {count} columns: who completed the most recent poll dates",
                       "{contacts}; the last {count} columns: who completed the most recent poll dates",
                       recent).format(contacts=summary, count=recent)
st.caption(f"{summary}.")
show_table(contact_rows(contacts), key="contacts")
