"""What a page reads from its address: which object it shows, which tab, which view.

An id that is missing, malformed, or names something outside the viewer's scope stops the page
with a sentence and a way back, never a traceback (ARCHITECTURE decision 6). Tabs and view
choices write themselves back into the address, so the address always says what is on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import streamlit as st

from tracpro.auth.scope import Scope
from tracpro.queries.poll_base import NotFound
from tracpro.ui.database import read_scoped
from tracpro.ui.links import page_link

T = TypeVar("T")


def id_param(name: str) -> int | None:
    """A positive whole number from the address, or None."""
    value = st.query_params.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else None


def _stop(message: str, back_page: str, back_label: str) -> None:
    st.error(message)
    page_link(back_page, back_label, icon=":material/arrow_back:")
    st.stop()


def require_id(name: str, what: str, back_page: str, back_label: str) -> int:
    """The id of the object the page shows; stops the page when the address has none."""
    if name not in st.query_params:
        _stop(f"No {what} chosen: open one from the list.", back_page, back_label)
    value = id_param(name)
    if value is None:
        _stop(f"This {what} does not exist, or you may not see it.", back_page, back_label)
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

    Only the open tab's content needs to run: each returned tab's `.open` says which it is.
    """
    values = {label.lower(): label for label in labels}
    chosen = values.get(st.query_params.get(param, "").lower(), labels[0])

    def remember() -> None:
        label = st.session_state[key]
        if label == labels[0]:
            st.query_params.pop(param, None)
        else:
            st.query_params[param] = label.lower()

    tabs = st.tabs(list(labels), default=chosen, key=key, on_change=remember)
    return dict(zip(labels, tabs, strict=True))


def url_choice(label: str, options: Mapping[str, str], *, param: str, key: str) -> str:
    """A one-of-a-few choice (segmented control) kept in the address; returns the option's value.

    `options` maps values (as they appear in the address) to labels; the first is the default.
    """
    values = list(options)
    wanted = st.query_params.get(param, values[0])
    return st.segmented_control(
        label, values, default=wanted if wanted in options else values[0], required=True,
        format_func=options.__getitem__, key=key, on_change=_write_param, args=(param, key, values[0]),
    )
