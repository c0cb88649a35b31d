"""Permalinks: a page's address says exactly what it shows, so it can be shared or reopened.

The page is the path (`poll`, `pollrun`, `contact` ... from the page's file name) and the rest
is query parameters: `poll=ID`, `pollrun=ID`, `contact=ID`, `tab=...`, and the filters as
PollFilters.to_query() writes them. Whoever opens an address sees it within their own scope.
Every way from one page to another (links, table rows, chart points) stays in the browser's tab
and carries the sidebar's region from the address (`region=ID`, `subregions=0`;
tracpro.ui.sidebar keeps them there), so the new address is the page's permalink at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from tracpro.polls.filters import PollFilters


def _clean(params: Mapping[str, Any]) -> dict[str, str]:
    return {name: str(value) for name, value in params.items() if value not in (None, "")}


# The query parameters of the sidebar's region, as tracpro.ui.sidebar last wrote them in the
# address; kept in Streamlit's session state too, where the way to another page reads them.
ADDRESS_REGION = "tracpro_address_region"


def with_region(params: Mapping[str, Any]) -> dict[str, str]:
    """`params` (None and "" left out) and the sidebar's region, as the address carries it."""
    return {**_clean(params), **st.session_state.get(ADDRESS_REGION, {})}


def page_url(page: str, **params: Any) -> str:
    """The relative address of `page` ("pages/poll.py", or "poll") with these query parameters:
    what a permalink to it looks like ("pollrun?pollrun=7&tab=participation")."""
    query = urlencode(_clean(params))
    return Path(page).stem + (f"?{query}" if query else "")


def page_link(page: str, label: str, *, icon: str | None = None, **params: Any) -> None:
    """A link to another page of the app, opened in the same tab (the sidebar's choices stay)."""
    st.page_link(page, label=label, icon=icon, query_params=_clean(params))


def open_page(page: str, **params: Any) -> None:
    """Go to another page of the app in this tab, at its permalink: the sidebar's region is in the
    address from the start (a page_link's new address gets it from the sidebar's next run)."""
    st.switch_page(page, query_params=with_region(params))


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
