"""Downloads of a pollrun's responses (tracpro.queries.responses.responses_export): CSV and XLSX,
both written by tracpro.spreadsheets so that no answer or name is read as a formula.

The file is made only when the button is clicked (Streamlit's deferred download), from the
export read model, so drawing the Responses tab costs nothing extra. It is made outside the page's
run, so its words (the sheet's name, TracPro's own column headings) are translated beforehand,
and who downloads it is taken beforehand too: each file made is recorded in the audit trail.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from tracpro import spreadsheets
from tracpro.auth.scope import Scope
from tracpro.i18n import N_, _
from tracpro.ui.acting import record_download
from tracpro.ui.context import require_signed_in

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The export's own columns, first in the file (tracpro.queries.responses); the questions keep their names.
EXPORT_HEADINGS = {"Date": N_("Date"), "Name": N_("Name"), "URN": N_("URN"), "Region": N_("Region"),
                   "Reporter groups": N_("Reporter groups"), "Counted": N_("Counted")}


def csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8 after a byte-order mark, no index; text quoted, and text a spreadsheet would read as
    a formula after an apostrophe. Without the mark, Excel reads the file in the machine's legacy
    code page and garbles Arabic names and accents; other programs skip it."""
    return spreadsheets.csv_text(table).encode("utf-8-sig")


def xlsx_bytes(table: pd.DataFrame, sheet: str = "Responses") -> bytes:
    """One sheet of the same columns; text a spreadsheet would read as a formula stays text."""
    return spreadsheets.xlsx_bytes(table, sheet)


def file_stem(poll: str, day) -> str:
    """responses-<poll>-<date>, the poll's name made safe for a file name."""
    slug = re.sub(r"[^\w]+", "-", poll.lower()).strip("-") or "poll"
    return f"responses-{slug}-{day.isoformat()}"


def _with_headings(table: pd.DataFrame, headings: Mapping[str, str]) -> pd.DataFrame:
    """The export's own leading columns renamed (not a question that happens to share a name)."""
    leading = len(headings)
    names = [headings.get(name, name) if index < leading else name for index, name in enumerate(table.columns)]
    return table.set_axis(names, axis=1)


def recorded(make_table: Callable[[], pd.DataFrame], scope: Scope, file_name: str,
             details: Mapping[str, object]) -> Callable[[], pd.DataFrame]:
    """`make_table`, recording in the audit trail that the viewer downloaded it as `file_name`
    each time it is called. Call this during the page's run: the file is made outside it, when
    the button is clicked, and the viewer is known only during the run."""
    user = require_signed_in().user

    def make_and_record() -> pd.DataFrame:
        table = make_table()
        record_download(user, scope, {**details, "file": file_name, "rows": len(table)})
        return table

    return make_and_record


def download_buttons(make_table: Callable[[], pd.DataFrame], stem: str, scope: Scope,
                     details: Mapping[str, object]) -> None:
    """CSV and Excel buttons side by side; the table is read when a button is clicked, and each
    download is recorded in the audit trail with `details` (what the file holds)."""
    # Translated now, in the viewer's language: the files are made when clicked, outside this run.
    headings = {name: _(heading) for name, heading in EXPORT_HEADINGS.items()}
    sheet = _("Responses")
    as_csv, as_xlsx = (recorded(make_table, scope, f"{stem}.{suffix}", details) for suffix in ("csv", "xlsx"))
    with st.container(horizontal=True):
        st.download_button(
            _("Download CSV"), lambda: csv_bytes(_with_headings(as_csv(), headings)), file_name=f"{stem}.csv",
            mime=CSV_MIME, icon=":material/download:", on_click="ignore",
        )
        st.download_button(
            _("Download Excel"), lambda: xlsx_bytes(_with_headings(as_xlsx(), headings), sheet),
            file_name=f"{stem}.xlsx", mime=XLSX_MIME, icon=":material/table_view:", on_click="ignore",
        )
