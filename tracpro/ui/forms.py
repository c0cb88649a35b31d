"""Form helpers shared by pages: a refused form's errors shown by field, and the region tree as a multiselect."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from tracpro.forms import GENERAL, FormErrors
from tracpro.i18n import _
from tracpro.orgs.region_tree import RegionOption
from tracpro.text import escape_markdown

INDENT = "\u00a0" * 4  # non-breaking spaces: dropdowns keep them, so the tree shows


def field_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """Fields' labels marked with N_ (a module's constant), in the viewer's language, for show_form_errors."""
    return {name: _(label) for name, label in labels.items()}


def show_form_errors(refusal: FormErrors, labels: Mapping[str, str]) -> None:
    """Every problem of a refused form, where the page shows it (beside the form): the form-wide
    line first, then one line per field, labelled as on the form, its messages side by side.
    `labels` are already in the viewer's language (see field_labels), as the messages are; a field
    without a label is named by its key. Labels and messages are plain text (a contact field's
    label comes from RapidPro, a message may quote what was typed): shown as such."""
    errors = refusal.errors
    if GENERAL in errors:
        st.error(escape_markdown(" ".join(errors[GENERAL])))
    for field, messages in errors.items():
        if field != GENERAL:
            st.error(f"**{escape_markdown(labels.get(field, field))}**: {escape_markdown(' '.join(messages))}")


def region_multiselect(
    label: str, options: Sequence[RegionOption], *, default: Sequence[int] = (), key: str | None = None
) -> list[int]:
    """Pick regions from the org's tree, shown indented; sub-regions come with a region anyway."""
    labels = {option.id: INDENT * option.depth + option.name for option in options}
    return st.multiselect(
        label,
        list(labels),
        default=[region for region in default if region in labels],
        format_func=labels.__getitem__,
        key=key,
        help=_("The user will automatically be granted access to sub-regions."), placeholder=_("Choose options")
    )


def forget_form(key: str) -> None:
    """Empty a keyed form's widgets (after a successful submit), so it is blank when drawn next."""
    for name in [name for name in st.session_state if str(name).startswith(f"{key}.")]:
        del st.session_state[name]
