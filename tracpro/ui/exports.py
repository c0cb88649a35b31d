"""Downloads of a pollrun's responses: CSV as TracPro wrote it (tracpro-behaviour §6.3), and XLSX.

The file is made only when the button is clicked (Streamlit's deferred download), from the
export read model, so drawing the Responses tab costs nothing extra.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pandas as pd
import streamlit as st
from openpyxl.utils import get_column_letter

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8, no index: Date, Name, URN, Region, Reporter groups, then one column per question."""
    return table.to_csv(index=False).encode("utf-8")


def xlsx_bytes(table: pd.DataFrame, sheet: str = "Responses") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, index=False, sheet_name=sheet[:31])
        columns = writer.sheets[sheet[:31]].column_dimensions
        for index, name in enumerate(table.columns):
            width = max([len(str(name)), *(len(str(value)) for value in table[name].head(200))], default=8)
            columns[get_column_letter(index + 1)].width = min(60, width + 2)
    return buffer.getvalue()


def file_stem(poll: str, day) -> str:
    """responses-<poll>-<date>, the poll's name made safe for a file name."""
    slug = re.sub(r"[^\w]+", "-", poll.lower()).strip("-") or "poll"
    return f"responses-{slug}-{day.isoformat()}"


def download_buttons(make_table: Callable[[], pd.DataFrame], stem: str) -> None:
    """CSV and Excel buttons side by side; the table is read when a button is clicked."""
    with st.container(horizontal=True):
        st.download_button(
            "Download CSV", lambda: csv_bytes(make_table()), file_name=f"{stem}.csv", mime=CSV_MIME,
            icon=":material/download:", on_click="ignore",
        )
        st.download_button(
            "Download Excel", lambda: xlsx_bytes(make_table()), file_name=f"{stem}.xlsx", mime=XLSX_MIME,
            icon=":material/table_view:", on_click="ignore",
        )
