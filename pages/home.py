"""Home: who is signed in, where, which regions are in view, what those regions hold, the newest
poll dates and who answered most lately (refreshed every 30 s)."""

import streamlit as st

from tracpro.i18n import _, format_number
from tracpro.queries.activity import most_active
from tracpro.queries.home import scope_summary
from tracpro.queries.pollruns import recent_pollruns
from tracpro.text import escape_markdown
from tracpro.ui.clock import today
from tracpro.ui.context import require_scope, require_signed_in, show_notice
from tracpro.ui.database import read_scoped, read_scoped_live, self_refreshing
from tracpro.ui.home_panels import alerts_panel, featured_indicator_panel
from tracpro.ui.links import page_link
from tracpro.ui.navigation import POLLS, START_POLL
from tracpro.ui.rankings import most_active_charts
from tracpro.ui.signin import still_signed_in
from tracpro.ui.table_view import show_table
from tracpro.ui.tables import pollrun_rows

context = require_signed_in()
st.title(_("Home"))
show_notice()
if context.access is not None:
    st.caption(_("{org} · signed in as {name}").format(org=escape_markdown(context.access.org_name),
                                                         name=escape_markdown(context.user.name)))
scope = require_scope()

names = {region_id: escape_markdown(name) for region_id, name in context.region_names}
if scope.all_regions:
    in_view = _("all regions")
elif scope.include_subregions and len(scope.region_ids) > 1:
    in_view = _("{region} and its sub-regions").format(region=names[scope.selected_region_id])
else:
    in_view = names[scope.selected_region_id]
st.markdown(_("Showing data from **{regions}**.").format(regions=in_view))

summary = read_scoped(scope_summary, scope, today=today(scope))
contacts, active, groups, responses = st.columns(4)
contacts.metric(_("Contacts"), format_number(summary.contacts))
active.metric(_("Active contacts"), format_number(summary.active_contacts))
groups.metric(_("Reporter groups"), format_number(summary.reporter_groups))
responses.metric(_("Responses, last 30 days"), format_number(summary.recent_responses))

if summary.is_empty:
    if scope.all_regions:
        st.info(_(
            "This organisation has no contacts yet. Run `python3 run.py demo` to load the demo organisation "
            "from the built-in RapidPro simulator, or `python sync_job.py` once the organisation is set up."
        ))
    else:
        st.info(_("There are no contacts in {regions} yet. They appear here after the next sync.").format(
            regions=in_view))


@self_refreshing(run_every="30s")
def recent_activity() -> None:
    """Redrawn every 30 s on its own: the newest poll dates, and who answered most lately."""
    if not still_signed_in():  # signed out elsewhere, deactivated, expired: the whole app decides
        st.rerun(scope="app")
    st.subheader(_("Most recent poll dates"), anchor=False)
    recent = read_scoped_live(recent_pollruns, scope, limit=5)
    if recent.empty:
        st.info(_(
            "No poll dates yet. They appear here with the next sync, once an administrator has chosen "
            "which RapidPro flows are polls."
        ))
    else:
        show_table(pollrun_rows(recent), key="home-dates")
        page_link(POLLS, _("All polls"), icon=":material/ballot:")
    page_link(START_POLL, _("Start a poll"), icon=":material/play_circle:")
    most_active_charts(read_scoped(most_active, scope, today=today(scope)))


if not summary.is_empty:
    featured_indicator_panel(scope)
    recent_activity()
    alerts_panel(scope)
