"""The tables of the action pages as they are drawn: the inbox, the message log, the action list."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracpro.ui.navigation import INBOX
from tracpro.ui.links import link_column, page_url
from tracpro.ui.navigation import POLLRUN
from tracpro.ui.tables import DATETIME, MOST_ROWS, NUMBER

TEXT = st.column_config.TextColumn("Text", width="large")


def inbox_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The latest message per contact: the contact opens the conversation."""
    table = table.head(MOST_ROWS)
    shown = table.drop(columns="contact_id").copy()
    shown["Contact"] = [page_url(INBOX, row.Contact or "(no name)", contact=row.contact_id)
                        for row in table.itertuples()]
    return shown, {"Contact": link_column("Contact", help="Open the conversation"), "Created on": DATETIME}


def message_log_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Sent messages: the poll date as a link, the recipients in view, the delivery status."""
    shown = table.drop(columns=["message_id", "pollrun_id"]).copy()
    shown["Poll date"] = [
        page_url(POLLRUN, label, pollrun=int(pollrun)) if pd.notna(pollrun) and label else None
        for label, pollrun in zip(table["Poll date"], table["pollrun_id"], strict=True)
    ]
    shown["Status"] = shown["Status"].str.capitalize()
    return shown, {"Sent on": DATETIME, "Poll date": link_column("Poll date"), "Recipients in view": NUMBER,
                   "Text": TEXT}


def action_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    return table.drop(columns="action_id"), {"Asked on": DATETIME, "Attempts": NUMBER,
                                             "RapidPro said": st.column_config.TextColumn(width="medium")}
