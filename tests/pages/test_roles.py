"""Pages per role: what a role may not use is not registered, and each page checks again."""

from __future__ import annotations

import inspect

import extra_streamlit_components as stx
import pytest
from streamlit.testing.v1 import AppTest

from tests import factories as f
from tests.conftest import ROOT
from tests.pages.app import ACTIONS, DASHBOARD, INDICATORS, SETTINGS, SUPERUSER, errors, page_titles, signed_in
from tracpro.auth.logins import COOKIE_NAME, SignedInUser
from tracpro.db.models import Role
from tracpro.ui.context import CONTEXT, REQUESTED_PAGE, Context
from tracpro.ui.login_cookie import COOKIE_SET, LIBRARY_MANAGER_KEY, MANAGER_KEY
from tracpro.ui.navigation import SESSION_PAGE, every_url_path
from tracpro.ui.signin import LOGOUT_REQUESTED as REQUESTED_LOGOUT


@pytest.fixture
def org(db):
    org = f.OrgFactory(name="Ministry of Health")
    region = f.RegionFactory(org=org, name="North")
    f.MembershipFactory(org=org, role=Role.SUPERVISOR, regions=[region], user__login="sup@example.org")
    f.MembershipFactory(org=org, role=Role.ADMIN, user__login="admin@example.org")
    f.UserFactory(login="root@example.org", is_superuser=True)
    db.flush()
    return org


@pytest.mark.parametrize(
    ("login", "pages"),
    [
        ("sup@example.org", ["Home", "My account", *DASHBOARD, *INDICATORS, *ACTIONS]),
        ("admin@example.org", ["Home", "My account", *DASHBOARD, *INDICATORS, *ACTIONS, "Users", *SETTINGS]),
        # A superuser with no membership works in the first org as an admin would.
        ("root@example.org",
         ["Home", "My account", *DASHBOARD, *INDICATORS, *ACTIONS, "Users", *SETTINGS, "Database", *SUPERUSER]),
    ],
)
def test_navigation_is_built_from_the_role(org, login, pages):
    assert page_titles(signed_in(login)) == pages


def test_a_supervisor_cannot_open_the_users_page(org):
    app = signed_in("sup@example.org")
    with pytest.raises(ValueError):
        app.switch_page("pages/users.py")
    with pytest.raises(ValueError):
        app.switch_page("pages/overview.py")


def test_an_admin_opens_the_users_page(org):
    app = signed_in("admin@example.org")
    app.switch_page("pages/users.py").run()
    assert not app.exception and app.title[0].value == "Users"


def _page_run_with(page: str, context: Context | None) -> AppTest:
    """Run a page's file on its own, as if navigation had let it through."""
    app = AppTest.from_file(str(ROOT / page), default_timeout=30)
    if context is not None:
        app.session_state[CONTEXT] = context
    return app.run()


@pytest.mark.parametrize("page", [
    "pages/home.py", "pages/account.py", "pages/users.py", "pages/overview.py", "pages/polls.py", "pages/poll.py",
    "pages/pollrun.py", "pages/activity.py", "pages/contacts.py", "pages/contact.py",
])
def test_every_page_refuses_anyone_not_signed_in(db, page):
    app = _page_run_with(page, None)
    assert errors(app) == ["Please sign in to see this page."]
    assert not app.dataframe and not app.metric


def test_the_users_and_database_pages_check_the_role_themselves(db):
    supervisor = Context(SignedInUser(1, "sup@example.org", "Sam", False, False))
    assert errors(_page_run_with("pages/users.py", supervisor)) == [
        "Only administrators of this organisation can use this page."
    ]
    assert errors(_page_run_with("pages/overview.py", supervisor)) == ["Only superusers can use this page."]


