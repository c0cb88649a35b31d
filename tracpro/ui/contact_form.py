"""The contact form (add and edit) and what follows a save or a deletion: the push to RapidPro
and a notice saying whether RapidPro has the change yet.

Not an st.form: the language list follows what is typed in its search box as it is typed.
"""

from __future__ import annotations

import streamlit as st

from tracpro.actions.contact_validation import SCHEMES, ContactInput, search_languages
from tracpro.actions.contacts import create_contact, delete_contact, update_contact
from tracpro.auth.actor import Actor, NotAllowed
from tracpro.db.models import FieldType, OutboxStatus
from tracpro.forms import FormErrors
from tracpro.i18n import N_, _
from tracpro.queries.action_choices import ContactFormChoices
from tracpro.queries.contacts import language_name
from tracpro.text import escape_markdown
from tracpro.ui.acting import acting_session
from tracpro.ui.action_forms import confirmed, push_now
from tracpro.ui.clock import now
from tracpro.ui.context import notice
from tracpro.ui.forms import INDENT, forget_form, show_form_errors
from tracpro.ui.links import open_page
from tracpro.ui.navigation import CONTACT, CONTACTS

# Labels, hints and placeholders are marked here and translated where they are shown.
LABELS = {"name": N_("Name"), "urn": N_("Phone or handle"), "region": N_("Region"), "groups": N_("Reporter groups"),
          "language": N_("Language")}
PATH_HINTS = {
    "tel": ("+250 788 123 456", N_("With + and the country code.")),
    "twitter": (N_("handle"), N_("Letters, numbers and _ only, up to 15 characters; without the @.")),
    "twitterid": (N_("123456789#handle"), N_("The numeric Twitter ID, #, then the handle.")),
}
FIELD_HINTS = {FieldType.NUMBER: N_("A number."),
               FieldType.DATETIME: N_("A date, e.g. 2026-11-02 or 2026-11-02 14:30.")}


def _language_choice(key: str, choices: ContactFormChoices, current: str | None) -> str | None:
    """A language from a list that follows the search box; the chosen one stays on the list."""
    chosen_key = f"{key}.language_chosen"
    chosen = st.session_state.get(chosen_key, current or (choices.languages[0][0] if choices.languages else None))
    search = st.text_input(_("Find a language"), key=f"{key}.language_search",
                           placeholder=_("Type a name, e.g. Kinyarwanda"), icon=":material/search:")
    found = search_languages(search, limit=15) if search.strip() else list(choices.languages)
    # Only the codes: each is named by language_name below.
    codes = [choice[0] for choice in found]
    if chosen and chosen not in codes:
        codes = [chosen, *codes]
    if not codes:
        st.caption(_("No language matches “{search}”.").format(search=escape_markdown(search)))
        return chosen
    value = st.selectbox(_("Language"), codes, index=codes.index(chosen) if chosen in codes else None,
                         # Named as tables name them, in the viewer's language (not the standard's name).
                         format_func=lambda code: f"{language_name(code)} ({code})",
                         placeholder=_("Choose a language"))
    st.session_state[chosen_key] = value
    return value


def contact_form(key: str, choices: ContactFormChoices, values: ContactInput | None,
                 default_region_id: int | None = None) -> ContactInput | None:
    """Draw the form (empty when `values` is None); what was entered once Save is clicked."""
    values = values or ContactInput(region_id=default_region_id)
    name = st.text_input(_("Name"), value=values.name or "", max_chars=128, key=f"{key}.name")
    schemes = list(SCHEMES)
    scheme_column, path_column = st.columns([1, 2])
    scheme = scheme_column.selectbox(
        _("Contact by"), schemes, index=schemes.index(values.urn_scheme) if values.urn_scheme in SCHEMES else 0,
        format_func=lambda scheme: _(SCHEMES[scheme]), key=f"{key}.scheme")
    placeholder, hint = PATH_HINTS[scheme]
    path = path_column.text_input(_(SCHEMES[scheme]), value=values.urn_path or "", max_chars=32, key=f"{key}.path",
                                  placeholder=_(placeholder), help=_(hint))
    regions = {region_id: INDENT * depth + region for region_id, region, depth in choices.regions}
    region_ids = list(regions)
    region_id = st.selectbox(
        _("Region"), region_ids, index=region_ids.index(values.region_id) if values.region_id in regions else None,
        format_func=regions.__getitem__, key=f"{key}.region", placeholder=_("Choose a region"),
        help=_("The regions you see."))
    groups = dict(choices.reporter_groups)
    group_ids = st.multiselect(
        _("Reporter groups"),
        list(groups),
        format_func=groups.__getitem__,
        key=f"{key}.groups",
        default=[g for g in values.reporter_group_ids if g in groups],
        placeholder=_("Choose options"),
    )
    language = _language_choice(key, choices, values.language)
    fields = {}
    for field_key, label, kind in choices.fields:
        fields[field_key] = st.text_input(escape_markdown(label.title()), value=values.fields.get(field_key, ""),
                                          key=f"{key}.field.{field_key}",
                                          help=_(FIELD_HINTS[kind]) if kind in FIELD_HINTS else None)
    if not st.button(_("Save"), type="primary", key=f"{key}.save"):
        return None
    return ContactInput(name=name, urn_scheme=scheme, urn_path=path, region_id=region_id,
                        reporter_group_ids=tuple(group_ids), language=language, fields=fields)


