"""The forms of the settings pages: the org's settings and a poll's names and questions.

Each draws its widgets and returns what was submitted as the domain's input; the page saves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import available_timezones

import streamlit as st

from tracpro.db.models import QuestionType, SameDayMode
from tracpro.i18n import N_, _
from tracpro.orgs.choices import BoundaryChoice, CurrentSettings, PollForEdit, RegionRow
from tracpro.orgs.polls import QuestionEdit
from tracpro.orgs.settings import MAX_LOGO_BYTES, UI_LANGUAGES, OrgSettings
from tracpro.text import escape_markdown
from tracpro.ui.forms import INDENT

# Labels marked here and translated where shown (`_(SAMEDAY_LABELS[mode])`, `field_labels(ORG_LABELS)`).
ORG_LABELS = {
    "name": N_("Name"),
    "timezone": N_("Timezone"),
    "language": N_("Default language"),
    "available_languages": N_("Languages"),
    "rapidpro_host": N_("RapidPro host"),
    "rapidpro_token": N_("RapidPro API token"),
    "sameday_mode": N_("Repeated answers on one day"),
    "visible_fields": N_("Contact fields shown"),
    "logo": N_("Logo"),
}
SAMEDAY_LABELS = {
    SameDayMode.USE_LAST: N_("Use the last value submitted that day by each contact"),
    SameDayMode.SUM: N_("Use the sum of the values submitted that day by each contact"),
}
QUESTION_TYPE_LABELS = {
    QuestionType.OPEN: N_("Open-ended"),  # the words the charts use
    QuestionType.CATEGORICAL: N_("Categorical"),
    QuestionType.NUMERIC: N_("Numeric"),
    QuestionType.MENU: N_("Menu"),
    QuestionType.KEYPAD: N_("Keypad"),
    QuestionType.RECORDING: N_("Recording"),
}
LOGO_EXTENSIONS = ["png", "jpg", "jpeg", "svg", "webp"]
TIMEZONES = sorted(available_timezones())


def show_logo(logo: bytes | None, content_type: str | None, *, caption: str) -> None:
    if logo is None:
        return
    try:  # st.image draws SVG only from its markup; the other types from their bytes
        st.image(logo.decode("utf-8", "replace") if content_type == "image/svg+xml" else logo, caption=caption,
                 width=160)
    except Exception:  # a logo stored before uploads were checked: the form must still open
        st.caption(_("{caption}: this file cannot be shown as an image. Upload a new one.").format(caption=caption))


@dataclass(frozen=True)
class OrgSubmission:
    settings: OrgSettings
    test_only: bool  # "Test connection" was pressed: nothing is to be saved


def org_settings_form(key: str, current: CurrentSettings) -> OrgSubmission | None:
    """The Organization form; the submission once "Save" or "Test connection" is pressed."""
    with st.form(key):
        name = st.text_input(_("Name"), value=current.name, key=f"{key}.name")
        timezone = st.selectbox(
            _("Timezone"), TIMEZONES,
            index=TIMEZONES.index(current.timezone) if current.timezone in TIMEZONES else None,
            placeholder=_("Type to search, e.g. Africa/Kigali"), key=f"{key}.timezone",
            help=_("Dates are shown, grouped and exported in this timezone."),
        )
        languages = st.multiselect(
            _("Languages"), list(UI_LANGUAGES), default=[c for c in current.available_languages if c in UI_LANGUAGES],
            format_func=UI_LANGUAGES.__getitem__, key=f"{key}.available_languages", placeholder=_("Choose options")
        )
        language = st.selectbox(
            _("Default language"), list(UI_LANGUAGES), format_func=UI_LANGUAGES.__getitem__,
            index=list(UI_LANGUAGES).index(current.language) if current.language in UI_LANGUAGES else None,
            key=f"{key}.language",
        )
        st.subheader("RapidPro", anchor=False)
        host = st.text_input(_("RapidPro host"), value=current.rapidpro_host, placeholder="https://app.rapidpro.io",
                             key=f"{key}.rapidpro_host")
        token = st.text_input(
            _("RapidPro API token"), type="password", key=f"{key}.rapidpro_token",
            placeholder=_("Type a new token to replace the current one"),
            help=_("Found in RapidPro under your workspace's API settings. Changing the host needs the token "
                   "typed again."),
        )
        st.caption(_("Current token: {token}").format(token=escape_markdown(current.masked_token))
                   if current.masked_token
                   else _("No token set yet."))
        if current.token_problem:
            st.warning(escape_markdown(current.token_problem))
        st.subheader(_("Data"), anchor=False)
        modes = list(SAMEDAY_LABELS)
        sameday = st.radio(_("Repeated answers on one day"), modes, index=modes.index(current.sameday_mode),
                           format_func=lambda mode: _(SAMEDAY_LABELS[mode]), key=f"{key}.sameday_mode",
                           help=_("For numeric questions a contact answered more than once on the same day."))
        spoof = st.checkbox(_("Show spoof data on indicators"), value=current.show_spoof_data,
                            key=f"{key}.show_spoof_data")
        labels = {field.key: field.label for field in current.fields}
        visible = st.multiselect(
            _("Contact fields shown"), list(labels), default=[f.key for f in current.fields if f.is_visible],
            format_func=labels.__getitem__, key=f"{key}.visible_fields",
            placeholder=_("No contact fields synced yet") if not labels else _("Choose contact fields"),
            help=_("Shown on contact pages and offered as filters."),
        )
        st.subheader(_("Logo"), anchor=False)
        show_logo(current.logo, current.logo_content_type, caption=_("Current logo"))
        upload = st.file_uploader(
            _("New logo"), type=LOGO_EXTENSIONS, key=f"{key}.logo", max_upload_size=1,
            help=_("PNG, JPEG, SVG or WebP, at most {size} KB.").format(size=MAX_LOGO_BYTES // 1000),
        )
        remove = st.checkbox(_("Remove the current logo"), key=f"{key}.remove_logo") if current.logo else False
        save, test = st.columns(2)
        saved = save.form_submit_button(_("Save"), type="primary", key=f"{key}.submit", width="stretch")
        tested = test.form_submit_button(_("Test connection"), key=f"{key}.test", width="stretch")
    if not (saved or tested):
        return None
    logo = upload.getvalue() if upload is not None else None
    content_type = upload.type if upload is not None else None
    return OrgSubmission(
        OrgSettings(name, timezone, language, tuple(languages), host, token.strip() or None, sameday, spoof,
                    tuple(visible), logo, content_type, remove),
        test_only=tested and not saved,
    )


def poll_edit_form(key: str, poll: PollForEdit) -> tuple[str, list[QuestionEdit]] | None:
    """A poll's name and its questions' names, types and visibility; what was submitted, if it was."""
    types = list(QUESTION_TYPE_LABELS)
    with st.form(key):
        name = st.text_input(_("Poll name"), value=poll.name, key=f"{key}.name",
                             help=_("Leave empty to use RapidPro's."))
        st.caption(_("RapidPro name: {name}").format(name=escape_markdown(poll.rapidpro_name)))
        edits = []
        for number, question in enumerate(poll.questions, start=1):
            st.markdown(_("**Question {number}**").format(number=number))
            prefix = f"{key}.question_{question.id}"
            name_column, type_column = st.columns([3, 2])
            question_name = name_column.text_input(_("Name"), value=question.custom_name or question.rapidpro_name,
                                                   key=f"{prefix}.name")
            question_type = type_column.selectbox(_("Type"), types, index=types.index(question.question_type),
                                                  format_func=lambda kind: _(QUESTION_TYPE_LABELS[kind]),
                                                  key=f"{prefix}.type")
            st.caption(_("RapidPro name: {name}").format(name=escape_markdown(question.rapidpro_name)))
            shown = st.checkbox(_("Show on TracPro"), value=question.is_active, key=f"{prefix}.is_active")
            edits.append(QuestionEdit(question.id, question_name, question_type.value, shown))
        if not poll.questions:
            st.info(_("This poll has no questions yet. They come with the next sync of its flow."))
        submitted = st.form_submit_button(_("Save poll"), type="primary", key=f"{key}.submit")
    return (name, edits) if submitted else None


LEVEL_NAMES = {0: N_("country"), 1: N_("state"), 2: N_("district"), 3: N_("ward")}


def _level_name(level: int) -> str:
    return _(LEVEL_NAMES[level]) if level in LEVEL_NAMES else _("level {level}").format(level=level)


def region_place_form(
    key: str, region: RegionRow, tree: Sequence[RegionRow], boundaries: Sequence[BoundaryChoice]
) -> tuple[int | None, int | None] | None:
    """Where one region sits: its parent (none for the top) and its map boundary; once submitted."""
    parents = {row.id: INDENT * row.depth + row.name for row in tree if row.id != region.id}
    places = {b.id: f"{b.name} ({_level_name(b.level)})" for b in boundaries}
    with st.form(key):
        parent_options = [None, *parents]
        parent = st.selectbox(
            _("Parent region"), parent_options, index=parent_options.index(region.parent_id)
            if region.parent_id in parent_options else 0,
            format_func=lambda i: _("None (top of the tree)") if i is None else parents[i], key=f"{key}.parent",
        )
        boundary_options = [None, *places]
        boundary = st.selectbox(
            _("Boundary on maps"), boundary_options, index=boundary_options.index(region.boundary_id)
            if region.boundary_id in boundary_options else 0,
            format_func=lambda i: _("None") if i is None else places[i], key=f"{key}.boundary",
        )
        submitted = st.form_submit_button(_("Save"), type="primary", key=f"{key}.submit")
    return (parent, boundary) if submitted else None
