"""The forms of the settings pages: the org's settings and a poll's names and questions.

Each draws its widgets and returns what was submitted as the domain's input; the page saves it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import available_timezones

import streamlit as st

from tracpro.db.models import QuestionType, SameDayMode
from tracpro.orgs.choices import BoundaryChoice, CurrentSettings, PollForEdit, RegionRow
from tracpro.orgs.polls import QuestionEdit
from tracpro.orgs.settings import MAX_LOGO_BYTES, UI_LANGUAGES, OrgSettings
from tracpro.ui.forms import INDENT, show_errors

ORG_LABELS = {
    "name": "Name",
    "timezone": "Timezone",
    "language": "Default language",
    "available_languages": "Languages",
    "rapidpro_host": "RapidPro host",
    "rapidpro_token": "RapidPro API token",
    "sameday_mode": "Repeated answers on one day",
    "visible_fields": "Contact fields shown",
    "logo": "Logo",
}
SAMEDAY_LABELS = {
    SameDayMode.USE_LAST: "Use the last value submitted that day by each contact",
    SameDayMode.SUM: "Use the sum of the values submitted that day by each contact",
}
QUESTION_TYPE_LABELS = {
    QuestionType.OPEN: "Open ended",
    QuestionType.CATEGORICAL: "Multiple choice",
    QuestionType.NUMERIC: "Numeric",
    QuestionType.MENU: "Menu",
    QuestionType.KEYPAD: "Keypad",
    QuestionType.RECORDING: "Recording",
}
LOGO_EXTENSIONS = ["png", "jpg", "jpeg", "svg", "webp"]
TIMEZONES = sorted(available_timezones())


def show_invalid(errors: Mapping[str, Sequence[str]], labels: Mapping[str, str]) -> None:
    """The domain's Invalid errors (several messages a field) as the form's error lines."""
    show_errors({name: " ".join(messages) for name, messages in errors.items()}, labels)


def show_logo(logo: bytes | None, content_type: str | None, *, caption: str) -> None:
    if logo is None:
        return
    try:  # st.image draws SVG only from its markup; the other types from their bytes
        st.image(logo.decode("utf-8", "replace") if content_type == "image/svg+xml" else logo, caption=caption,
                 width=160)
    except Exception:  # a logo stored before uploads were checked: the form must still open
        st.caption(f"{caption}: this file cannot be shown as an image. Upload a new one.")


@dataclass(frozen=True)
class OrgSubmission:
    settings: OrgSettings
    test_only: bool  # "Test connection" was pressed: nothing is to be saved


def org_settings_form(key: str, current: CurrentSettings) -> OrgSubmission | None:
    """The Organization form; the submission once "Save" or "Test connection" is pressed."""
    with st.form(key):
        name = st.text_input("Name", value=current.name, key=f"{key}.name")
        timezone = st.selectbox(
            "Timezone", TIMEZONES, index=TIMEZONES.index(current.timezone) if current.timezone in TIMEZONES else None,
            placeholder="Type to search, e.g. Africa/Kigali", key=f"{key}.timezone",
            help="Dates are shown, grouped and exported in this timezone.",
        )
        languages = st.multiselect(
            "Languages", list(UI_LANGUAGES), default=[c for c in current.available_languages if c in UI_LANGUAGES],
            format_func=UI_LANGUAGES.__getitem__, key=f"{key}.available_languages",
        )
        language = st.selectbox(
            "Default language", list(UI_LANGUAGES), format_func=UI_LANGUAGES.__getitem__,
            index=list(UI_LANGUAGES).index(current.language) if current.language in UI_LANGUAGES else None,
            key=f"{key}.language",
        )
        st.subheader("RapidPro", anchor=False)
        host = st.text_input("RapidPro host", value=current.rapidpro_host, placeholder="https://app.rapidpro.io",
                             key=f"{key}.rapidpro_host")
        token = st.text_input(
            "RapidPro API token", type="password", key=f"{key}.rapidpro_token",
            placeholder="Type a new token to replace the current one",
            help="Found in RapidPro under your workspace's API settings.",
        )
        st.caption(f"Current token: {current.masked_token}" if current.masked_token else "No token set yet.")
        st.subheader("Data", anchor=False)
        modes = list(SAMEDAY_LABELS)
        sameday = st.radio("Repeated answers on one day", modes, index=modes.index(current.sameday_mode),
                           format_func=SAMEDAY_LABELS.__getitem__, key=f"{key}.sameday_mode",
                           help="For numeric questions a contact answered more than once on the same day.")
        spoof = st.checkbox("Show spoof data on indicators", value=current.show_spoof_data, key=f"{key}.show_spoof_data")
        labels = {field.key: field.label for field in current.fields}
        visible = st.multiselect(
            "Contact fields shown", list(labels), default=[f.key for f in current.fields if f.is_visible],
            format_func=labels.__getitem__, key=f"{key}.visible_fields",
            placeholder="No contact fields synced yet" if not labels else "Choose contact fields",
            help="Shown on contact pages and offered as filters.",
        )
        st.subheader("Logo", anchor=False)
        show_logo(current.logo, current.logo_content_type, caption="Current logo")
        upload = st.file_uploader(
            "New logo", type=LOGO_EXTENSIONS, key=f"{key}.logo", max_upload_size=1,
            help=f"PNG, JPEG, SVG or WebP, at most {MAX_LOGO_BYTES // 1000} KB.",
        )
        remove = st.checkbox("Remove the current logo", key=f"{key}.remove_logo") if current.logo else False
        save, test = st.columns(2)
        saved = save.form_submit_button("Save", type="primary", key=f"{key}.submit", width="stretch")
        tested = test.form_submit_button("Test connection", key=f"{key}.test", width="stretch")
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
        name = st.text_input("Poll name", value=poll.name, key=f"{key}.name", help="Leave empty to use RapidPro's.")
        st.caption(f"RapidPro name: {poll.rapidpro_name}")
        edits = []
        for number, question in enumerate(poll.questions, start=1):
            st.markdown(f"**Question {number}**")
            prefix = f"{key}.question_{question.id}"
            name_column, type_column = st.columns([3, 2])
            question_name = name_column.text_input("Name", value=question.custom_name or question.rapidpro_name,
                                                   key=f"{prefix}.name")
            question_type = type_column.selectbox("Type", types, index=types.index(question.question_type),
                                                  format_func=QUESTION_TYPE_LABELS.__getitem__, key=f"{prefix}.type")
            st.caption(f"RapidPro name: {question.rapidpro_name}")
            shown = st.checkbox("Show on TracPro", value=question.is_active, key=f"{prefix}.is_active")
            edits.append(QuestionEdit(question.id, question_name, question_type.value, shown))
        if not poll.questions:
            st.info("This poll has no questions yet. They come with the next sync of its flow.")
        submitted = st.form_submit_button("Save poll", type="primary", key=f"{key}.submit")
    return (name, edits) if submitted else None


LEVEL_NAMES = {0: "country", 1: "state", 2: "district", 3: "ward"}


def region_place_form(
    key: str, region: RegionRow, tree: Sequence[RegionRow], boundaries: Sequence[BoundaryChoice]
) -> tuple[int | None, int | None] | None:
    """Where one region sits: its parent (none for the top) and its map boundary; once submitted."""
    parents = {row.id: INDENT * row.depth + row.name for row in tree if row.id != region.id}
    places = {b.id: f"{b.name} ({LEVEL_NAMES.get(b.level, f'level {b.level}')})" for b in boundaries}
    with st.form(key):
        parent_options = [None, *parents]
        parent = st.selectbox(
            "Parent region", parent_options, index=parent_options.index(region.parent_id)
            if region.parent_id in parent_options else 0,
            format_func=lambda i: "None (top of the tree)" if i is None else parents[i], key=f"{key}.parent",
        )
        boundary_options = [None, *places]
        boundary = st.selectbox(
            "Boundary on maps", boundary_options, index=boundary_options.index(region.boundary_id)
            if region.boundary_id in boundary_options else 0,
            format_func=lambda i: "None" if i is None else places[i], key=f"{key}.boundary",
        )
        submitted = st.form_submit_button("Save", type="primary", key=f"{key}.submit")
    return (parent, boundary) if submitted else None
