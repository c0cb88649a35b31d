"""Maps of a question by region: the poll page's Map tab and the map of
a poll date's Summary, offered only where a region in view has a boundary.

A numeric question's map shows the figure the filters choose (averages unless they say sums or
response rates; a poll date's map shows averages); a categorical question's map the share of the
category chosen beside it, the most common at first. The table under the map has the same figures
as its hover.

The map draws one level of the region tree. Clicking a region that has sub-regions draws them
(a plotly selection event); "Show sub-regions of …" does the same without a mouse, and
"Back up" returns a level. The levels walked down are kept in Streamlit's session state, per map.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tracpro.auth.scope import NotFound, Scope
from tracpro.charts.colours import category_colours
from tracpro.charts.maps import (
    MAP_CONFIG,
    MEASURES,
    category_map,
    measure_text,
    measure_value,
    numeric_map,
    percent,
)
from tracpro.i18n import N_, _
from tracpro.polls.filters import NumericDisplay, PollFilters
from tracpro.queries.choices import map_available, question_choices
from tracpro.queries.maps import MapData, map_data
from tracpro.text import escape_markdown
from tracpro.ui.clock import today
from tracpro.ui.database import read_scoped
from tracpro.ui.filters import poll_filters
from tracpro.ui.plots import plot_config
from tracpro.ui.question_picker import pick_question

if TYPE_CHECKING:
    # What st.tabs returns; streamlit does not export the name.
    from streamlit.elements.lib.mutable_tab_container import TabContainer

MAP_TAB = N_("Map")


def map_tabs(scope: Scope) -> list[str]:
    """[MAP_TAB] when there is something to draw, to add to a page's url_tabs (which shows it
    translated and keeps `?tab=map` in every language); else none."""
    return [MAP_TAB] if read_scoped(map_available, scope) else []


def _mappable(scope: Scope, poll_id: int):
    return [c for c in read_scoped(question_choices, scope) if c.poll_id == poll_id and c.kind in ("numeric",
                                                                                                   "categorical")]


def poll_map(scope: Scope, poll_id: int, tabs: Mapping[str, TabContainer]) -> None:
    """The poll page's Map tab (if it has one): a question over the filtered dates, by region."""
    if MAP_TAB not in tabs or not tabs[MAP_TAB].open:
        return
    with tabs[MAP_TAB]:
        question = pick_question(_mappable(scope, poll_id), key=f"map-{poll_id}", poll_id=poll_id)
        if question is None:
            st.info(_("This poll has no numeric or categorical question to map."))
            return
        # Averages at first: a map of sums favours the bigger regions. No split: the map is by region.
        filters = poll_filters(scope, numeric=question.kind == "numeric", split=False,
                               numeric_default=NumericDisplay.AVERAGE)
        if filters is not None:
            region_map_block(scope, question.question_id, key=f"map-{poll_id}", filters=filters)


def pollrun_map(scope: Scope, poll_id: int, pollrun_id: int, filters: PollFilters) -> None:
    """A poll date's map, under its Summary, when a region in view has a boundary."""
    if not read_scoped(map_available, scope):
        return
    st.subheader(_(MAP_TAB), anchor=False)
    question = pick_question(_mappable(scope, poll_id), key=f"map-pollrun-{pollrun_id}", poll_id=poll_id)
    if question is None:
        st.info(_("This poll has no numeric or categorical question to map."))
        return
    # One date's map shows averages, as its summary does (its filters hold no numeric display).
    region_map_block(scope, question.question_id, key=f"map-pollrun-{pollrun_id}", pollrun_id=pollrun_id,
                     filters=replace(filters, numeric=NumericDisplay.AVERAGE))


def _clicked_region(points: Sequence[Mapping], figure: go.Figure) -> int | None:
    """The region of a clicked polygon: plotly sends its location, or where it sits in the figure."""
    for point in points:
        location = point.get("location")
        if location is None:
            trace, index = point.get("curve_number"), point.get("point_index", point.get("point_number"))
            if trace is None or index is None or trace >= len(figure.data):
                continue
            location = figure.data[trace].locations[index]
        if str(location).isdigit():
            return int(location)
    return None


def _numeric_table(data: MapData, measure: NumericDisplay) -> tuple[pd.DataFrame, dict]:
    label = _(MEASURES[measure.value])
    rate = measure == NumericDisplay.RESPONSE_RATE
    rows = [(r.name, measure_value(r, measure.value), r.replied if rate else r.answers, r.responses)
            for r in data.regions]
    formats = {NumericDisplay.RESPONSE_RATE: "%.1f%%", NumericDisplay.SUM: "localized"}
    config = {label: st.column_config.NumberColumn(format=formats.get(measure, "%.2f")),
              _("Answers"): st.column_config.NumberColumn(format="localized"),
              _("Poll responses"): st.column_config.NumberColumn(format="localized")}
    return pd.DataFrame(rows, columns=[_("Region"), label, _("Answers"), _("Poll responses")]), config


