"""The sign-in gate: who is signed in, decided once at the top of every rerun, and kept in
Streamlit's session state (the login record's id under LOGIN_ID).

`sign_in()` runs in app.py before anything else is drawn. TracPro's login records (the
`login_records` table, tracpro.auth.logins) decide who is signed in:

- A signed-in browser tab is re-checked against the database on every rerun; logout elsewhere,
  deactivation, a lock or removal from the last org end its login here, with a sentence saying why.
- The password form is TracPro's own (tracpro.ui.login): it reads only the account named, counts
  failures in PostgreSQL and issues the cookie whose hash it stores.
- Single sign-on, when Streamlit's `[auth]` secrets name a provider (tracpro.ui.single_sign_on):
  an identity the provider vouched for opens a login of the same kind, once.

streamlit-authenticator is used only through its documented API: `Authenticate(...)`,
`login(location="unrendered")`, `logout(location="unrendered")` and the session-state keys it
sets for the app to read (`authentication_status`, `username`). On a reload it signs the
person in again from the cookie, checking the cookie's signature and expiry; it is asked to only
once the cookie's exact value is a live login record, and it is given that one account alone.
Its login form cannot serve here, as it wants every account's password hash before anyone has
typed an email. What it cannot do, TracPro does itself (tracpro.ui.login_cookie): the cookie is
written after TracPro's own checks (the library's cookie_expiry_days=0 means it never writes
one), deleted when a login ends, and the browser's report of its cookies is read there too.

Pages then ask tracpro.ui.context for what they need (`require_signed_in`, `require_scope`, ...).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime

import streamlit as st
import streamlit_authenticator as stauth

from tracpro.auth import logins
from tracpro.auth.cookie_key import CookieKeyRefused, resolve_cookie_key
from tracpro.auth.logins import COOKIE_NAME, SignedInUser
from tracpro.config import Settings, SettingsError, load_settings
from tracpro.db import session_scope
from tracpro.i18n import _
from tracpro.ui.clock import now
from tracpro.ui.context import CONTEXT, not_through_the_app, notice
from tracpro.ui.login_cookie import COOKIE_SET, LoginCookie, sent_token
from tracpro.ui.single_sign_on import login_from_provider, offered, sign_out_of_provider

LOGIN_ID = "tracpro_login_id"  # the id of this tab's login record
PENDING_COOKIE = "tracpro_pending_cookie"  # (token, expires_at) until the browser holds the cookie
LOGOUT_REQUESTED = "tracpro_logout_requested"
RESUME_TRIED = "tracpro_resume_tried"  # the library has been asked to sign in from the cookie
RESUMING = "tracpro_resuming"  # the login record a sign-in from the cookie is for, until it is done
GATE = "tracpro_gate"
# The keys the library sets for the app to read (its README, "Authenticating users").
_LIBRARY_STATUS = "authentication_status"
_LIBRARY_USERNAME = "username"
_CHOICES = ("tracpro_org", "tracpro_region", "tracpro_subregions")  # the sidebar's keys


@dataclass
class Gate:
    """This rerun's sign-in state."""

    settings: Settings
    cookie_key: str
    cookie: LoginCookie
    user: SignedInUser | None


@dataclass(frozen=True)
class _CookieLogin:
    """The live login record behind the cookie the browser sent, and its account."""

    login_id: int
    login: str
    name: str
    email: str


def request_logout() -> None:
    st.session_state[LOGOUT_REQUESTED] = True


def _settings_and_key() -> tuple[Settings, str]:
    try:
        settings = load_settings()
        return settings, resolve_cookie_key(settings)
    except (SettingsError, CookieKeyRefused) as error:
        st.error(str(error))
        st.stop()


@contextmanager
def _off_the_page() -> Iterator[None]:
    """Whatever is drawn inside is cleared at once. The library draws a cookie manager of its own
    whenever it is created; TracPro reads and writes the cookie itself, and a second manager
    would report the browser's cookies a second time, rerunning the app once more."""
    placeholder = st.empty()
    try:
        with placeholder.container():
            yield
    finally:
        placeholder.empty()


def _authenticator(cookie_key: str, account: _CookieLogin | None = None) -> stauth.Authenticate:
    """The library, knowing at most the one account its cookie names (it lower-cases logins)."""
    accounts = {}
    if account is not None:
        # No password: the library only reads the cookie here, it never checks one.
        accounts[account.login.lower()] = {"first_name": account.name, "last_name": "", "email": account.email}
    return stauth.Authenticate(
        {"usernames": accounts},
        COOKIE_NAME,
        cookie_key,
        # 0: the library never writes the cookie; TracPro does, after storing its hash.
        cookie_expiry_days=0,
        auto_hash=False,
    )


def _library_signed_in() -> bool:
    return bool(st.session_state.get(_LIBRARY_STATUS))


def _library_logout(cookie_key: str) -> None:
    """Clear the library's sign-in, when it made one. Its logout also makes it ignore the cookie
    for the rest of this session; TracPro deletes the cookie itself."""
    if _library_signed_in():
        with _off_the_page():
            _authenticator(cookie_key).logout(location="unrendered")


def _live_cookie_login(at: datetime) -> _CookieLogin | None:
    """The login record of the cookie this browser sent, if it is live and its user may sign in."""
    token = sent_token()
    if token is None:
        return None
    with session_scope() as db:
        row = logins.find_live(db, token, at)
        if row is None or logins.refusal_for(db, row.user, at) is not None:
            return None
        return _CookieLogin(row.id, row.user.login, row.user.name, row.user.email)


