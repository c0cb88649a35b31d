"""Which pages a viewer has: a page they may not use is never registered, so it cannot be opened.

Every page checks again for itself (tracpro.ui.context.require_*): this list decides what is
shown, the page decides what is allowed.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import streamlit as st

from tracpro.i18n import _
from tracpro.ui.context import REQUESTED_PAGE, Context
from tracpro.ui.login_cookie import cookie_reports

HOME = "pages/home.py"
POLLS = "pages/polls.py"
POLL = "pages/poll.py"
POLLRUN = "pages/pollrun.py"
ACTIVITY = "pages/activity.py"
CONTACTS = "pages/contacts.py"
CONTACT = "pages/contact.py"
ACCOUNT = "pages/account.py"
USERS = "pages/users.py"
DATABASE = "pages/overview.py"
LOGIN = "pages/login.py"
# The page this session is on: (url path, query parameters, shown). Until a signed-in run has
# shown it, it is the page the session's address named (see remember_opened_page).
SESSION_PAGE = "tracpro_session_page"
# What the cookie components had reported when the last signed-in run chose its page.
SEEN_REPORTS = "tracpro_seen_reports"


def signed_out_pages() -> list[st.Page]:
    """The sign-in form, at its own address and, hidden, at every page's: a link to a page opened
    signed out (a bookmark, a link in a message) shows the form where it is, with no "page not
    found", and the address stays. A page's address names it (Streamlit's page hash is made from
    the url path), so once signed in, the rerun that asks for the stand-in runs the page itself."""
    form = st.Page(LOGIN, title=_("Sign in"), icon=":material/login:", url_path="sign-in", default=True)
    return [form, *(st.Page(LOGIN, title=_("Sign in"), url_path=url_path, visibility="hidden")
                    for url_path in every_url_path())]


def every_url_path() -> list[str]:
    """The url path of every page some viewer has, the default (Home) aside: it has the root address."""
    files = [ACCOUNT, USERS, DATABASE, POLLS, POLL, POLLRUN, ACTIVITY, CONTACTS, CONTACT, INDICATORS, INDICATOR,
             COMPARE, INBOX, MESSAGES, START_POLL, CONTACT_NEW, CONTACT_EDIT, *SETTINGS_FILES, *SUPERUSER_FILES]
    return [Path(file).stem for file in files]


def pages_for(context: Context) -> dict[str, list[st.Page]]:
    """The viewer's pages in menu sections (the first, unnamed, holds Home and the account).
    Titles and section names are in the viewer's language; url paths come from the files."""
    if context.user.must_change_password:
        # Until the password is changed, this is the only page there is.
        return {"": [st.Page(ACCOUNT, title=_("Change your password"), icon=":material/key:", default=True)]}
    sections = {"": [st.Page(HOME, title=_("Home"), icon=":material/home:", default=True)]}
    if context.access is not None:
        sections[_("Results")] = dashboard_pages() + indicator_pages()
        sections[_("Messages and actions")] = action_pages()
    sections[""].append(st.Page(ACCOUNT, title=_("My account"), icon=":material/person:"))
    if context.is_admin and context.access is not None:
        sections[_("Settings")] = [st.Page(USERS, title=_("Users"), icon=":material/group:"), *settings_pages()]
    if context.user.is_superuser:
        sections[_("Across organisations")] = [
            st.Page(DATABASE, title=_("Database"), icon=":material/database:"), *superuser_pages()
        ]
    return sections


def resume_requested_page(sections: dict[str, list[st.Page]]) -> None:
    """Open the page a fresh server could not serve through app.py (see
    tracpro.ui.context.not_through_the_app), with its query parameters: app.py calls this for a
    signed-in viewer, so someone not signed in yet gets there after signing in. A page this
    viewer may not use is forgotten."""
    requested = st.session_state.pop(REQUESTED_PAGE, None)
    if requested is None:
        return
    url_path, query_params = requested
    for page in (page for section in sections.values() for page in section):
        if page.url_path == url_path:
            st.switch_page(page, query_params=query_params)


def remember_opened_page() -> None:
    """On a session's first run, before anything is drawn: note the page its address names (a
    bookmark, a link in a message), for keep_session_page()."""
    if SESSION_PAGE not in st.session_state:
        # Before st.navigation has run, st.context.url is the browser's address, query left out.
        url_path = urlparse(st.context.url or "").path.rstrip("/").rsplit("/", 1)[-1]
        st.session_state[SESSION_PAGE] = (url_path, st.query_params.to_dict(), False)


def keep_session_page(page: st.Page, sections: dict[str, list[st.Page]]) -> None:
    """After st.navigation chose `page` for a signed-in viewer: go back to the session's page when
    this rerun lost it, else note `page` as the session's page.

    A rerun asks for the page the browser last heard of. A cookie component's report (drawn in a
    session's first moments: TracPro's login cookie, streamlit-authenticator's own) can be sent
    before the browser has heard which page a run chose, and then asks for the wrong page: the
    default one, or the one before a switch. So a rerun brought by such a report never changes the
    page, and until a signed-in run has shown the page the address named (signing in with the form
    comes first, or a report interrupted the first run), that page is the one to open. A page the
    viewer does not have is given up."""
    state = st.session_state
    reported = _new_reports()
    query_params = st.query_params.to_dict()
    url_path, kept_query_params, shown = state.get(SESSION_PAGE) or (page.url_path, query_params, True)
    if url_path != page.url_path and (reported or not shown):
        for candidate in (candidate for section in sections.values() for candidate in section):
            if candidate.url_path == url_path:
                st.switch_page(candidate, query_params=kept_query_params)
    state[SESSION_PAGE] = (page.url_path, query_params, True)


