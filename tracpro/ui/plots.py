"""Drawing a plotly figure on a page: the same look and touch behaviour for every chart."""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from tracpro.i18n import current_language

# No plotly mode bar: its zoom and pan tools do nothing on these still charts, and on a phone it
# would sit over the first bar. (Streamlit's own toolbar still offers fullscreen.)
PLOT_CONFIG = {"displayModeBar": False}


def _still(figure: go.Figure) -> go.Figure:
    """No zooming by dragging: on a phone a drag must scroll the page, not the chart."""
    if figure.layout.dragmode is False:  # a figure from `figure_of`: already still
        return figure
    figure.update_layout(dragmode=False)
    figure.update_xaxes(fixedrange=True)
    figure.update_yaxes(fixedrange=True)
    return figure


# Kept as objects (not pickled copies), shared by every session: chart functions are pure, so the
# same data gives the same figure, and `plot` never changes a still figure.
@st.cache_resource(max_entries=512, ttl=600, show_spinner=False)
def _built(
    _chart: Callable[..., go.Figure], name: str, language: str, arguments: tuple, keywords: tuple
) -> go.Figure:
    # `name` stands for the chart function in the key (Streamlit does not hash functions);
    # `language` because a chart words its axes and legends in the viewer's language.
    return _still(_chart(*arguments, **dict(keywords)))


def figure_of(chart: Callable[..., go.Figure], *arguments: object, **keywords: object) -> go.Figure:
    """`chart(*arguments, **keywords)` built once per distinct data: plotly takes a tenth of a
    second to build a figure, more than a warm page may spend in all (issue #9's bench)."""
    name = f"{chart.__module__}.{chart.__qualname__}"
    return _built(chart, name, current_language(), arguments, tuple(sorted(keywords.items())))


def described(names, counts) -> str:
    """Labels and their counts in words, for a chart's text alternative: "Kwamata 1,670, Gigi 129"."""
    return ", ".join(f"{name} {count:,}" for name, count in zip(names, counts, strict=True))


def plot(figure: go.Figure, *, alt: str, key: str | None = None, clickable: bool = False) -> list[dict]:
    """Draw a figure; the points clicked, when it is clickable."""
    if not clickable:
        st.plotly_chart(_still(figure), config=PLOT_CONFIG, key=key, alt=alt)
        return []
    state = st.plotly_chart(
        _still(figure), config=PLOT_CONFIG, key=key, alt=alt, on_select="rerun", selection_mode="points"
    )
    return list(state.selection.points) if state else []