def _adopt(cookie_key: str, at: datetime, authenticator: stauth.Authenticate | None = None) -> SignedInUser | None:
    """Make the library's sign-in from the cookie this tab's (its login record RESUMING, whose
    account the library must have signed in), or undo it.

    Any use of session state is a point where a rerun the browser asked for (the cookie manager's
    report) may stop this run. RESUMING stays until this is done, so the next run carries on."""
    state = st.session_state
    login_id = state.get(RESUMING)
    user = None
    if _library_signed_in() and login_id is not None:
        user = _check(login_id, at).user  # None: it changed since the cookie was looked up
        if user is not None and state.get(_LIBRARY_USERNAME) != user.login.lower():
            user = None
    if user is not None:
        state[LOGIN_ID] = login_id
    elif authenticator is not None and _library_signed_in():
        authenticator.logout(location="unrendered")
    elif _library_signed_in():
        _library_logout(cookie_key)
    state.pop(RESUMING, None)
    return user


def _resume(cookie_key: str, live: _CookieLogin, at: datetime) -> SignedInUser | None:
    """Sign in again from the cookie (a reload), through the library: it checks the cookie's
    signature and expiry, and that it names `live`'s account."""
    st.session_state[RESUMING] = live.login_id  # before the library acts: see _adopt
    with _off_the_page():
        authenticator = _authenticator(cookie_key, live)
        with suppress(stauth.LoginError):  # raised when the cookie names another account: not signed in
            authenticator.login(location="unrendered")
        return _adopt(cookie_key, at, authenticator)


def _check(login_id: int, at: datetime) -> logins.LoginCheck:
    with session_scope() as db:
        result = logins.check(db, login_id, at)
        if result.user is None:
            logins.revoke(db, login_id, at)
        return result


def _end(login_id: int | None, at: datetime) -> None:
    if login_id is not None:
        with session_scope() as db:
            logins.sign_out(db, login_id, at)


def _keep_login(login_id: int, token: str, expires_at: datetime) -> None:
    """This tab holds login record `login_id`; the browser is to get its cookie."""
    st.session_state[LOGIN_ID] = login_id
    st.session_state[PENDING_COOKIE] = (token, expires_at)


def _write_pending_cookie(cookie: LoginCookie) -> None:
    """Keep the cookie component on the page until the browser confirms it holds the cookie."""
    state = st.session_state
    if state.get(COOKIE_SET) is True:
        state.pop(PENDING_COOKIE, None)
        return
    token, expires_at = state[PENDING_COOKIE]
    cookie.write(token, expires_at)


def sign_in() -> Gate:
    """Decide who is signed in on this rerun (see the module docstring); stops on a bad key."""
    settings, cookie_key = _settings_and_key()
    cookie = LoginCookie()
    state, at = st.session_state, now()
    login_id = state.get(LOGIN_ID)
    user: SignedInUser | None = None
    ending, kind = None, "warning"
    signing_out = state.pop(LOGOUT_REQUESTED, False)
    if signing_out:
        _end(login_id, at)
        ending, kind = _("You are signed out."), "info"
    elif login_id is not None:
        result = _check(login_id, at)
        user, ending = result.user, result.refusal

    if ending:
        # The next person to sign in here starts afresh: no login record, no org or region choices.
        # State first, drawing after: a rerun that stops this one midway finds the tab signed out.
        for key in [key for key in state if key in (LOGIN_ID, PENDING_COOKIE, RESUMING) or key.startswith(_CHOICES)]:
            state.pop(key, None)
        notice(ending, kind)
        _library_logout(cookie_key)
        cookie.delete()
        if signing_out:  # not a login that ended by itself: that leaves the provider's sign-in be
            sign_out_of_provider()
    elif user is None and _library_signed_in():
        # A sign-in from the cookie that a rerun stopped midway; the library's word alone, without
        # the login record it was for, signs no one in.
        user = _adopt(cookie_key, at)
        state[RESUME_TRIED] = True
    elif user is None:
        live = _live_cookie_login(at)
        # Asked once per session: the cookie the browser sent stays the same until it reconnects,
        # and the library waits a moment each time it is asked. Noted once it has answered: a
        # rerun that stopped this one before then asks again.
        if live is not None and not state.get(RESUME_TRIED):
            user = _resume(cookie_key, live, at)
            state[RESUME_TRIED] = True
        if user is None and sent_token() is not None:
            cookie.delete()  # a stale cookie, or one the library refused: the browser may as well drop it
    if user is None and not ending and offered():
        login_id = login_from_provider(cookie_key, at, _keep_login)
        if login_id is not None:
            user = _check(login_id, at).user
    if user is not None and PENDING_COOKIE in state:
        _write_pending_cookie(cookie)
    gate = Gate(settings, cookie_key, cookie, user)
    state[GATE] = gate
    return gate


def still_signed_in() -> bool:
    """For a fragment rerunning on its own (app.py does not run then): whether this tab's
    sign-in still holds. When it does not, the caller reruns the whole app, which signs out."""
    login_id = st.session_state.get(LOGIN_ID)
    if login_id is None:
        return False
    with session_scope() as db:
        return logins.check(db, login_id, now()).user is not None


def forget_rerun() -> None:
    """Called by app.py when its rerun ends, however it ends."""
    st.session_state.pop(GATE, None)
    st.session_state.pop(CONTEXT, None)


def current_gate() -> Gate:
    gate = st.session_state.get(GATE)
    if gate is None:
        not_through_the_app()
    return gate
