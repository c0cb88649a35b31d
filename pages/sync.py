"""Sync: an org's administrators ask for a sync now, or for older runs (Fetch past runs), and
see how the sync stands per RapidPro resource. The sync job honours the requests on its next round;
this page refreshes itself while one is waiting or under way."""

import streamlit as st

from tracpro.db.models import Role
from tracpro.forms import FormErrors
from tracpro.i18n import N_, _, format_date, format_number, ngettext
from tracpro.orgs.settings import parse_days
from tracpro.queries.sync_status import sync_status
from tracpro.sync.requests import request_sync
from tracpro.text import escape_markdown
from tracpro.ui import clock
from tracpro.ui.acting import acting_session
from tracpro.ui.context import notice, require_role, require_scope, show_notice
from tracpro.ui.database import read_scoped_live, self_refreshing
from tracpro.ui.forms import show_form_errors
from tracpro.ui.table_view import Table, show_table
from tracpro.ui.tables import DATETIME, NUMBER

REFRESH_SECONDS = 5
WAITING = {"pending", "running"}
STATUS_WORDS = {"pending": N_("Waiting"), "running": N_("Running"), "done": N_("Done"), "failed": N_("Failed")}
# The read model's columns (English, as the code looks them up), as the tables head them.
REQUEST_COLUMNS = {"Asked at": N_("Asked at"), "By": N_("By"), "Older runs (days)": N_("Older runs (days)"),
                   "Status": N_("Status"), "Outcome": N_("Outcome")}
RESOURCE_COLUMNS = {"Resource": N_("Resource"), "Last success": N_("Last success"), "Created": N_("Created"),
                    "Updated": N_("Updated"), "Deleted": N_("Deleted"), "Unchanged": N_("Unchanged"),
                    "Unreadable": N_("Unreadable"), "Failures": N_("Failures"), "Last error": N_("Last error"),
                    "Under way": N_("Under way"), "Fetched": N_("Fetched"), "RapidPro reports": N_("RapidPro reports"),
                    "Progress": N_("Progress")}


def _status():
    """The status now (to the minute: the estimates move no faster, and the cache keeps a minute's answer)."""
    return read_scoped_live(sync_status, scope, now=clock.now().replace(second=0, microsecond=0))

context = require_role(Role.ADMIN)
scope = require_scope()

st.title(_("Sync"))
st.caption(_("TracPro reads RapidPro only through its sync job, which runs on a schedule (usually every 10 "
             "minutes). Ask for a sync here to have the job run for this organisation on its next round."))
show_notice()


def asked(days: int | None) -> None:
    with acting_session() as db:
        request_sync(db, context.actor, days)
    st.cache_data.clear()
    if days:
        # The source text is the plural; the English catalog has the singular, as the others have their forms.
        message = ngettext(
            "A sync with the runs of the last {count} days has been requested. Its progress shows below.",
            "A sync with the runs of the last {count} days has been requested. Its progress shows below.",
            days,
        ).format(count=format_number(days))
    else:
        message = _("A sync has been requested. Its progress shows below.")
    notice(message, "success")
    st.rerun()


now_column, older_column = st.columns(2)
with now_column:
    st.subheader(_("Sync now"), anchor=False)
    st.caption(_("Contacts, groups, flows and new responses, from where the last sync stopped."))
    if st.button(_("Sync now"), type="primary", icon=":material/sync:", key="sync_now"):
        asked(None)
with older_column:
    st.subheader(_("Fetch older runs"), anchor=False)
    with st.form("fetch_runs"):
        days_text = st.text_input(
            _("Days back"), value="1", key="fetch_runs.days",
            help=_("Only needed for responses from before a poll or region was chosen: "
                   "how many days back to fetch the runs of the active polls."),
        )
        fetch = st.form_submit_button(_("Fetch older runs"), key="fetch_runs.submit")
    if fetch:
        try:
            days = parse_days(days_text)
        except FormErrors as refusal:
            show_form_errors(refusal, {"days": _("Days back")})
        else:
            asked(days)

status = _status()
waiting = bool(set(status.requests["Status"]) & WAITING)


@self_refreshing(run_every=REFRESH_SECONDS if waiting else None)
def requests_and_status() -> None:
    """Redrawn every few seconds while a request waits or runs, and once more when it is done."""
    current = _status() if waiting else status
    still_waiting = bool(set(current.requests["Status"]) & WAITING)
    if waiting and not still_waiting:
        st.rerun(scope="app")  # the whole page again: it stops refreshing itself
    st.subheader(_("Requests"), anchor=False)
    if current.requests.empty:
        st.info(_("No sync has been requested from this page yet."))
    else:
        if still_waiting:
            st.caption(_("Waiting for the sync job · this list refreshes every {seconds} seconds.")
                       .format(seconds=REFRESH_SECONDS))
        requests = current.requests.assign(Status=current.requests["Status"].map(lambda word: _(STATUS_WORDS[word])))
        asked_at = _(REQUEST_COLUMNS["Asked at"])
        show_table(Table(requests.rename(columns={column: _(label) for column, label in REQUEST_COLUMNS.items()}),
                         {asked_at: DATETIME}, dates={asked_at: "moment"}), key="sync-requests")

    st.subheader(_("Sync status"), anchor=False)
    if current.last_success is None and current.resources.empty:
        st.info(_("This organisation has not been synced yet. "
                  "Its first sync runs with the next round of the sync job."))
        return
    last, failures = st.columns(2)
    last.metric(_("Last complete sync"),
                format_date(current.last_success, "moment") if current.last_success else _("Never"))
    failures.metric(_("Failures in a row"), format_number(current.failures))
    if current.last_error:
        st.error(_("The last sync failed: {error}").format(error=escape_markdown(current.last_error)))
    if current.next_allowed is not None:
        st.warning(_("After failures, the next sync of this organisation waits until {time}.")
                   .format(time=format_date(current.next_allowed, "moment")))
    if current.unreadable:
        st.warning(ngettext(
            "{count} item RapidPro sent could not be read. It is kept aside and read again at every sync.",
            "{count} items RapidPro sent could not be read. They are kept aside and read again at every sync.",
            current.unreadable,
        ).format(count=format_number(current.unreadable)))
    if current.finish_estimate is not None:
        st.info(_("A sync is under way across several runs of the sync job. At its pace so far it should be "
                  "done around {time}.").format(time=format_date(current.finish_estimate, "moment")))
    last_success = _(RESOURCE_COLUMNS["Last success"])
    show_table(Table(current.resources.rename(columns={column: _(label) for column, label in RESOURCE_COLUMNS.items()}),
                     {last_success: DATETIME, _(RESOURCE_COLUMNS["Fetched"]): NUMBER,
                      _(RESOURCE_COLUMNS["RapidPro reports"]): NUMBER,
                      _(RESOURCE_COLUMNS["Progress"]): st.column_config.ProgressColumn(
                          _(RESOURCE_COLUMNS["Progress"]), min_value=0.0, max_value=1.0, format="percent")},
                     dates={last_success: "moment"}), key="sync-resources")


requests_and_status()
