"""Permalinks: a page's address says exactly what it shows, so it can be shared or reopened.

The page is the path (`poll`, `pollrun`, `contact` ... from the page's file name) and the rest
is query parameters: `poll=ID`, `pollrun=ID`, `contact=ID`, `tab=...`, and the filters as
PollFilters.to_query() writes them. Whoever opens an address sees it within their own scope.
The links in tables open new tabs, so they carry the sidebar's region from the address
(`region=ID`, `subregions=0`; tracpro.ui.sidebar keeps them there).

Links are relative ("pollrun?pollrun=7"): every page sits at the app's top level, so they work
behind any base URL. In tables (LinkColumn) the cell shows the label carried after "#", which
the browser never sends to the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import streamlit as st

from tracpro.polls.filters import PollFilters

# LinkColumn's display_text: the label after "#" (decoded by the browser's table).
LABEL_PATTERN = r"#(.+)$"


def _clean(params: Mapping[str, Any]) -> dict[str, str]:
    return {name: str(value) for name, value in params.items() if value not in (None, "")}


# The query parameters of the sidebar's region, as tracpro.ui.sidebar last wrote them in the
# address; kept in Streamlit's session state too, where a link reads them faster (a table makes
# up to a thousand links, and st.query_params costs several times more per look).
ADDRESS_REGION = "tracpro_address_region"


def page_url(page: str, label: str | None = None, **params: Any) -> str:
    """A relative link to `page` ("pages/poll.py") with these query parameters, and the sidebar's
    region when the address holds one (a table's link opens a new tab)."""
    query = urlencode(_clean({**params, **st.session_state.get(ADDRESS_REGION, {})}))
    url = Path(page).stem + (f"?{query}" if query else "")
    return url + (f"#{quote(label, safe='')}" if label else "")


def link_column(label: str, **options: Any):
    """A table column of links made by page_url(..., label=...): the cell shows the label."""
    return st.column_config.LinkColumn(label, display_text=LABEL_PATTERN, **options)


def page_link(page: str, label: str, *, icon: str | None = None, **params: Any) -> None:
    """A link to another page of the app, opened in the same tab (the sidebar's choices stay)."""
    st.page_link(page, label=label, icon=icon, query_params=_clean(params))


def open_page(page: str, **params: Any) -> None:
    st.switch_page(page, query_params=_clean(params))


def filter_params(filters: PollFilters, *, contact_fields_only: bool = False) -> dict[str, str]:
    """The filters as query parameters, to carry them from one page to the next."""
    query = filters.to_query()
    if contact_fields_only:
        query = {name: value for name, value in query.items() if name.startswith("contact_")}
    return query


def pollrun_of_point(point: Mapping[str, Any]) -> int | None:
    """The pollrun a clicked chart point stands for.

    Poll charts put the pollrun id last in each point's customdata (tracpro.charts.polls:
    numeric [pollrun_id], categorical [count, pollrun_id]). The browser may send customdata as
    a list or, for typed arrays, as an object keyed "0", "1", ...
    """
    custom = point.get("customdata")
    if isinstance(custom, Mapping):
        custom = [custom[key] for key in sorted(custom, key=lambda key: int(key))]
    elif custom is not None and not isinstance(custom, list | tuple):
        custom = [custom]
    if not custom:
        return None
    try:
        return int(custom[-1])
    except (TypeError, ValueError):
        return None
