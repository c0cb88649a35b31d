"""The tables of the action pages as they are drawn: the inbox, the message log, the action list.

The read models name their columns in English (the code looks them up by those names); the
headings are put in the viewer's language here, last, just before a table is drawn.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracpro.i18n import N_, _
from tracpro.ui.links import link_column, page_url
from tracpro.ui.navigation import INBOX, POLLRUN
from tracpro.ui.tables import DATETIME, MOST_ROWS, NUMBER, table_rows

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


def with_headings(table: pd.DataFrame, config: dict | None = None) -> tuple[pd.DataFrame, dict]:
    """The table and its column_config, their columns renamed to the headings."""
    return (table.rename(columns={column: heading(column) for column in table.columns}),
            {heading(column): value for column, value in (config or {}).items()})


def text_column():
    return st.column_config.TextColumn(_("Text"), width="large")


def _message_status(status: str) -> str:
    return _(MESSAGE_STATUSES[status]) if status in MESSAGE_STATUSES else status.capitalize()


def inbox_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The latest message per contact: the contact opens the conversation."""
    table = table.head(MOST_ROWS)
    shown = table.drop(columns="contact_id").copy()
    shown["Contact"] = [page_url(INBOX, row.Contact or _("(no name)"), contact=row.contact_id)
                        for row in table_rows(table)]
    return with_headings(shown, {"Contact": link_column(_("Contact"), help=_("Open the conversation")),
                                 "Created on": DATETIME})


def conversation_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """One contact's conversation, newest first."""
    shown = table.copy()
    shown["Status"] = [_(CONVERSATION_STATUSES[status]) if status in CONVERSATION_STATUSES else status
                       for status in table["Status"]]
    return with_headings(shown, {"Created on": DATETIME, "Text": text_column()})


def message_log_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Sent messages: the poll date as a link, the recipients in view, the delivery status."""
    shown = table.drop(columns=["message_id", "pollrun_id"]).copy()
    shown["Poll date"] = [
        page_url(POLLRUN, label, pollrun=int(pollrun)) if pd.notna(pollrun) and label else None
        for label, pollrun in zip(table["Poll date"], table["pollrun_id"], strict=True)
    ]
    shown["Status"] = [_message_status(status) for status in shown["Status"]]
    return with_headings(shown, {"Sent on": DATETIME, "Poll date": link_column(_("Poll date")),
                                 "Recipients in view": NUMBER, "Text": text_column()})


def action_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    return with_headings(table.drop(columns="action_id"), {
        "Asked on": DATETIME, "Attempts": NUMBER, "RapidPro said": st.column_config.TextColumn(width="medium")})
