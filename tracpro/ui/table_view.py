"""Drawing a table: dates in the viewer's language, as tall as its rows need, and rows that open pages.

A row of a linked table opens its object (a poll date, a contact ...) in the same browser tab; a
cell of a column naming another object (a poll's name in a list of dates) opens that one instead.
Streamlit's row and cell selection catch the click, and the rerun it brings switches page with the
page's permalink (tracpro.ui.links.open_page): no new tab, no "#label" in the address, and the
browser's Back button returns to the table, with nothing chosen in it (selection_key).

Dates are shown in words in the viewer's language (tracpro.i18n.format_date) through a pandas
Styler's display text, while the cell keeps its date: Streamlit's table shows a cell's display text
when its column sets no format of its own, and sorts a date column by the date itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from tracpro.i18n import _, format_date, format_number
from tracpro.ui.links import open_page

# A table shows up to this many rows at once and scrolls past them; a shorter one is as tall as its rows.
MOST_VISIBLE_ROWS = 20
# Streamlit's table: a row and the heading are 35 pixels high, within a 1-pixel border.
ROW_PIXELS, BORDER_PIXELS = 35, 1
# A row's circle, or a click on any cell, opens it: one choice at a time.
SELECTION_MODES: list[Literal["single-row", "single-cell"]] = ["single-row", "single-cell"]
# How many rows this session has opened from tables (see selection_key).
OPENED = "tracpro_rows_opened"


@dataclass(frozen=True)
class Link:
    """A page of the app (tracpro.ui.navigation's file name) and the query parameters naming what it shows."""

    page: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Table:
    """A read model's table as drawn.

    `dates` maps a column of dates or moments to its tracpro.i18n.format_date style ("day",
    "moment"). `rows` holds what each row opens (None: nothing), in the data's row order, or is
    None for a table whose rows open nothing; `cells` the same for the columns whose cells open
    something else than their row. `hint` (translated) says what a click opens.
    """

    data: pd.DataFrame
    config: dict[str, Any]
    dates: Mapping[str, str] = field(default_factory=dict)
    rows: Sequence[Link | None] | None = None
    cells: Mapping[str, Sequence[Link | None]] = field(default_factory=dict)
    hint: str = ""

    def renamed(self, names: Mapping[str, str]) -> Table:
        """The table with its columns renamed (read models' English names to headings)."""
        return Table(self.data.rename(columns=names), {names.get(c, c): v for c, v in self.config.items()},
                     {names.get(c, c): v for c, v in self.dates.items()}, self.rows,
                     {names.get(c, c): v for c, v in self.cells.items()}, self.hint)

    def link_at(self, row: int, column: str | None = None) -> Link | None:
        """What a click on `row` (on its cell in `column`, if given) opens."""
        if self.rows is None or not 0 <= row < len(self.rows):
            return None
        if column is not None and column in self.cells:
            return self.cells[column][row]
        return self.rows[row]


def height(rows: int) -> int | Literal["content"]:
    """As tall as `rows` need, up to MOST_VISIBLE_ROWS of them."""
    if rows <= MOST_VISIBLE_ROWS:
        return "content"
    return (MOST_VISIBLE_ROWS + 1) * ROW_PIXELS + 2 * BORDER_PIXELS


def in_words(style: str):
    """A Styler formatter: a date or moment in words in the current language."""
    def shown(value: date) -> str:
        return format_date(value, style)
    return shown


def number_text(value: float) -> str:
    """A Styler formatter: a number as tracpro.i18n writes it, a whole one without decimals."""
    return format_number(int(value) if float(value).is_integer() else value)


def styled(data: pd.DataFrame, dates: Mapping[str, str], key: str) -> pd.DataFrame | Styler:
    """`data`, with its `dates` columns' display text in words (a Styler); as it is when it has none.

    A Styler gives every cell a display text, which Streamlit shows wherever the column sets no
    format: numbers get tracpro.i18n's (not pandas' six decimals), empty cells stay empty."""
    dates = {column: style for column, style in dates.items() if column in data.columns}
    if not dates:
        return data
    # A fixed uuid: the same table gives the same element on every rerun.
    styler = data.style.set_uuid(key).format(na_rep="")
    numbers = [column for column in data.select_dtypes("number").columns if column not in dates]
    formats = {column: number_text for column in numbers} | {column: in_words(style) for column, style in dates.items()}
    return styler.format(formats, na_rep="")


def show_table(table: Table, *, key: str) -> None:
    """Draw `table` across the page; when its rows open pages, a click on one opens it in this tab."""
    data, rows = styled(table.data, table.dates, key), len(table.data)
    linked = table.rows is not None and any(link is not None for link in table.rows)
    if not linked:
        st.dataframe(data, hide_index=True, width="stretch", height=height(rows), column_config=table.config,
                     key=key)
        return
    st.caption(table.hint or _("Click a row to open it."))
    opened = st.session_state.get(OPENED, 0)
    event = st.dataframe(data, hide_index=True, width="stretch", height=height(rows), column_config=table.config,
                         key=selection_key(key, opened), on_select="rerun", selection_mode=SELECTION_MODES)
    link = chosen(table, event.selection)
    if link is not None:
        st.session_state[OPENED] = opened + 1
        open_page(link.page, **link.params)


def selection_key(key: str, opened: int) -> str:
    """The key of table `key`'s selection once `opened` rows have been opened from tables in this session.

    A selection outlives its page: Streamlit keeps it, and the browser's Back button would bring
    the table back with its row still chosen, which would open that row again at once. So each row
    opened gives every table a new key, and a table drawn again starts with nothing chosen."""
    return f"{key}-{opened}"


def chosen(table: Table, selection: Mapping[str, Any]) -> Link | None:
    """What the table's selection (Streamlit's: rows by position, cells as (position, column)) opens."""
    for row, column in selection.get("cells") or ():
        return table.link_at(int(row), str(column))
    for row in selection.get("rows") or ():
        return table.link_at(int(row))
    return None
