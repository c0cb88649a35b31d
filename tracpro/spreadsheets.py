"""Tables written for spreadsheets (the Responses downloads, the nightly CSV) so that no cell a
contact or a user wrote is read as a formula.

A spreadsheet reads a cell starting with =, +, -, @, a tab or a carriage return as a formula
(OWASP, "CSV Injection"): a contact named `=HYPERLINK("http://host","x")` would become a live link
in every downloaded file, and worse. So:

- CSV: such text gets a leading apostrophe, which spreadsheets show and never evaluate; text that
  already starts with an apostrophe gets one more. Removing one leading apostrophe from any text
  cell that starts with one gives back the raw value. Every text field is quoted, so a separator
  inside it never starts a new cell in a spreadsheet that splits on another separator.
- Excel: the cell keeps its raw value, written as text (never as a formula) and marked the way
  Excel marks text typed after an apostrophe (quotePrefix), so editing it does not make it one.

Numbers stay numbers: a number, and text that is just a number ("-2", "+3.5"), are left as they are.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
APOSTROPHE = "'"
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def reads_as_formula(value: object) -> bool:
    """Whether a spreadsheet could read `value` (a cell) as a formula: text starting with one of
    FORMULA_STARTS that is not just a number."""
    return (isinstance(value, str) and value.startswith(FORMULA_STARTS)
            and _PLAIN_NUMBER.fullmatch(value) is None)


def neutralise_formula(value: object) -> object:
    """`value` as a CSV cell no spreadsheet evaluates: see the module's rule (a leading apostrophe
    for text that reads as a formula or starts with one); anything else unchanged."""
    if isinstance(value, str) and (value.startswith(APOSTROPHE) or reads_as_formula(value)):
        return APOSTROPHE + value
    return value


def _neutralised(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of the table with every text cell, and every column heading, through neutralise_formula."""
    safe = table.copy()
    for position in range(table.shape[1]):
        column = table.iloc[:, position]
        if not pd.api.types.is_numeric_dtype(column):
            safe.isetitem(position, column.map(neutralise_formula).to_numpy())
    return safe.set_axis([neutralise_formula(name) for name in table.columns], axis=1)


def csv_text(table: pd.DataFrame) -> str:
    """The table as CSV (no index, headings first), formula-safe as the module says."""
    return _neutralised(table).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC)


def xlsx_bytes(table: pd.DataFrame, sheet: str) -> bytes:
    """One sheet (its name cut to Excel's 31 characters) holding the table, no index, headings
    first; every cell that reads as a formula written as quote-prefixed text; columns as wide as
    their first 200 values (at most 60)."""
    buffer = io.BytesIO()
    name = sheet[:31]
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, index=False, sheet_name=name)
        worksheet = writer.sheets[name]
        for row in worksheet.iter_rows():
            for cell in row:
                if reads_as_formula(cell.value):
                    cell.data_type = "s"  # openpyxl takes any text starting with "=" for a formula
                    cell.quotePrefix = True
        for index, heading in enumerate(table.columns):
            width = max([len(str(heading)), *(len(str(value)) for value in table[heading].head(200))], default=8)
            worksheet.column_dimensions[get_column_letter(index + 1)].width = min(60, width + 2)
    return buffer.getvalue()
