"""Read-model tables as pages show them: links to the objects, dates in words, thousands separated.

Each function turns a read model's DataFrame into the one a page draws, with the column_config
to draw it; the read model's ids become permalinks (tracpro.ui.links). Columns keep their English
names (code and tests look them up); the column_config gives each its heading in the viewer's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, cast

import pandas as pd
import streamlit as st

from tracpro.i18n import _, format_date, format_number
from tracpro.queries.contacts import URN_LABELS, language_name
from tracpro.queries.participation import Participation
from tracpro.ui.links import link_column, page_url
from tracpro.ui.navigation import CONTACT, POLL, POLLRUN

if TYPE_CHECKING:
    # What st.column_config's columns return; streamlit does not export the name.
    from streamlit.elements.lib.column_types import ColumnConfig

NUMBER = st.column_config.NumberColumn(format="localized")
# A long table shows its first rows only: a browser table of tens of thousands of rows helps nobody
# (the search and the downloads reach the rest).
MOST_ROWS = 1_000
DATETIME = st.column_config.DatetimeColumn(format="MMM DD, YYYY HH:mm")


def table_rows(table: pd.DataFrame) -> Iterator[Any]:
    """The table's rows as named tuples (DataFrame.itertuples). Their fields have the types of the
    read model that made the table, which pandas cannot know: its stubs type each field as any scalar."""
    return table.itertuples()


def number(label: str, **options) -> ColumnConfig:
    """NUMBER under a heading (already translated)."""
    return st.column_config.NumberColumn(label, format="localized", **options)


def datetime_column(label: str) -> ColumnConfig:
    """DATETIME under a heading (already translated)."""
    return st.column_config.DatetimeColumn(label, format="MMM DD, YYYY HH:mm")


def heading(label: str, **options) -> ColumnConfig:
    """A column shown as it is, under a heading (already translated)."""
    return st.column_config.Column(label, **options)


def day(value: date | None) -> str:
    return format_date(value) if value else _("Never")


def responses_label(complete: int, partial: int) -> str:
    """TracPro's "C (P)": complete responses, then partial ones when there are any."""
    return f"{format_number(complete)} ({format_number(partial)})" if partial else format_number(complete)


def pollrun_rows(table: pd.DataFrame, *, with_poll: bool = True) -> tuple[pd.DataFrame, dict]:
    """Poll dates (recent_pollruns, poll_dates): date and poll as links, participants, responses."""
    shown = pd.DataFrame({
        "Date": [page_url(POLLRUN, day(row.day), pollrun=row.pollrun_id) for row in table_rows(table)],
        "Poll": [page_url(POLL, row.poll, poll=row.poll_id) for row in table_rows(table)],
        "Region": table["region"],
        "Participants": [
            page_url(POLLRUN, format_number(row.participants), pollrun=row.pollrun_id, tab="participation")
            for row in table_rows(table)
        ],
        "Responses": [
            page_url(POLLRUN, responses_label(row.complete, row.partial), pollrun=row.pollrun_id,
                     tab="responses")
            for row in table_rows(table)
        ],
    })
    if not with_poll:
        shown = shown.drop(columns="Poll")
    config = {
        "Date": link_column(_("Date"), help=_("Open this poll date")),
        "Poll": link_column(_("Poll"), help=_("Open the poll")),
        "Region": heading(_("Region")),
        "Participants": link_column(_("Participants"), help=_("Everyone the poll reached: participation")),
        "Responses": link_column(_("Responses"), help=_("Complete responses (partial ones in brackets)")),
    }
    return shown, config


def poll_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The poll list: name as a link, questions, dates, last conducted."""
    shown = pd.DataFrame({
        "Poll": [page_url(POLL, row.poll, poll=row.poll_id) for row in table_rows(table)],
        "Questions": table["questions"],
        "Dates": [page_url(POLL, format_number(row.dates), poll=row.poll_id, tab="dates")
                  for row in table_rows(table)],
        "Last conducted": [day(value) for value in table["last_conducted"]],
    })
    config = {"Poll": link_column(_("Poll")), "Questions": number(_("Questions")),
              "Dates": link_column(_("Dates"), help=_("The poll's dates you may see")),
              "Last conducted": heading(_("Last conducted"))}
    return shown, config


def contact_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The contact list (its first MOST_ROWS): name as a link; completed-poll columns as ticks."""
    table = table.head(MOST_ROWS)
    shown = table.drop(columns="contact_id").copy()
    shown["Name"] = [page_url(CONTACT, row.Name, contact=row.contact_id) for row in table_rows(table)]
    config = {"Name": link_column(_("Name")), "URN": heading(_("URN")),
              "Reporter groups": heading(_("Reporter groups")), "Region": heading(_("Region"))}
    for column in shown.columns[4:]:  # "<poll> (<date>)": completed that poll date
        config[column] = st.column_config.CheckboxColumn(column, help=_("Completed this poll date"))
    return shown, config


def response_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """A pollrun's responses (its newest MOST_ROWS): the contact as a link, the date and time in the
    org's timezone."""
    table = table.head(MOST_ROWS)
    shown = table.drop(columns="contact_id").copy()
    shown["Contact"] = [page_url(CONTACT, row.Contact, contact=row.contact_id) for row in table_rows(table)]
    return shown, {"Date": datetime_column(_("Date")), "Contact": link_column(_("Contact")),
                   "Region": heading(_("Region")), "Reporter groups": heading(_("Reporter groups"))}


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


def contact_response_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """A contact's responses: the date (a link to that poll date), the poll, the answers on one line."""
    shown = pd.DataFrame({
        "Date": [page_url(POLLRUN, day(row.Date), pollrun=row.pollrun_id) for row in table_rows(table)],
        "Poll": [page_url(POLL, row.Poll, poll=row.poll_id) for row in table_rows(table)],
        "Answers": [answers.replace("\n", " · ") for answers in table["Answers"]],
    })
    answers = st.column_config.TextColumn(_("Answers"), width="large",
                                          help=_("Categories, or the words of open answers"))
    return shown, {"Date": link_column(_("Date")), "Poll": link_column(_("Poll")), "Answers": answers}


def message_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    shown = table.copy()
    opened = _("Open")
    shown["pollrun_id"] = [
        page_url(POLLRUN, opened, pollrun=int(pollrun)) if pd.notna(pollrun) else None
        for pollrun in table["pollrun_id"]
    ]
    shown = shown.rename(columns={"pollrun_id": "Poll date"})
    return shown, {"Sent on": datetime_column(_("Sent on")), "Sent by": heading(_("Sent by")),
                   "Poll date": link_column(_("Poll date")), "Recipients": heading(_("Recipients")),
                   "Status": heading(_("Status")), "Text": heading(_("Text"))}


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
