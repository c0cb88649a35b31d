"""The poll filters as widgets, with the address as their memory.

The filters are read from the query parameters (PollFilters.from_query) on every run; a widget
that changes writes the new filters back (PollFilters.to_query), leaving the page's other
parameters (poll, pollrun, tab ...) alone. So the address always holds what the page shows,
and a shared link opens with the same filters. A value that cannot be used is said in words
(FilterError) and the page shows no data until it is fixed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import partial

import streamlit as st

from tracpro.auth.scope import Scope
from tracpro.db.search import MAX_LENGTH
from tracpro.i18n import _, format_date, ngettext
from tracpro.polls.filters import DEFAULT_DATE_RANGE, DateRange, FilterError, NumericDisplay, PollFilters
from tracpro.queries.fields import visible_fields
from tracpro.text import escape_markdown
from tracpro.ui.database import read_scoped

PREFIX = "poll_filter_"
DATE_RANGE, START, END = f"{PREFIX}date_range", f"{PREFIX}start", f"{PREFIX}end"
NUMERIC, SPLIT = f"{PREFIX}numeric", f"{PREFIX}split_regions"
FILTER_PARAMS = ("date_range", "start", "end", "numeric", "split_regions")


def field_key(key: str) -> str:
    return f"{PREFIX}contact_{key}"


def _is_filter_param(name: str) -> bool:
    return name in FILTER_PARAMS or name.startswith("contact_")


def lenient(query: Mapping[str, str], numeric_default: NumericDisplay = NumericDisplay.SUM) -> PollFilters:
    """What the widgets start from when the address holds a bad value: each part that reads."""

    def enum(kind, value, default):
        try:
            return kind(value)
        except ValueError:
            return default

    def day(value):
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            return None

    filters = PollFilters(
        enum(DateRange, query.get("date_range", ""), DEFAULT_DATE_RANGE), day(query.get("start")),
        day(query.get("end")), enum(NumericDisplay, query.get("numeric", ""), numeric_default),
        query.get("split_regions") in ("1", "true", "on"),
    )
    return filters.with_contact_fields(
        {name.removeprefix("contact_"): value for name, value in query.items() if name.startswith("contact_")}
    )


def _write(fields: tuple[tuple[str, str], ...], with_dates: bool, numeric_default: NumericDisplay) -> None:
    """The widgets' values into the address (a widget's on_change)."""
    state = st.session_state
    current = lenient(st.query_params.to_dict(), numeric_default)
    filters = current
    if with_dates:
        date_range = DateRange(state[DATE_RANGE])
        custom = date_range == DateRange.CUSTOM
        filters = PollFilters(
            date_range, state.get(START) if custom else None, state.get(END) if custom else None,
            # A page that does not offer a control keeps what the address says.
            NumericDisplay(state.get(NUMERIC, current.numeric.value)), bool(state.get(SPLIT, current.split_regions)),
            current.contact_fields,
        )
    filters = filters.with_contact_fields({key: state.get(field_key(key)) or "" for key, _label in fields})
    for name in [name for name in st.query_params if _is_filter_param(name)]:
        del st.query_params[name]
    st.query_params.update(filters.to_query(numeric_default))


def _clear(with_dates: bool) -> None:
    """Back to the defaults; a page without dates leaves them (and the way back to the poll) alone."""
    cleared = _is_filter_param if with_dates else (lambda name: name.startswith("contact_"))
    for name in [name for name in st.query_params if cleared(name)]:
        del st.query_params[name]
    for key in [key for key in st.session_state if str(key).startswith(PREFIX)]:
        del st.session_state[key]


def describe(filters: PollFilters, *, with_dates: bool = True, numeric: bool = True, split: bool = True) -> str:
    parts = []
    if with_dates:
        if filters.date_range == DateRange.CUSTOM:
            start = format_date(filters.start) if filters.start else "…"
            end = format_date(filters.end) if filters.end else "…"
            parts.append(f"{start} – {end}")
        else:
            parts.append(filters.date_range.label)
        if numeric:
            parts.append(filters.numeric.label)
        if split and filters.split_regions:
            parts.append(_("split by region"))
    if filters.contact_fields:
        count = len(filters.contact_fields)
        parts.append(ngettext("{count} contact filter", "{count} contact filters", count).format(count=count))
    return " · ".join(parts) or _("none")


def _date_widgets(filters: PollFilters, write, numeric: bool, split: bool) -> None:
    ranges = list(DateRange)
    columns = st.columns(3)
    columns[0].selectbox(
        _("Date range"), [r.value for r in ranges], index=ranges.index(filters.date_range),
        format_func=lambda value: DateRange(value).label, key=DATE_RANGE, on_change=write,
    )
    if st.session_state.get(DATE_RANGE, filters.date_range.value) == DateRange.CUSTOM.value:
        for column, label, value, key in ((columns[1], _("Start date"), filters.start, START),
                                          (columns[2], _("End date"), filters.end, END)):
            column.date_input(label, value=value, key=key, on_change=write, format="YYYY-MM-DD")
    displays = list(NumericDisplay)
    numeric_column, split_column = st.columns([2, 1], vertical_alignment="bottom")
    if numeric:
        numeric_column.selectbox(
            _("Numeric display"), [d.value for d in displays], index=displays.index(filters.numeric),
            format_func=lambda value: NumericDisplay(value).label, key=NUMERIC, on_change=write,
        )
    if split:
        split_column.toggle(
            _("Split by region"), value=filters.split_regions, key=SPLIT, on_change=write,
            help=_("Numeric charts: one series for each region the respondents live in."),
        )


def poll_filters(scope: Scope, *, with_dates: bool = True, numeric: bool = True, split: bool = True,
                 numeric_default: NumericDisplay = NumericDisplay.SUM) -> PollFilters | None:
    """Draw the filters; the filters to use, or None (and a message) when they cannot be used.

    `with_dates=False` (a poll date's page) offers only the contact-field filters, and never
    answers None; the other parameters stay in the address, for the way back to the poll.
    `numeric` / `split`: whether the page uses the numeric display and the split by region (a
    control that changes nothing on a page is not offered there). `numeric_default`: the numeric
    display the page opens with.
    """
    fields = read_scoped(visible_fields, scope)
    query = st.query_params.to_dict()
    try:
        filters, error = PollFilters.from_query(query, numeric_default), None
    except FilterError as problem:
        # Only the dates and the numeric display can be wrong; a page without them ignores them.
        filters, error = lenient(query, numeric_default), str(problem) if with_dates else None
    if not with_dates:
        filters = PollFilters(contact_fields=filters.contact_fields)
        if not fields:
            return filters
    shown = dict(filters.contact_fields)
    # The expander's label stays the same: a new label would be a new expander, closed again.
    st.caption(_("Filters: {filters}").format(
        filters=describe(filters, with_dates=with_dates, numeric=numeric, split=split)))
    with st.expander(_("Filters"), icon=":material/filter_list:", expanded=error is not None):
        write = partial(_write, fields, with_dates, numeric_default)
        if with_dates:
            _date_widgets(filters, write, numeric, split)
        columns = st.columns(min(len(fields), 3) or 1)
        for index, (key, label) in enumerate(fields):
            columns[index % len(columns)].text_input(
                _("Contact: {field}").format(field=escape_markdown(label)), value=shown.get(key, ""),
                key=field_key(key), max_chars=MAX_LENGTH,
                on_change=write, help=_("Contacts whose field contains this text (any case)."),
            )
        st.button(_("Clear filters"), on_click=_clear, args=(with_dates,), icon=":material/filter_list_off:")
    if error:
        st.error(_("{error} Fix the filters above to see the data.").format(error=escape_markdown(error)))
        return None
    return filters
