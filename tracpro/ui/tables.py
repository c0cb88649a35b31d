"""Read-model tables as pages show them: rows that open their objects, dates in words, thousands separated.

Each function turns a read model's DataFrame into the Table a page draws (tracpro.ui.table_view),
with the column_config to draw it; the read model's ids become what its rows open. Columns keep
their English names (code and tests look them up); the column_config gives each its heading in
the viewer's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, cast

import pandas as pd
import streamlit as st

from tracpro.i18n import N_, _, format_date, format_number
from tracpro.queries.contacts import URN_LABELS, language_name
from tracpro.queries.participation import Participation
from tracpro.ui.navigation import CONTACT, POLL, POLLRUN
from tracpro.ui.table_view import Link, Table

if TYPE_CHECKING:
    # What st.column_config's columns return; streamlit does not export the name.
    from streamlit.elements.lib.column_types import ColumnConfig

NUMBER = st.column_config.NumberColumn(format="localized")
# A long table shows its first rows only: a browser table of tens of thousands of rows helps nobody
# (the search and the downloads reach the rest).
MOST_ROWS = 1_000
# A column of moments (or of days): shown in words in the viewer's language (see tracpro.ui.table_view).
DATETIME = st.column_config.DatetimeColumn()
DAY = st.column_config.DateColumn()
# What a click on a table's row opens, in words (its cells may open something else: their headings' help says what).
OPENS_POLLRUN = N_("Click a row to open its poll date.")
OPENS_POLLRUN_OR_POLL = N_("Click a row to open its poll date, or a poll's name to open the poll.")
OPENS_POLL = N_("Click a row to open the poll.")
OPENS_CONTACT = N_("Click a row to open the contact.")


def table_rows(table: pd.DataFrame) -> Iterator[Any]:
    """The table's rows as named tuples (DataFrame.itertuples). Their fields have the types of the
    read model that made the table, which pandas cannot know: its stubs type each field as any scalar."""
    return table.itertuples()


def number(label: str, **options) -> ColumnConfig:
    """NUMBER under a heading (already translated)."""
    return st.column_config.NumberColumn(label, format="localized", **options)


def datetime_column(label: str, **options) -> ColumnConfig:
    """A column of moments under a heading (already translated); the Table's `dates` words them."""
    return st.column_config.DatetimeColumn(label, **options)


def day_column(label: str, **options) -> ColumnConfig:
    """A column of days under a heading (already translated); the Table's `dates` words them."""
    return st.column_config.DateColumn(label, **options)


def heading(label: str, **options) -> ColumnConfig:
    """A column shown as it is, under a heading (already translated)."""
    return st.column_config.Column(label, **options)


def day(value: date | None) -> str:
    return format_date(value) if value else _("Never")


def responses_label(complete: int, partial: int) -> str:
    """TracPro's "C (P)": complete responses, then partial ones when there are any."""
    return f"{format_number(complete)} ({format_number(partial)})" if partial else format_number(complete)


def pollrun_rows(table: pd.DataFrame, *, with_poll: bool = True) -> Table:
    """Poll dates (recent_pollruns, poll_dates): date, poll, region, participants, responses. A row
    opens its date; the poll's name the poll, the participants and responses those tabs of the date."""
    rows = list(table_rows(table))
    shown = pd.DataFrame({
        "Date": [row.day for row in rows],
        "Poll": table["poll"],
        "Region": table["region"],
        "Participants": table["participants"],
        "Responses": [responses_label(row.complete, row.partial) for row in rows],
    })
    config = {
        "Date": day_column(_("Date"), help=_("Open this poll date")),
        "Poll": heading(_("Poll"), help=_("Open the poll")),
        "Region": heading(_("Region")),
        "Participants": number(_("Participants"), help=_("Everyone the poll reached: participation")),
        "Responses": heading(_("Responses"), alignment="right",  # a count, as Participants
                             help=_("Complete responses (partial ones in brackets)")),
    }
    cells = {
        "Poll": [Link(POLL, {"poll": row.poll_id}) for row in rows],
        "Participants": [Link(POLLRUN, {"pollrun": row.pollrun_id, "tab": "participation"}) for row in rows],
        "Responses": [Link(POLLRUN, {"pollrun": row.pollrun_id, "tab": "responses"}) for row in rows],
    }
    if not with_poll:
        shown = shown.drop(columns="Poll")
        del config["Poll"], cells["Poll"]
    return Table(shown, config, dates={"Date": "day"},
                 rows=[Link(POLLRUN, {"pollrun": row.pollrun_id}) for row in rows], cells=cells,
                 hint=_(OPENS_POLLRUN_OR_POLL if with_poll else OPENS_POLLRUN))


def poll_rows(table: pd.DataFrame) -> Table:
    """The poll list: name, questions, dates, last conducted. A row opens its poll; its count of
    dates the poll's Dates tab."""
    rows = list(table_rows(table))
    shown = pd.DataFrame({
        "Poll": table["poll"],
        "Questions": table["questions"],
        "Dates": table["dates"],
        "Last conducted": table["last_conducted"],
    })
    config = {"Poll": heading(_("Poll")), "Questions": number(_("Questions")),
              "Dates": number(_("Dates"), help=_("The poll's dates you may see")),
              "Last conducted": day_column(_("Last conducted"))}
    return Table(shown, config, dates={"Last conducted": "day"},
                 rows=[Link(POLL, {"poll": row.poll_id}) for row in rows],
                 cells={"Dates": [Link(POLL, {"poll": row.poll_id, "tab": "dates"}) for row in rows]},
                 hint=_(OPENS_POLL))


