"""The forms of the indicator pages: an indicator (add or edit), spoof data, and "are you sure?".

Each form returns what was submitted, as the domain's input (tracpro.indicators); the page
stores it and shows the domain's FormErrors with tracpro.ui.forms.show_form_errors, labelled by
`field_labels(INDICATOR_LABELS)` or `field_labels(SPOOF_LABELS)`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import streamlit as st

from tracpro.i18n import N_, _
from tracpro.indicators.editing import IndicatorInput
from tracpro.indicators.spoof import SpoofInput
from tracpro.queries.choices import IndicatorValues, QuestionChoice

INDICATOR_LABELS = {
    "name": N_("Name"), "start_date": N_("Start date"), "end_date": N_("End date"),
    "baseline_question": N_("Baseline question"), "follow_up_question": N_("Follow up question"),
    "y_axis_title": N_("Y-axis title"),
}
SPOOF_LABELS = {
    "contacts": N_("Contacts"), "start_date": N_("Start date"), "end_date": N_("End date"),
    "baseline_question": N_("Baseline question"), "follow_up_question": N_("Follow up question"),
    "baseline_minimum": N_("Baseline minimum"), "baseline_maximum": N_("Baseline maximum"),
    "follow_up_minimum": N_("Follow up minimum"), "follow_up_maximum": N_("Follow up maximum"),
}


def _question_select(label: str, choices: Sequence[QuestionChoice], chosen: int | None, key: str, help: str):
    labels = {choice.question_id: choice.label for choice in choices}
    ids = list(labels)
    return st.selectbox(label, ids, index=ids.index(chosen) if chosen in labels else None,
                        format_func=labels.__getitem__, placeholder=_("Choose a question"), key=key, help=help)


def numeric_choices(choices: Sequence[QuestionChoice], *keep: int | None) -> list[QuestionChoice]:
    """The questions an indicator can sum: numeric ones, and those an indicator already uses."""
    return [choice for choice in choices if choice.kind == "numeric" or choice.question_id in keep]


def indicator_form(key: str, choices: Sequence[QuestionChoice], values: IndicatorValues | None = None
                   ) -> IndicatorInput | None:
    """Add an indicator (`values` None) or edit one; the input once submitted."""
    with st.form(key):
        name = st.text_input(_("Name"), value=values.name if values else "", key=f"{key}.name",
                             help=_("For example: 2026 Term 3 Attendance for P3 Girls"))
        start, end = st.columns(2)
        start_date = start.date_input(_("Start date"), value=values.start_date if values else None,
                                      key=f"{key}.start_date", format="YYYY-MM-DD")
        end_date = end.date_input(_("End date"), value=values.end_date if values else None, key=f"{key}.end_date",
                                  format="YYYY-MM-DD")
        baseline = _question_select(_("Baseline question"), choices,
                                    values.baseline_question_id if values else None, f"{key}.baseline_question",
                                    _("Each contact's first answer in the term is summed."))
        follow_up = _question_select(_("Follow up question"), choices,
                                     values.follow_up_question_id if values else None, f"{key}.follow_up_question",
                                     _("Summed on each poll date of the term."))
        y_axis_title = st.text_input(_("Y-axis title"), value=values.y_axis_title if values else "",
                                     key=f"{key}.y_axis_title", help=_("What the numbers count, e.g. Pupils"))
        submitted = st.form_submit_button(_("Save changes") if values else _("Add indicator"), type="primary",
                                          key=f"{key}.submit")
    if not submitted:
        return None
    return IndicatorInput(name, start_date, end_date, baseline, follow_up, y_axis_title)


def spoof_form(key: str, choices: Sequence[QuestionChoice], contacts: Mapping[int, str],
               values: IndicatorValues) -> SpoofInput | None:
    """Made-up answers for chosen contacts: one baseline date, then one follow-up date a day."""
    with st.form(key):
        contact_ids = st.multiselect(_("Contacts"), list(contacts), format_func=contacts.__getitem__,
                                     key=f"{key}.contacts", placeholder=_("Choose contacts"))
        start, end = st.columns(2)
        start_date = start.date_input(_("Start date"), value=values.start_date, key=f"{key}.start_date",
                                      format="YYYY-MM-DD")
        end_date = end.date_input(_("End date"), value=values.end_date, key=f"{key}.end_date", format="YYYY-MM-DD")
        baseline = _question_select(_("Baseline question"), choices, values.baseline_question_id,
                                    f"{key}.baseline_question", _("Answered once, on the start date."))
        follow_up = _question_select(_("Follow up question"), choices, values.follow_up_question_id,
                                     f"{key}.follow_up_question", _("Answered every day from start to end."))
        bounds = {}
        for prefix in ("baseline", "follow_up"):
            low, high = st.columns(2)
            for column, end_name in ((low, "minimum"), (high, "maximum")):
                field = f"{prefix}_{end_name}"
                bounds[field] = column.number_input(_(SPOOF_LABELS[field]), value=None, step=1, key=f"{key}.{field}")
        submitted = st.form_submit_button(_("Make spoof data"), type="primary", key=f"{key}.submit")
    if not submitted:
        return None
    return SpoofInput(tuple(contact_ids), start_date, end_date, baseline, follow_up,
                      **{name: None if value is None else int(value) for name, value in bounds.items()})


def confirmed(key: str, label: str, question: str, yes: str, *, icon: str | None = None) -> bool:
    """A button that asks first: True on the run where the user confirms."""
    asking = f"{key}.asking"

    def ask(value: bool) -> Callable[[], None]:
        return lambda: st.session_state.__setitem__(asking, value)

    st.button(label, key=key, on_click=ask(True), icon=icon)
    if not st.session_state.get(asking):
        return False
    st.warning(question)
    yes_column, no_column = st.columns(2)
    no_column.button(_("Cancel"), key=f"{key}.cancel", on_click=ask(False))
    if yes_column.button(yes, key=f"{key}.yes", type="primary"):
        st.session_state[asking] = False
        return True
    return False
