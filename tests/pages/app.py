"""Driving app.py in AppTest as a person would: through the sign-in form."""

from __future__ import annotations

import base64
import json

import numpy
import pandas as pd
import pyarrow
from streamlit.testing.v1 import AppTest

from tests import factories as f
from tests.conftest import ROOT
from tracpro.text import as_read
from tracpro.ui.signin import LOGIN_ID

APP = str(ROOT / "app.py")
# The org's pages after Home, for both roles. In the menu: Polls, Activity, Contacts; opened from
# links only: a poll, a poll date, a contact.
DASHBOARD = ["Polls", "Activity", "Contacts", "Poll", "Poll date", "Contact"]
# In page order, as tracpro.ui.navigation registers them after Home, My account and DASHBOARD (both roles) ...
INDICATORS: list[str] = ["Indicators", "Indicator", "Compare regions"]
ACTIONS: list[str] = ["Inbox", "Messages", "Start a poll", "Add a contact", "Edit a contact"]
# ... after Users (administrators, section Settings) ...
SETTINGS: list[str] = ["Organization", "Poll settings", "Regions and groups", "Sync", "Audit"]
# ... and after Database (superusers, section Across organisations).
SUPERUSER: list[str] = ["Organizations", "All users"]


def open_app() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=30)
    app.run()
    assert not app.exception, app.exception
    return app


def submit_login(app: AppTest, login: str, password: str = f.PASSWORD) -> AppTest:
    app.text_input[0].input(login)
    app.text_input[1].input(password)
    app.button[0].click().run()
    assert not app.exception, app.exception
    return app


def signed_in(login: str, password: str = f.PASSWORD) -> AppTest:
    app = submit_login(open_app(), login, password)
    assert LOGIN_ID in app.session_state, [e.value for e in app.error]
    return app


def page_titles(app: AppTest) -> list[str]:
    """The pages st.navigation registered on the last run (AppTest keeps them to resolve switch_page)."""
    return [info["page_name"] for info in app._registered_pages.values()]


def texts(elements) -> list[str]:
    """The elements' Markdown (titles, subheaders, alerts ...), as read."""
    return [as_read(element.value) for element in elements]


def errors(app: AppTest) -> list[str]:
    return texts(app.error)


def on_sign_in_page(app: AppTest) -> bool:
    return [title.value for title in app.title] == ["TracPro"] and [h.value for h in app.subheader] == [
        "Sign in"
    ]


def open_page(login: str, page: str, **params: object) -> AppTest:
    """`page` as `login` opens it from an address with these query parameters."""
    app = signed_in(login)
    app.query_params.clear()
    app.query_params.update({name: str(value) for name, value in params.items()})
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def figures(app: AppTest) -> list[dict]:
    """The plotly figures on the page, as the browser would get them."""
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def shown_text(app: AppTest) -> str:
    """Everything the page says in words (markdown, captions, alerts), one line each."""
    elements = [*app.markdown, *app.caption, *app.info, *app.warning, *app.error, *app.success]
    return "\n".join(texts(elements))


def shown_cells(frame) -> pd.DataFrame:
    """A table's cells as the browser shows them: the text tracpro.ui.table_view gives them (dates
    in words) where it gives any, else the values themselves."""
    display = frame.proto.arrow_data.styler.display_values
    return pyarrow.ipc.open_stream(display).read_pandas() if display else frame.value


def click_row(app: AppTest, key: str, row: int) -> AppTest:
    """Click the box of the table `key`'s row at position `row` (as Streamlit reports it), and run."""
    app.session_state[_selection_key(app, key)] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return _after_click(app.run())


def click_cell(app: AppTest, key: str, row: int, column: str) -> AppTest:
    """Click the cell of the table `key` in `column` (its name in the data) at position `row`, and run."""
    app.session_state[_selection_key(app, key)] = {"selection": {"rows": [], "columns": [], "cells": [[row, column]]}}
    return _after_click(app.run())


def _selection_key(app: AppTest, key: str) -> str:
    """The key the table `key` has on the page now (tracpro.ui.table_view.selection_key)."""
    (found,) = [frame.key for frame in app.dataframe if frame.key and frame.key.rpartition("-")[0] == key]
    return found


def _after_click(app: AppTest) -> AppTest:
    assert not app.exception, app.exception
    return app


def values(data) -> list:
    """A figure's array as a list: plotly sends numeric arrays as base64 ("bdata") with a dtype."""
    if isinstance(data, dict) and "bdata" in data:
        return numpy.frombuffer(base64.b64decode(data["bdata"]), dtype=numpy.dtype(data["dtype"])).tolist()
    return list(data)
