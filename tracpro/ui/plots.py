"""Drawing a plotly figure on a page: the same look and touch behaviour for every chart."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import plotly.graph_objects as go
import streamlit as st
from babel.dates import get_day_names, get_month_names
from babel.numbers import get_decimal_symbol, get_group_symbol

from tracpro.i18n import DEFAULT_LANGUAGE, current_language, format_number

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


def plot_config(base: dict = PLOT_CONFIG) -> dict:
    """`base` with the viewer's language for what plotly words itself: month and day names on
    date axes, decimal and thousands marks (plotly.js takes a locale inline, config.locales)."""
    code = current_language()
    if code == DEFAULT_LANGUAGE:
        return base
    return {**base, "locale": code, "locales": {code: {"dictionary": {}, "format": _plotly_format(code)}}}


@cache
def _plotly_format(code: str) -> dict:
    months, short_months = get_month_names("wide", locale=code), get_month_names("abbreviated", locale=code)
    days, short_days = get_day_names("wide", locale=code), get_day_names("abbreviated", locale=code)
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # Babel counts from Monday, d3 from Sunday
    return {
        "months": [months[m] for m in range(1, 13)], "shortMonths": [short_months[m] for m in range(1, 13)],
        "days": [days[d] for d in sunday_first], "shortDays": [short_days[d] for d in sunday_first],
        # Latin digits, as everywhere else in TracPro (Arabic included).
        "decimal": get_decimal_symbol(code, numbering_system="latn"),
        "thousands": get_group_symbol(code, numbering_system="latn"),
    }


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
    return ", ".join(f"{name} {format_number(count)}" for name, count in zip(names, counts, strict=True))


def plot(figure: go.Figure, *, alt: str, key: str | None = None, clickable: bool = False) -> list[dict]:
    """Draw a figure; the points clicked, when it is clickable."""
    if not clickable:
        st.plotly_chart(_still(figure), config=plot_config(), key=key, alt=alt)
        return []
    state = st.plotly_chart(
        _still(figure), config=plot_config(), key=key, alt=alt, on_select="rerun", selection_mode="points"
    )
    return list(state.selection.points) if state else []