def _error_labels(choices: ContactFormChoices) -> dict[str, str]:
    return {**{key: _(label) for key, label in LABELS.items()},
            **{key: label.title() for key, label, _kind in choices.fields}}


def _saved_words(status: OutboxStatus | None, what: str) -> tuple[str, str]:
    if status == OutboxStatus.DONE:
        return "success", _("{what}; sent to RapidPro.").format(what=what)
    if status == OutboxStatus.SENDING:  # the sync job claimed it first and is sending it now
        return "success", _("{what}; being sent to RapidPro.").format(what=what)
    if status == OutboxStatus.FAILED:
        return "warning", _("{what} in TracPro, but RapidPro refused it, so it was undone. The reason is in the "
                            "list of actions on the Messages page.").format(what=what)
    if status == OutboxStatus.MAYBE_SENT:
        return "info", _("{what}; RapidPro did not answer in time, so the next sync checks whether the change "
                         "arrived and sends it only if it did not.").format(what=what)
    return "info", _("{what}; RapidPro did not answer, so it will be sent with the next sync.").format(what=what)


def save_contact(key: str, actor: Actor, data: ContactInput, choices: ContactFormChoices,
                 contact_id: int | None = None) -> None:
    """Store the new or changed contact and push it; on bad input, say what is wrong and store nothing."""
    try:
        with acting_session() as db:
            if contact_id is None:
                contact, action = create_contact(db, actor, data, now())
                contact_id = contact.id
            else:
                action = update_contact(db, actor, contact_id, data)
            action_id = action.id
    except FormErrors as refusal:  # NotAllowed included
        show_form_errors(refusal, _error_labels(choices))
        return
    status = push_now(actor.org_id, [action_id]).get(action_id)
    forget_form(key)
    kind, words = _saved_words(status, _("Saved {name}").format(name=escape_markdown((data.name or "").strip())))
    notice(words, kind)
    if status == OutboxStatus.FAILED and key == "contact_new":
        open_page(CONTACTS)  # RapidPro refused the new contact: it is not in TracPro either
    open_page(CONTACT, contact=contact_id)


def delete_section(actor: Actor, contact_id: int, name: str) -> None:
    """Delete, after a confirmation: the contact leaves TracPro at once and RapidPro with the push."""
    name = escape_markdown(name)  # in sentences, a label and a notice, all Markdown
    st.caption(_("Deleting {name} removes them from TracPro and from RapidPro.").format(name=name))
    confirm_key = f"contact_delete.{contact_id}"  # asked about one contact, never applied to another
    if st.button(_("Delete this contact…"), key="contact_delete.ask", icon=":material/delete:"):
        st.session_state[confirm_key] = True
    if not confirmed(confirm_key, _("Delete {name}? This cannot be undone from TracPro.").format(name=name),
                     _("Delete {name}").format(name=name)):
        return
    try:
        with acting_session() as db:
            action_id = delete_contact(db, actor, contact_id).id
    except NotAllowed as refusal:
        st.error(escape_markdown(refusal))
        return
    status = push_now(actor.org_id, [action_id]).get(action_id)
    kind, words = _saved_words(status, _("Deleted {name}").format(name=name))
    notice(words, kind)
    if status == OutboxStatus.FAILED:
        open_page(CONTACT, contact=contact_id)  # RapidPro kept the contact, and so does TracPro again
    open_page(CONTACTS)
