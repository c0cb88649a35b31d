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


# The page this rerun runs (its url path), as mend_stray_address last saw it; and the addresses
# open_page left in the browser's history, each with the query of the page that was really there.
RUNNING, STRAYS = "tracpro_running_page", "tracpro_stray_addresses"
MOST_STRAYS = 100  # the newest ones: Back rarely goes further


def open_page(page: str, **params: Any) -> None:
    """Go to another page of the app in this tab, at its permalink: the sidebar's region is in the
    address from the start (a page_link's new address gets it from the sidebar's next run)."""
    query = with_region(params)
    left = st.session_state.get(RUNNING)
    if left is not None and left != Path(page).stem:
        strays = st.session_state.setdefault(STRAYS, {})
        strays[_address(left, query)] = st.query_params.to_dict()
        while len(strays) > MOST_STRAYS:
            del strays[next(iter(strays))]
    st.switch_page(page, query_params=query)


def mend_stray_address(page: st.Page) -> None:
    """Before a page runs: when the browser's Back button brought an address st.switch_page left
    behind, show the page that was really there.

    Streamlit's switch_page writes the new query into the browser's history before the new page's
    path: between the page left and the page opened sits an entry of the page left with the new
    query ("pollrun?contact=7"), where Back lands. Back replaces rather than adds entries, so the
    page left is opened there with its own query: Back from a page shows the one before it."""
    st.session_state[RUNNING] = page.url_path
    strays = st.session_state.get(STRAYS) or {}
    real = strays.pop(_address(page.url_path, st.query_params.to_dict()), None)
    if real is not None:
        st.switch_page(page, query_params=real)


def _address(url_path: str, query: Mapping[str, str]) -> tuple[str, tuple[tuple[str, str], ...]]:
    return url_path, tuple(sorted(query.items()))


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
