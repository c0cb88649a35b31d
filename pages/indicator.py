"""One indicator (?indicator=ID): its chart and summary under the filters chosen; administrators
edit or delete it and, where the org allows it, make or clear spoof data."""

import streamlit as st

from tracpro.forms import FormErrors
from tracpro.i18n import _, format_date, format_number, ngettext
from tracpro.indicators.editing import delete_indicator, save_indicator
from tracpro.indicators.spoof import clear_spoof, spoof
from tracpro.queries.choices import indicator_values, question_choices, spoof_allowed
from tracpro.queries.contacts import contact_list
from tracpro.queries.indicators import indicator_data
from tracpro.text import escape_markdown
from tracpro.ui.acting import acting_session
from tracpro.ui.clock import now
from tracpro.ui.context import notice, require_scope, require_signed_in, show_notice
from tracpro.ui.database import read_scoped
from tracpro.ui.forms import field_labels, forget_form, show_form_errors
from tracpro.ui.indicator_forms import (
    INDICATOR_LABELS,
    SPOOF_LABELS,
    confirmed,
    indicator_form,
    numeric_choices,
    spoof_form,
)
from tracpro.ui.indicators import indicator_filters, indicator_result
from tracpro.ui.links import open_page, page_link
from tracpro.ui.navigation import INDICATORS
from tracpro.ui.params import read_found, require_id

context = require_signed_in()
scope = require_scope()
indicator_id = require_id("indicator", "indicator", INDICATORS, _("All indicators"))
values = read_found(indicator_values, scope, indicator_id=indicator_id, back_page=INDICATORS,
                    back_label=_("All indicators"))
st.title(escape_markdown(values.name))
st.caption(_("Baseline: {baseline} · Follow ups: {follow_up} · {start} – {end}").format(
    baseline=escape_markdown(values.baseline), follow_up=escape_markdown(values.follow_up),
    start=format_date(values.start_date),
    end=format_date(values.end_date)))
page_link(INDICATORS, _("All indicators"), icon=":material/arrow_back:")
show_notice()

filters = indicator_filters(scope, context, values)
if filters is not None:
    indicator_result(read_scoped(indicator_data, scope, indicator_id=indicator_id, filters=filters))


def saved(message: str) -> None:
    st.cache_data.clear()
    notice(message, "success")
    st.rerun()


if context.is_admin:
    choices = read_scoped(question_choices, scope)
    with st.expander(_("Edit this indicator"), icon=":material/edit:"):
        form = f"edit_indicator_{indicator_id}"
        draft = indicator_form(form, numeric_choices(choices, values.baseline_question_id,
                                                     values.follow_up_question_id), values)
        if draft is not None:
            try:
                with acting_session() as db:
                    save_indicator(db, context.actor, draft, indicator_id)
            except FormErrors as refusal:
                show_form_errors(refusal, field_labels(INDICATOR_LABELS))
            else:
                forget_form(form)
                saved(_("Changes saved."))
    if confirmed("delete_indicator", _("Delete this indicator…"),
                 _("Delete “{name}”? Its poll data stays.").format(name=escape_markdown(values.name)), _("Delete"),
                 icon=":material/delete:"):
        with acting_session() as db:
            delete_indicator(db, context.actor, indicator_id)
        st.cache_data.clear()
        notice(_("Indicator “{name}” deleted.").format(name=escape_markdown(values.name)), "success")
        open_page(INDICATORS)

    if read_scoped(spoof_allowed, scope):
        st.subheader(_("Spoof data"), anchor=False)
        st.caption(_("Made-up answers to show what an indicator will look like: one baseline poll date on the start "
                     "date, then one follow-up poll date a day, each contact answering a whole number between the "
                     "minimum and the maximum (both included). They appear in every chart of “All regions”."))
        contacts = dict(read_scoped(contact_list, scope)[["contact_id", "Name"]].itertuples(index=False))
        made = spoof_form(f"spoof_{indicator_id}", choices, contacts, values)
        if made is not None:
            try:
                with acting_session() as db:
                    count = spoof(db, context.actor, made, now())
            except FormErrors as refusal:
                show_form_errors(refusal, field_labels(SPOOF_LABELS))
            else:
                forget_form(f"spoof_{indicator_id}")
                saved(ngettext("Spoof data made: {count} poll date.", "Spoof data made: {count} poll dates.",
                               count).format(count=format_number(count)))
        if confirmed("clear_spoof", _("Clear all spoof data…"), _("Are you sure that you want to delete all spoofed "
                     "poll data for this organization?"), _("Clear all spoof data"), icon=":material/delete_sweep:"):
            with acting_session() as db:
                count = clear_spoof(db, context.actor)
            saved(ngettext("Spoof data cleared: {count} poll date deleted.",
                           "Spoof data cleared: {count} poll dates deleted.", count).format(count=format_number(count)))
