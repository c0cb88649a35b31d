"""What a page in AppTest hands the browser, sorted by how the browser renders it: as Streamlit
Markdown (titles, captions, alerts, labels, help texts, tab labels, radio options, st.table
cells), as text (selectbox and multiselect options, dataframe cells), or as Plotly figures."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd
from streamlit.testing.v1 import AppTest

# Proto fields Streamlit renders as Markdown in any element (a tab's and an expander's label are
# fields of their block's proto).
MARKDOWN_FIELDS = {"label", "help", "title"}
# ... and in these elements only: st.text's body and st.html's are not Markdown.
MARKDOWN_BODIES = {"markdown", "caption", "title", "header", "subheader", "error", "warning", "info", "success",
                   "toast", "metric"}
MARKDOWN_OPTIONS = {"radio": {"options", "captions"}, "button_group": {"content"}}
TEXT_OPTIONS = {"selectbox", "multiselect"}


def _nodes(app: AppTest) -> Iterator:
    pending = [app.main, app.sidebar]
    while pending:
        node = pending.pop()
        yield node
        pending.extend(getattr(node, "children", {}).values())


def _strings(message, names: set[str]) -> Iterator[str]:
    """The values of the fields called `names` anywhere in a proto message (nested ones included)."""
    for field, value in message.ListFields():
        items = value if isinstance(value, list | tuple) or hasattr(value, "extend") else [value]
        for item in items:
            if hasattr(item, "ListFields"):
                yield from _strings(item, names)
            elif isinstance(item, str) and field.name in names:
                yield item


def markdown_texts(app: AppTest) -> list[str]:
    """Every string of the page that Streamlit renders as Markdown."""
    found: list[str] = []
    for node in _nodes(app):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        kind = node.type
        names = MARKDOWN_FIELDS | ({"body"} if kind in MARKDOWN_BODIES else set()) | MARKDOWN_OPTIONS.get(kind, set())
        found.extend(_strings(proto, names))
        if kind == "dataframe" and proto.columns:  # column_config's help texts (tooltips)
            found.extend(column["help"] for column in json.loads(proto.columns).values() if column.get("help"))
        if kind == "table":  # st.table renders Markdown in its cells
            found.extend(str(cell) for cell in node.value.to_numpy().ravel())
    return found


def text_shown_as_is(app: AppTest) -> list[str]:
    """Strings the browser shows letter for letter: dropdown options and dataframe cells."""
    found: list[str] = []
    for node in _nodes(app):
        if node.type in TEXT_OPTIONS:
            found.extend(node.proto.options)
        elif node.type == "dataframe":
            table: pd.DataFrame = node.value
            found.extend(str(cell) for cell in table.to_numpy().ravel() if isinstance(cell, str))
    return found


def figure_texts(app: AppTest) -> list[str]:
    """Every string in the page's Plotly figures (data, layout), as the browser gets them; a map's
    GeoJSON aside (Plotly draws its shapes and reads its ids, never shows its properties)."""

    def walk(value) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for key, item in value.items():
                if key != "geojson":
                    yield from walk(item)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)

    return [text for chart in app.get("plotly_chart") for text in walk(json.loads(chart.proto.spec))]
