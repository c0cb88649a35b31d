"""Sync: an org's administrators ask for a sync now, or for older runs (Fetch past runs, T46), and
see how the sync stands per RapidPro resource. The sync job honours the requests (ARCHITECTURE,
"The sync job"); this page refreshes itself while one is waiting or under way."""

import streamlit as st

from tracpro.db import session_scope
from tracpro.db.models import Role
from tracpro.indicators.editing import Invalid
from tracpro.orgs.settings import parse_days
from tracpro.queries.sync_status import sync_status
from tracpro.sync.requests import request_sync
from tracpro.ui.context import notice, require_role, require_scope, show_notice
from tracpro.ui.database import read_scoped_live
from tracpro.ui.settings_forms import show_invalid
from tracpro.ui.tables import DATETIME

REFRESH_SECONDS = 5
WAITING = {"pending", "running"}
STATUS_WORDS = {"pending": "Waiting", "running": "Running", "done": "Done", "failed": "Failed"}

context = require_role(Role.ADMIN)
scope = require_scope()

st.title("Sync")
st.caption("TracPro reads RapidPro only through its sync job, which runs on a schedule (usually every 10 "
           "minutes). Ask for a sync here to have the job run for this organisation on its next round.")
show_notice()


def asked(days: int | None) -> None:
    with session_scope() as db:
        request_sync(db, scope.org_id, context.user.id, days)
    st.cache_data.clear()
    what = f"A sync with the runs of the last {days:,} days" if days else "A sync"
    notice(f"{what} has been requested. Its progress shows below.", "success")
    st.rerun()


now_column, older_column = st.columns(2)
with now_column:
    st.subheader("Sync now", anchor=False)
    st.caption("Contacts, groups, flows and new responses, from where the last sync stopped.")
    if st.button("Sync now", type="primary", icon=":material/sync:", key="sync_now"):
        asked(None)
with older_column:
    st.subheader("Fetch older runs", anchor=False)
    with st.form("fetch_runs"):
        days_text = st.text_input(
            "Days back", value="1", key="fetch_runs.days",
            help="Only needed for responses from before a poll or region was chosen: "
                 "how many days back to fetch the runs of the active polls.",
        )
        fetch = st.form_submit_button("Fetch older runs", key="fetch_runs.submit")
    if fetch:
        try:
            days = parse_days(days_text)
        except Invalid as invalid:
            show_invalid(invalid.errors, {"days": "Days back"})
        else:
            asked(days)

status = read_scoped_live(sync_status, scope)
waiting = bool(set(status.requests["Status"]) & WAITING)


@st.fragment(run_every=REFRESH_SECONDS if waiting else None)
def requests_and_status() -> None:
    """Redrawn every few seconds while a request waits or runs, and once more when it is done."""
    current = read_scoped_live(sync_status, scope) if waiting else status
    still_waiting = bool(set(current.requests["Status"]) & WAITING)
    if waiting and not still_waiting:
        st.rerun(scope="app")  # the whole page again: it stops refreshing itself
    st.subheader("Requests", anchor=False)
    if current.requests.empty:
        st.info("No sync has been requested from this page yet.")
    else:
        if still_waiting:
            st.caption(f"Waiting for the sync job · this list refreshes every {REFRESH_SECONDS} seconds.")
        st.dataframe(current.requests.assign(Status=current.requests["Status"].map(STATUS_WORDS)),
                     hide_index=True, width="stretch",
                     column_config={"Asked at": DATETIME})

    st.subheader("Sync status", anchor=False)
    if current.last_success is None and current.resources.empty:
        st.info("This organisation has not been synced yet. Its first sync runs with the next round of the sync job.")
        return
    last, failures = st.columns(2)
    last.metric("Last complete sync", f"{current.last_success:%d %b %Y %H:%M}" if current.last_success else "Never")
    failures.metric("Failures in a row", f"{current.failures:,}")
    if current.last_error:
        st.error(f"The last sync failed: {current.last_error}")
    if current.next_allowed is not None:
        st.warning(f"After failures, the next sync of this organisation waits until {current.next_allowed:%d %b %Y %H:%M}.")
    st.dataframe(current.resources, hide_index=True, width="stretch",
                 column_config={"Last success": DATETIME})


requests_and_status()