def contact_rows(table: pd.DataFrame) -> Table:
    """The contact list (its first MOST_ROWS): a row opens its contact; completed-poll columns as ticks."""
    table = table.head(MOST_ROWS)
    shown = table.drop(columns="contact_id")
    config = {"Name": heading(_("Name"), pinned=True), "URN": heading(_("URN")),
              "Reporter groups": heading(_("Reporter groups")), "Region": heading(_("Region"))}
    for column in shown.columns[4:]:  # "<poll> (<date>)": completed that poll date
        config[column] = st.column_config.CheckboxColumn(column, help=_("Completed this poll date"))
    return Table(shown, config, rows=[Link(CONTACT, {"contact": row.contact_id}) for row in table_rows(table)],
                 hint=_(OPENS_CONTACT))


def response_rows(table: pd.DataFrame) -> Table:
    """A pollrun's responses (its newest MOST_ROWS), the date and time in the org's timezone: a row
    opens its contact."""
    table = table.head(MOST_ROWS)
    shown = table.drop(columns="contact_id")
    config = {"Date": datetime_column(_("Date")), "Contact": heading(_("Contact"), pinned=True),
              "Region": heading(_("Region")), "Reporter groups": heading(_("Reporter groups"))}
    return Table(shown, config, dates={"Date": "moment"},
                 rows=[Link(CONTACT, {"contact": row.contact_id}) for row in table_rows(table)], hint=_(OPENS_CONTACT))


def participation_rows(counts: Participation, label: str) -> pd.DataFrame:
    """TracPro's participation table, with the Total row (each contact once) last."""
    rows = [*counts.rows, replace(counts.total, label=_("Total"))]
    return pd.DataFrame([
        {label: row.label, "No response": row.empty, "Partial response": row.partial,
         "Full response": row.complete, "Completion": row.completion}
        for row in rows
    ])


def participation_config(label: str, shown_as: str) -> dict:
    """The participation table's headings; `label` its first column, headed `shown_as` (translated)."""
    return {label: heading(shown_as), "No response": number(_("No response")),
            "Partial response": number(_("Partial response")), "Full response": number(_("Full response")),
            "Completion": heading(_("Completion"))}


def contact_response_rows(table: pd.DataFrame) -> Table:
    """A contact's responses: the date, the poll, the answers on one line. A row opens its poll
    date; the poll's name the poll."""
    rows = list(table_rows(table))
    shown = pd.DataFrame({
        "Date": [row.Date.date() for row in rows],
        "Poll": table["Poll"],
        "Answers": [answers.replace("\n", " · ") for answers in table["Answers"]],
    })
    answers = st.column_config.TextColumn(_("Answers"), width="large",
                                          help=_("Categories, or the words of open answers"))
    return Table(shown, {"Date": day_column(_("Date")), "Poll": heading(_("Poll"), help=_("Open the poll")),
                         "Answers": answers},
                 dates={"Date": "day"}, rows=[Link(POLLRUN, {"pollrun": row.pollrun_id}) for row in rows],
                 cells={"Poll": [Link(POLL, {"poll": row.poll_id}) for row in rows]},
                 hint=_(OPENS_POLLRUN_OR_POLL))


def message_rows(table: pd.DataFrame) -> Table:
    """The messages sent to a contact: a row sent for a poll date opens it."""
    links = [Link(POLLRUN, {"pollrun": int(pollrun)}) if pd.notna(pollrun) else None for pollrun in table["pollrun_id"]]
    opened = _("Open")
    shown = table.rename(columns={"pollrun_id": "Poll date"})
    shown["Poll date"] = [opened if link else None for link in links]
    return Table(shown, {"Sent on": datetime_column(_("Sent on")), "Sent by": heading(_("Sent by")),
                         "Poll date": heading(_("Poll date")),
                         "Recipients": heading(_("Recipients")), "Status": heading(_("Status")),
                         "Text": st.column_config.TextColumn(_("Text"), width="large")},
                 dates={"Sent on": "moment"}, rows=links, hint=_(OPENS_POLLRUN))


def by_dimension(table: pd.DataFrame, dimension: str) -> tuple[pd.DataFrame, pd.DataFrame, date | None]:
    """responses_by's table for a chart (languages and channels by name), its totals over all its days and on
    the latest one, and that latest day."""
    named = table.copy()
    unknown = _("Unknown")
    if dimension == "language":
        named["value"] = [language_name(code) if code != "unknown" else unknown for code in named["value"]]
    else:  # a channel is a URN scheme ("tel"): named as the contact form names it
        named["value"] = [_(URN_LABELS[code]) if code in URN_LABELS else code for code in named["value"]]
    if named.empty:
        return named, pd.DataFrame(columns=["value", "Total", "Latest day"]), None
    latest = named["day"].max()
    # With as_index=False the sum is a DataFrame; pandas-stubs say it is a Series.
    summed = cast(pd.DataFrame, named.groupby("value", as_index=False)["responses"].sum())
    totals = summed.rename(columns={"responses": "Total"})
    last = named[named["day"] == latest].groupby("value")["responses"].sum()
    totals["Latest day"] = [int(last.get(value, 0)) for value in totals["value"]]
    totals = totals.sort_values(["Total", "value"], ascending=[False, True]).reset_index(drop=True)
    return named, totals, latest
