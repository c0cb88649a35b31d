"""The tables of the action pages as they are drawn: the inbox, the message log, the action list.

The read models name their columns in English (the code looks them up by those names); the
headings are put in the viewer's language here, last, just before a table is drawn. Their moments
are shown in words in the viewer's language (tracpro.ui.table_view).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracpro.i18n import N_, _
from tracpro.ui.navigation import INBOX, POLLRUN
from tracpro.ui.table_view import Link, Table
from tracpro.ui.tables import DATETIME, MOST_ROWS, NUMBER, OPENS_POLLRUN, table_rows

# The read models' column names, as headings.
HEADINGS = {
    "Action": N_("Action"),
    "Asked by": N_("Asked by"),
    "Asked on": N_("Asked on"),
    "Attempts": N_("Attempts"),
    "Contact": N_("Contact"),
    "Created on": N_("Created on"),
    "Direction": N_("Direction"),
    "From": N_("From"),
    "Poll date": N_("Poll date"),
    "RapidPro said": N_("RapidPro said"),
    "Recipients": N_("Recipients"),
    "Recipients in view": N_("Recipients in view"),
    "Region": N_("Region"),
    "Sent by": N_("Sent by"),
    "Sent on": N_("Sent on"),
    "Status": N_("Status"),
    "Text": N_("Text"),
}
# A sent message's delivery status (MessageStatus values), in words.
MESSAGE_STATUSES = {"pending": N_("Pending"), "sent": N_("Sent"), "failed": N_("Failed")}
# A conversation shows the statuses as stored, in lower case: TracPro's replies (MessageStatus)
# and RapidPro's own for the messages it handled; a status not listed here is shown as it is.
CONVERSATION_STATUSES = {
    "pending": N_("pending"), "sent": N_("sent"), "failed": N_("failed"), "queued": N_("queued"),
    "wired": N_("wired"), "delivered": N_("delivered"), "handled": N_("handled"), "errored": N_("errored"),
    "resent": N_("resent"), "initializing": N_("initializing"),
}


def heading(column: str) -> str:
    """A read model's column name as the table's heading in the viewer's language."""
    return _(HEADINGS[column]) if column in HEADINGS else column


def with_headings(table: Table) -> Table:
    """The table, its columns renamed to the headings."""
    return table.renamed({column: heading(column) for column in table.data.columns})


def text_column():
    return st.column_config.TextColumn(_("Text"), width="large")


def _message_status(status: str) -> str:
    return _(MESSAGE_STATUSES[status]) if status in MESSAGE_STATUSES else status.capitalize()


def inbox_rows(table: pd.DataFrame) -> Table:
    """The latest message per contact: a row opens the conversation."""
    table = table.head(MOST_ROWS)
    shown = table.drop(columns="contact_id")
    shown["Contact"] = [row.Contact or _("(no name)") for row in table_rows(table)]
    return with_headings(Table(
        shown, {"Contact": st.column_config.Column(pinned=True), "Created on": DATETIME, "Text": text_column()},
        dates={"Created on": "moment"}, rows=[Link(INBOX, {"contact": row.contact_id}) for row in table_rows(table)],
        hint=_("Click a row to open the conversation.")))


def conversation_rows(table: pd.DataFrame) -> Table:
    """One contact's conversation, newest first."""
    shown = table.copy()
    shown["Status"] = [_(CONVERSATION_STATUSES[status]) if status in CONVERSATION_STATUSES else status
                       for status in table["Status"]]
    return with_headings(Table(shown, {"Created on": DATETIME, "Text": text_column()}, dates={"Created on": "moment"}))


def message_log_rows(table: pd.DataFrame) -> Table:
    """Sent messages: the poll date (a row sent for one opens it), the recipients in view, the delivery status."""
    shown = table.drop(columns=["message_id", "pollrun_id"])
    links = [Link(POLLRUN, {"pollrun": int(pollrun)}) if pd.notna(pollrun) else None for pollrun in table["pollrun_id"]]
    shown["Status"] = [_message_status(status) for status in shown["Status"]]
    return with_headings(Table(shown, {"Sent on": DATETIME, "Recipients in view": NUMBER, "Text": text_column()},
                               dates={"Sent on": "moment"}, rows=links, hint=_(OPENS_POLLRUN)))


def action_rows(table: pd.DataFrame) -> Table:
    return with_headings(Table(table.drop(columns="action_id"), {
        "Asked on": DATETIME, "Attempts": NUMBER, "RapidPro said": st.column_config.TextColumn(width="medium")},
        dates={"Asked on": "moment"}))
