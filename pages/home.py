"""Home: who is signed in, where, which regions are in view, and what those regions hold."""

import streamlit as st

from tracpro.queries.home import scope_summary
from tracpro.ui.context import require_scope, require_signed_in, show_notice
from tracpro.ui.database import read_scoped

context = require_signed_in()
st.title("Home")
show_notice()
if context.access is not None:
    st.caption(f"{context.access.org_name} · signed in as {context.user.name}")
scope = require_scope()

names = dict(context.region_names)
if scope.all_regions:
    in_view = "all regions"
elif scope.include_subregions and len(scope.region_ids) > 1:
    in_view = f"{names[scope.selected_region_id]} and its sub-regions"
else:
    in_view = names[scope.selected_region_id]
st.markdown(f"Showing data from **{in_view}**.")

summary = read_scoped(scope_summary, scope)
contacts, active, groups, responses = st.columns(4)
contacts.metric("Contacts", f"{summary.contacts:,}")
active.metric("Active contacts", f"{summary.active_contacts:,}")
groups.metric("Reporter groups", f"{summary.reporter_groups:,}")
responses.metric("Responses, last 30 days", f"{summary.recent_responses:,}")

if summary.is_empty:
    if scope.all_regions:
        st.info(
            "This organisation has no contacts yet. Run `python3 run.py demo` to load the demo organisation "
            "from the built-in RapidPro simulator, or `python sync_job.py` once the organisation is set up."
        )
    else:
        st.info(f"There are no contacts in {in_view} yet. They appear here after the next sync.")
