"""Which pages a viewer has: a page they may not use is never registered, so it cannot be opened.

Every page checks again for itself (tracpro.ui.context.require_*): this list decides what is
shown, the page decides what is allowed.
"""

from __future__ import annotations

from urllib.parse import urlparse

import streamlit as st

from tracpro.i18n import _
from tracpro.ui.context import REQUESTED_PAGE, Context

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
# The page a session's address named when it opened, and its query parameters (see
# remember_opened_page); None once there is nothing more to do about it.
OPENED_PAGE = "tracpro_opened_page"


def signed_out_pages() -> list[st.Page]:
    return [st.Page(LOGIN, title=_("Sign in"), icon=":material/login:", url_path="sign-in", default=True)]


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
    """On a session's first run, before anything is drawn: note the page its address names.

    That run draws the cookie manager (signing in), a component that reports the browser's
    cookies once it has loaded, which reruns the app. When the report comes before the browser
    has heard which page the first run chose (a slow run, on a busy server), that rerun asks for
    the default page, and the page the address named (a bookmark, a link in a message) is lost:
    reopen_opened_page() brings it back.
    """
    if OPENED_PAGE not in st.session_state:
        # Before st.navigation has run, st.context.url is the browser's address, query left out.
        url_path = urlparse(st.context.url or "").path.rstrip("/").rsplit("/", 1)[-1]
        st.session_state[OPENED_PAGE] = (url_path, st.query_params.to_dict())


def reopen_opened_page(page: st.Page, sections: dict[str, list[st.Page]]) -> None:
    """After st.navigation chose `page` for a signed-in viewer: open the page the session's address
    named when a rerun lost it, that is when a rerun asked for the default page (the one a rerun
    asks for before the browser has heard which page the first run chose) while the address's page
    is still pending and the viewer has it. Any cookie component's report can bring such a rerun,
    at any time in the session's first moments (TracPro's login cookie and streamlit-authenticator's
    own each draw one), so the address's page stays pending until it has been reopened once or the
    viewer goes to another page than the default one. A viewer who opens Home before that is taken
    back to the address's page once."""
    opened = st.session_state.get(OPENED_PAGE)
    if opened is None:
        return
    url_path, query_params = opened
    if page.url_path == url_path:
        if not url_path:  # the default page: no rerun can lose it
            st.session_state[OPENED_PAGE] = None
        return
    st.session_state[OPENED_PAGE] = None
    if page.url_path:  # another page than the default: one the viewer went to
        return
    for candidate in (candidate for section in sections.values() for candidate in section):
        if candidate.url_path == url_path:
            st.switch_page(candidate, query_params=query_params)


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


def settings_pages() -> list[st.Page]:
    """The org's settings (administrators of the org; superusers)."""
    return [
        st.Page("pages/organization.py", title=_("Organization"), icon=":material/domain:"),
        st.Page("pages/poll_settings.py", title=_("Poll settings"), icon=":material/checklist:"),
        st.Page("pages/regions.py", title=_("Regions and groups"), icon=":material/account_tree:"),
        st.Page("pages/sync.py", title=_("Sync"), icon=":material/sync:"),
        st.Page("pages/audit.py", title=_("Audit"), icon=":material/policy:"),
    ]


def superuser_pages() -> list[st.Page]:
    """Across orgs (superusers only)."""
    return [
        st.Page("pages/organizations.py", title=_("Organizations"), icon=":material/corporate_fare:"),
        st.Page("pages/all_users.py", title=_("All users"), icon=":material/manage_accounts:"),
    ]