def test_a_page_run_before_app_py_remembers_itself_and_app_py_opens_it(org):
    """A fresh server serves /users straight from pages/ (Streamlit's legacy mode) until some
    session has run app.py: the page notes what was asked, and app.py opens it after."""
    page = AppTest.from_file(str(ROOT / "pages/users.py"), default_timeout=30)
    page.query_params["tab"] = "edit a user"
    page.run()
    assert page.session_state[REQUESTED_PAGE] == ("users", {"tab": "edit a user"})

    admin = signed_in("admin@example.org")
    admin.session_state[REQUESTED_PAGE] = ("users", {"tab": "edit a user"})
    admin.run()
    assert admin.title[0].value == "Users" and REQUESTED_PAGE not in admin.session_state

    supervisor = signed_in("sup@example.org")  # may not open it: stays where it is, forgets it
    supervisor.session_state[REQUESTED_PAGE] = ("users", {})
    supervisor.run()
    assert supervisor.title[0].value == "Home" and REQUESTED_PAGE not in supervisor.session_state


def test_the_page_an_address_named_is_opened_once_signed_in(org):
    """A session's first run notes the page its address names; the first signed-in run that
    chose another page (a report interrupted the first run, or the form was used) opens it."""
    admin = signed_in("admin@example.org")
    assert admin.session_state[SESSION_PAGE] == ("", {}, True)  # signed in with the form on Home: shown
    admin.session_state[SESSION_PAGE] = ("users", {"tab": "edit a user"}, False)  # as a first run notes it
    admin.run()  # a rerun of the default page, nothing reported
    assert not admin.exception and admin.title[0].value == "Users"
    assert admin.session_state[SESSION_PAGE] == ("users", {"tab": "edit a user"}, True)

    supervisor = signed_in("sup@example.org")  # a page they do not have: stays where it is, gives it up
    supervisor.session_state[SESSION_PAGE] = ("users", {}, False)
    supervisor.run()
    assert supervisor.title[0].value == "Home" and supervisor.session_state[SESSION_PAGE] == ("", {}, True)


def test_a_rerun_a_cookie_report_brings_keeps_the_page(org):
    """A cookie component's report can be sent before the browser has heard which page a run
    chose, and then asks for the page before: such a rerun goes back to the session's page. A
    rerun without a report goes where it asks: the viewer went there."""
    admin = signed_in("admin@example.org")
    admin.session_state[COOKIE_SET] = True  # the browser holds the login cookie: reported, on Home
    admin.run()
    admin.switch_page("pages/users.py").run()
    assert admin.title[0].value == "Users"
    for key, report in [(MANAGER_KEY, {COOKIE_NAME: "its token"}), (LIBRARY_MANAGER_KEY, {COOKIE_NAME: "its token"})]:
        admin.session_state[key] = report  # a component reports: a rerun of the default page
        admin.switch_page("pages/home.py").run()
        assert not admin.exception and admin.title[0].value == "Users"
    admin.switch_page("pages/polls.py").run()  # nothing new reported: the viewer went there
    assert admin.title[0].value == "Polls"
    admin.switch_page("pages/home.py").run()
    assert admin.title[0].value == "Home"


def test_signing_out_forgets_the_page_shown(org):
    """The next person to sign in on this tab starts on Home, not on the page shown before."""
    admin = signed_in("admin@example.org")
    admin.switch_page("pages/users.py").run()
    admin.session_state[REQUESTED_LOGOUT] = True
    admin.run()
    assert admin.session_state[SESSION_PAGE] is None


def test_the_librarys_cookie_manager_is_watched_under_its_key():
    """streamlit-authenticator draws extra-streamlit-components' CookieManager without a key, so
    its report arrives under that component's default key: the key watched for reports."""
    assert inspect.signature(stx.CookieManager).parameters["key"].default == LIBRARY_MANAGER_KEY


def test_every_page_has_a_signed_out_stand_in():
    """Opened signed out, any page's address shows the sign-in form there (see signed_out_pages):
    each page file but the form's and Home's (the root address) has its stand-in."""
    files = {path.stem for path in (ROOT / "pages").glob("*.py")} - {"login", "home"}
    assert set(every_url_path()) == files