def keep_no_page() -> None:
    """For a signed-out run: the page the address named stays to be opened once signed in; a
    page shown before signing out is not reopened for the next person to sign in."""
    _new_reports(signed_in=False)
    kept = st.session_state.get(SESSION_PAGE)
    if kept is not None and kept[2]:
        st.session_state[SESSION_PAGE] = None


def _new_reports(*, signed_in: bool = True) -> bool:
    """Whether a cookie component has reported something since the last run that asked. (A
    component no longer drawn loses its value: that is no report.)

    While someone is signed in, a lost value does not make the next one new either: a run the
    server starts (st.switch_page: a table's row, a chart's point) sees the components' values
    lost, and the browser's next rerun (its Back button) brings them again, unchanged; that rerun
    must be free to change the page. Signed out, the values are kept as they come, lost ones
    included, so the report of the cookie written at the next sign-in is new."""
    reports = cookie_reports()
    seen = st.session_state.get(SEEN_REPORTS) or (None,) * len(reports)
    pairs = list(zip(reports, seen, strict=True))
    st.session_state[SEEN_REPORTS] = tuple(before if report is None and signed_in else report
                                           for report, before in pairs)
    return any(report is not None and report != before for report, before in pairs)


def dashboard_pages() -> list[st.Page]:
    """The org's data, for both roles. A poll, a poll date and a contact are not in the menu:
    they open from links and permalinks (their address carries which one, see tracpro.ui.links)."""
    return [
        st.Page(POLLS, title=_("Polls"), icon=":material/ballot:"),
        st.Page(ACTIVITY, title=_("Activity"), icon=":material/monitoring:"),
        st.Page(CONTACTS, title=_("Contacts"), icon=":material/contacts:"),
        st.Page(POLL, title=_("Poll"), icon=":material/ballot:", visibility="hidden"),
        st.Page(POLLRUN, title=_("Poll date"), icon=":material/event:", visibility="hidden"),
        st.Page(CONTACT, title=_("Contact"), icon=":material/person_pin:", visibility="hidden"),
    ]


INDICATORS = "pages/indicators.py"
INDICATOR = "pages/indicator.py"
COMPARE = "pages/compare.py"


def indicator_pages() -> list[st.Page]:
    """Recent indicators, region comparison (both roles); an indicator opens from the list."""
    return [
        st.Page(INDICATORS, title=_("Indicators"), icon=":material/trending_up:"),
        st.Page(INDICATOR, title=_("Indicator"), icon=":material/trending_up:", visibility="hidden"),
        st.Page(COMPARE, title=_("Compare regions"), icon=":material/compare_arrows:"),
    ]


INBOX = "pages/inbox.py"
MESSAGES = "pages/messages.py"
START_POLL = "pages/start_poll.py"
CONTACT_NEW = "pages/contact_new.py"
CONTACT_EDIT = "pages/contact_edit.py"


def action_pages() -> list[st.Page]:
    """Inbox, message log and other pages that act on RapidPro (both roles, within their scope);
    starting a poll and adding or editing a contact open from links on Home, a poll and the contacts."""
    return [
        st.Page(INBOX, title=_("Inbox"), icon=":material/inbox:"),
        st.Page(MESSAGES, title=_("Messages"), icon=":material/outbox:"),
        st.Page(START_POLL, title=_("Start a poll"), icon=":material/play_circle:", visibility="hidden"),
        st.Page(CONTACT_NEW, title=_("Add a contact"), icon=":material/person_add:", visibility="hidden"),
        st.Page(CONTACT_EDIT, title=_("Edit a contact"), icon=":material/edit:", visibility="hidden"),
    ]


SETTINGS_FILES = ("pages/organization.py", "pages/poll_settings.py", "pages/regions.py", "pages/sync.py",
                  "pages/audit.py")
SUPERUSER_FILES = ("pages/organizations.py", "pages/all_users.py")


def settings_pages() -> list[st.Page]:
    """The org's settings (administrators of the org; superusers)."""
    organization, poll_settings, regions, sync, audit = SETTINGS_FILES
    return [
        st.Page(organization, title=_("Organization"), icon=":material/domain:"),
        st.Page(poll_settings, title=_("Poll settings"), icon=":material/checklist:"),
        st.Page(regions, title=_("Regions and groups"), icon=":material/account_tree:"),
        st.Page(sync, title=_("Sync"), icon=":material/sync:"),
        st.Page(audit, title=_("Audit"), icon=":material/policy:"),
    ]


def superuser_pages() -> list[st.Page]:
    """Across orgs (superusers only)."""
    organizations, all_users = SUPERUSER_FILES
    return [
        st.Page(organizations, title=_("Organizations"), icon=":material/corporate_fare:"),
        st.Page(all_users, title=_("All users"), icon=":material/manage_accounts:"),
    ]
