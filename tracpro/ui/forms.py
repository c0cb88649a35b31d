"""Form helpers shared by pages: errors shown by field, and the region tree as a multiselect."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from tracpro.auth.access import RegionOption
from tracpro.auth.users import GENERAL
from tracpro.i18n import _

INDENT = "\u00a0" * 4  # non-breaking spaces: dropdowns keep them, so the tree shows


def field_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """Fields' labels marked with N_ (a module's constant), in the viewer's language, for show_errors."""
    return {name: _(label) for name, label in labels.items()}


def show_errors(errors: Mapping[str, str], labels: Mapping[str, str]) -> None:
    """One error line per field, labelled as on the form, the form-wide one first. `labels` are
    already in the viewer's language (see field_labels), as the messages are."""
    if GENERAL in errors:
        st.error(errors[GENERAL])
    for field, message in errors.items():
        if field != GENERAL:
            st.error(f"**{labels.get(field, field)}**: {message}")


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
