"""What a page reads from its address: which object it shows, which tab, which view.

An id that is missing, malformed, or names something outside the viewer's scope stops the page
with a sentence and a way back, never a traceback. Tabs and view
choices write themselves back into the address, so the address always says what is on screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import NoReturn, TypeVar

import streamlit as st

from tracpro.auth.scope import NotFound, Scope
from tracpro.i18n import N_, _
from tracpro.text import escape_markdown
from tracpro.ui.database import read_scoped
from tracpro.ui.links import page_link

T = TypeVar("T")

# What require_id says for each kind of object (whole sentences: words agree differently in each language).
_NONE_CHOSEN = {
    "poll": N_("No poll chosen: open one from the list."),
    "poll date": N_("No poll date chosen: open one from the list."),
    "contact": N_("No contact chosen: open one from the list."),
    "indicator": N_("No indicator chosen: open one from the list."),
}
_NOT_FOUND = {
    "poll": N_("This poll does not exist, or you may not see it."),
    "poll date": N_("This poll date does not exist, or you may not see it."),
    "contact": N_("This contact does not exist, or you may not see it."),
    "indicator": N_("This indicator does not exist, or you may not see it."),
}


# Digits 0-9 only ("²" and "١" are digits to str.isdigit, and int() refuses the first), and few enough
# of them for any id: Python refuses to read more than 4,300, and PostgreSQL's ids stop at 19.
_ID = re.compile(r"[0-9]{1,18}")


def positive_id(text: str) -> int | None:
    """`text` as an id (a positive whole number written in digits 0-9), or None."""
    return int(text) if _ID.fullmatch(text) and int(text) > 0 else None


def id_param(name: str) -> int | None:
    """A positive whole number from the address, or None."""
    return positive_id(st.query_params.get(name, ""))


def _stop(message: str, back_page: str, back_label: str) -> NoReturn:
    st.error(escape_markdown(message))  # plain text: a refusal may name what was asked for
    page_link(back_page, back_label, icon=":material/arrow_back:")
    st.stop()


def require_id(name: str, what: str, back_page: str, back_label: str) -> int:
    """The id of the object the page shows; stops the page when the address has none."""
    if name not in st.query_params:
        message = _(_NONE_CHOSEN[what]) if what in _NONE_CHOSEN else _(
            "No {what} chosen: open one from the list.").format(what=what)
        _stop(message, back_page, back_label)
    value = id_param(name)
    if value is None:
        message = _(_NOT_FOUND[what]) if what in _NOT_FOUND else _(
            "This {what} does not exist, or you may not see it.").format(what=what)
        _stop(message, back_page, back_label)
    return value


def read_found(
    read_model: Callable[..., T], scope: Scope, *, back_page: str, back_label: str, **parameters: object
) -> T:
    """read_scoped, stopping the page with the read model's "not found" when it refuses."""
    try:
        return read_scoped(read_model, scope, **parameters)
    except NotFound as refusal:
        _stop(str(refusal), back_page, back_label)
        raise  # unreachable: st.stop() raises


def _write_param(param: str, widget_key: str, default: str) -> None:
    value = st.session_state[widget_key]
    if value is None or value == default:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = value


def url_tabs(labels: Sequence[str], *, key: str, param: str = "tab") -> dict[str, object]:
    """Tabs whose choice lives in the address (`?tab=<label in lower case>`).

    `labels` are English labels marked with N_: they name the tabs in the address and in the
    returned dict (so links like `tab="participation"` work in every language), and each tab
    shows its label translated. Only the open tab's content needs to run: each returned tab's
    `.open` says which it is.
    """
    values = {label.lower(): label for label in labels}
    chosen = values.get(st.query_params.get(param, "").lower(), labels[0])
    shown = {label: _(label) for label in labels}
    label_of = {text: label for label, text in shown.items()}

    def remember() -> None:
        label = label_of.get(st.session_state[key], labels[0])
        if label == labels[0]:
            st.query_params.pop(param, None)
        else:
            st.query_params[param] = label.lower()

    tabs = st.tabs([shown[label] for label in labels], default=shown[chosen], key=key, on_change=remember)
    return dict(zip(labels, tabs, strict=True))


def url_choice(label: str, options: Mapping[str, str], *, param: str, key: str) -> str:
    """A one-of-a-few choice (segmented control) kept in the address; returns the option's value.

    `options` maps values (as they appear in the address) to labels (translated); the first is the default.
    """
    values = list(options)
    wanted = st.query_params.get(param, values[0])
    return st.segmented_control(
        label, values, default=wanted if wanted in options else values[0], required=True,
        format_func=options.__getitem__, key=key, on_change=_write_param, args=(param, key, values[0]),
    )