def _category_table(data: MapData, category: str) -> tuple[pd.DataFrame, dict]:
    share = _("{category} (%)").format(category=category)
    rows = [(r.name, r.share(category), dict(r.counts).get(category, 0), r.answers, r.category)
            for r in data.regions]
    # A category may be named like another column: the share and count stay apart.
    columns = [_("Region"), share, _("“{category}” answers").format(category=category), _("Answers"),
               _("Most common")]
    config = {share: st.column_config.NumberColumn(format="%.1f%%"),
              columns[2]: st.column_config.NumberColumn(format="localized"),
              _("Answers"): st.column_config.NumberColumn(format="localized")}
    return pd.DataFrame(rows, columns=columns), config


def _pick_category(data: MapData, key: str) -> str | None:
    """The category whose share shades the map: the most common at first, then the one chosen,
    kept while walking up and down the levels (a level that lacks it shows the most common)."""
    options = list(data.categories)
    if not options:
        return None
    remembered = st.session_state.get(f"{key}.share")
    default = remembered if remembered in options else data.most_common
    # A new widget for other options: one kept from another level would hold a stale choice.
    widget = f"{key}.share.{zlib.crc32(chr(31).join(options).encode())}"

    def remember() -> None:
        st.session_state[f"{key}.share"] = st.session_state[widget]

    return st.selectbox(_("Shade by the share of"), options, index=options.index(default) if default in options
                        else 0, key=widget, on_change=remember)


def _figures(data: MapData, measure: NumericDisplay, key: str):
    """The map, its table and its description (alt text), for the question's kind."""
    no_answers = _("no answers")
    if data.kind == "numeric":
        figure = numeric_map(data.features, data.regions, measure.value)
        table, config = _numeric_table(data, measure)
        described = ", ".join(
            f"{r.name} {measure_text(v, measure) if (v := measure_value(r, measure.value)) is not None else no_answers}"
            for r in data.regions)
        alt = _("Map, {measure} by region: {regions}").format(measure=_(MEASURES[measure.value]), regions=described)
        return figure, table, config, alt
    category = _pick_category(data, key)
    if category is None:
        return None
    colour = category_colours([*data.colour_order, *data.categories])[category]
    figure = category_map(data.features, data.regions, category, colour)
    table, config = _category_table(data, category)
    described = ", ".join(f"{r.name} {percent(v) if (v := r.share(category)) is not None else no_answers}"
                          for r in data.regions)
    alt = _("Map, share of “{category}” by region: {regions}").format(category=category, regions=described)
    return figure, table, config, alt


def region_map_block(scope: Scope, question_id: int, *, key: str, pollrun_id: int | None = None,
                     filters: PollFilters = PollFilters()) -> None:
    path: list[tuple[int, str]] = st.session_state.setdefault(f"{key}.path", [])  # walked down, top first
    # Every move gets widgets never used before: the browser would otherwise send back the
    # selection a map of that level held, and drill down again at once after "Back up".
    moves_key = f"{key}.moves"
    moves = st.session_state.setdefault(moves_key, 0)

    def go(down_to: tuple[int, str] | None) -> None:
        if down_to is None:
            path.pop()
        else:
            path.append(down_to)
        st.session_state[moves_key] = moves + 1

    parent, day = path[-1][0] if path else None, today(scope)
    try:
        data = read_scoped(map_data, scope, question_id=question_id, pollrun_id=pollrun_id, filters=filters,
                           region_id=parent, today=day)
    except NotFound:  # the sidebar's region changed under a walked-down map: start again at the top
        path.clear()
        data = read_scoped(map_data, scope, question_id=question_id, pollrun_id=pollrun_id, filters=filters,
                           today=day)
    if path:
        where, back = st.columns([3, 1], vertical_alignment="center")
        where.markdown(_("Sub-regions of **{path}**").format(
            path=" › ".join(escape_markdown(name) for _id, name in path)))
        back.button(_("Back up"), key=f"{key}.back", icon=":material/arrow_upward:", on_click=go, args=(None,))
    if data is None:
        st.info(_("None of these regions has a boundary to draw, so there is no map here."))
        return
    drawn = _figures(data, filters.numeric, key)
    if drawn is None:
        st.info(_("No answers to this question yet, so there is no category to map."))
        return
    figure, table, table_config, alt = drawn
    state = st.plotly_chart(
        figure, config=plot_config(MAP_CONFIG), key=f"{key}.figure.{moves}", on_select="rerun",
        selection_mode="points", alt=alt)
    drillable = {r.region_id: r.name for r in data.regions if r.has_children}
    clicked = _clicked_region(state.selection.points if state else [], figure)
    if clicked is not None and clicked in drillable:
        go((clicked, drillable[clicked]))
        st.rerun()
    caption = _("Hover over a region to see its numbers.")
    if drillable:
        caption += " " + _("Click a region to see its sub-regions.")
    st.caption(caption)
    if drillable:
        down_key = f"{key}.down.{moves}"

        def down() -> None:
            chosen = st.session_state.get(down_key)
            if chosen is not None and chosen in drillable:
                go((chosen, drillable[chosen]))

        st.selectbox(_("Show sub-regions of …"), list(drillable), index=None, format_func=drillable.__getitem__,
                     key=down_key, on_change=down, placeholder=_("Choose a region"))
    st.dataframe(table, hide_index=True, width="stretch", column_config=table_config)
    if data.without_boundary:
        st.caption(_("Not on the map (no boundary): {regions}.").format(
            regions=", ".join(escape_markdown(name) for name in data.without_boundary)))
