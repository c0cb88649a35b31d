"""The sign-in gate: who is signed in, decided once at the top of every rerun, and kept in
Streamlit's session state (the login record's id under LOGIN_ID).

`sign_in()` runs in app.py before anything else is drawn. It trusts streamlit-authenticator
for the login form and the cookie's signature, and TracPro's login records (the
`login_records` table, tracpro.auth.logins) for everything else:

- A signed-in browser tab is re-checked against the database on every rerun; logout elsewhere,
  deactivation, a lock or removal from the last org end its login here, with a sentence saying why.
- Before the library may re-sign someone in from the cookie (on reload), the cookie's exact
  value must be a live login record; otherwise the library is told the user logged out
  (its `logout` flag), so it ignores the cookie, and the stale cookie is deleted.
- The library never writes the cookie itself (cookie_expiry_days=0): TracPro issues it after
  a form login, so the value the browser holds is the one whose hash was stored.

Pages then ask tracpro.ui.context for what they need (`require_signed_in`, `require_scope`, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import streamlit as st
import streamlit_authenticator as stauth
from sqlalchemy import select
from streamlit_authenticator.utilities import LoginError

from tracpro.auth import logins
from tracpro.auth.cookie_key import CookieKeyRefused, resolve_cookie_key
from tracpro.auth.lockout import is_locked
from tracpro.auth.logins import COOKIE_NAME, SignedInUser
from tracpro.auth.passwords import unmatchable_hash
from tracpro.config import Settings, SettingsError, load_settings
from tracpro.db import session_scope
from tracpro.db.models import User
from tracpro.i18n import _
from tracpro.ui.clock import now
from tracpro.ui.context import CONTEXT, not_through_the_app, notice

LOGIN_ID = "tracpro_login_id"  # the id of this tab's login record
PENDING_COOKIE = "tracpro_pending_cookie"
COOKIE_SET = "tracpro_cookie_set"  # the cookie component's answer: True once the browser holds it
LOGOUT_REQUESTED = "tracpro_logout_requested"
GATE = "tracpro_gate"
_LIBRARY_STATUS = "authentication_status"
_CHOICES = ("tracpro_org", "tracpro_region", "tracpro_subregions")  # the sidebar's keys


@dataclass
class Gate:
    """This rerun's sign-in state: the library object and, for the login page, the accounts."""

    authenticator: stauth.Authenticate
    settings: Settings
    cookie_key: str
    user: SignedInUser | None
    # Login page only: the credential entries handed to the library, by login, and their ids.
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)


def request_logout() -> None:
    st.session_state[LOGOUT_REQUESTED] = True


def _settings_and_key() -> tuple[Settings, str]:
    try:
        settings = load_settings()
        return settings, resolve_cookie_key(settings)
    except (SettingsError, CookieKeyRefused) as error:
        st.error(str(error))
        st.stop()


def _login_credentials(at: datetime) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """Active accounts in the shape the library wants; locked ones can never match."""
    entries, ids = {}, {}
    with session_scope() as db:
        for user in db.scalars(select(User).where(User.is_active)):
            login = user.login.lower()
            password = unmatchable_hash() if is_locked(user, at) else user.password_hash
            entries[login] = {
                "first_name": user.name,
                "last_name": "",
                "email": user.email,
                "password": password,
                "roles": [],
            }
            ids[login] = user.id
    return entries, ids


def _cookie_token() -> str | None:
    """The login cookie the browser sent when this tab connected (fixed until it reconnects)."""
    token = st.context.cookies.get(COOKIE_NAME)
    # Outside a browser (AppTest) the client is a stand-in whose cookies are not strings.
    return token if isinstance(token, str) and token else None


def _live_cookie_login(at: datetime) -> int | None:
    """The login record of the cookie this browser sent, if it is live and its user may sign in."""
    token = _cookie_token()
    if token is None:
        return None
    with session_scope() as db:
        row = logins.find_live(db, token, at)
        if row is None or logins.refusal_for(db, row.user, at) is not None:
            return None
        return row.id


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


def _write_pending_cookie(authenticator: stauth.Authenticate) -> None:
    """Keep the cookie component on the page until the browser confirms it holds the cookie."""
    state = st.session_state
    if state.get(COOKIE_SET) is True:
        state.pop(PENDING_COOKIE, None)
        return
    token, expires_at = state[PENDING_COOKIE]
    secure = (st.context.url or "").startswith("https:") or None
    authenticator.cookie_controller.cookie_model.cookie_manager.set(
        COOKIE_NAME, token, key=COOKIE_SET, expires_at=expires_at, same_site="strict", secure=secure
    )


def cookies_reported(gate: Gate) -> bool:
    """Whether the browser's cookie manager has reported the cookies the browser holds (it does
    once it has loaded, and that report reruns the app); until then it answers with no cookie."""
    return bool(gate.authenticator.cookie_controller.cookie_model.cookie_manager.cookies)


def sign_in() -> Gate:
    """Decide who is signed in on this rerun (see the module docstring); stops on a bad key."""
    settings, cookie_key = _settings_and_key()
    state, at = st.session_state, now()
    login_id = state.get(LOGIN_ID)
    user: SignedInUser | None = None
    ending, kind = None, "warning"
    if state.pop(LOGOUT_REQUESTED, False):
        _end(login_id, at)
        ending, kind = _("You are signed out."), "info"
    elif state.get(_LIBRARY_STATUS) and login_id is not None:
        result = _check(login_id, at)
        user, ending = result.user, result.refusal
    elif state.get(_LIBRARY_STATUS):
        ending = _(logins.SIGNED_OUT)  # the library's word alone is not enough: no login record

    entries: dict[str, dict[str, Any]] = {}
    ids: dict[str, int] = {}
    live = None
    if user is None:
        entries, ids = _login_credentials(at)
        live = None if ending else _live_cookie_login(at)
        # The library re-signs in from the cookie unless told the user logged out.
        state["logout"] = live is None
    authenticator = stauth.Authenticate(
        {"usernames": entries},
        COOKIE_NAME,
        cookie_key,
        # 0: the library never writes the cookie; TracPro does, after storing its hash.
        cookie_expiry_days=0,
        auto_hash=False,
        # The library sleeps before reading cookies; 0.4.x reads them server-side, so no wait is needed.
        login_sleep_time=0,
    )
    if ending:
        if state.get(_LIBRARY_STATUS):
            authenticator.logout(location="unrendered")  # clears the library's state, deletes the cookie
        # The next person to sign in here starts afresh: no login record, no org or region choices.
        for key in [key for key in state if key in (LOGIN_ID, PENDING_COOKIE) or key.startswith(_CHOICES)]:
            state.pop(key, None)
        notice(ending, kind)
    elif live is not None:
        try:
            authenticator.login(location="unrendered")
        except LoginError:  # the token's login is not an active account: treat as signed out
            state["logout"] = True
        if state.get(_LIBRARY_STATUS):
            state[LOGIN_ID] = live
            user = _check(live, at).user
            if user is None:  # changed since the cookie was looked up a moment ago
                authenticator.logout(location="unrendered")
                state.pop(LOGIN_ID, None)
    elif user is None and _cookie_token() is not None:
        authenticator.cookie_controller.delete_cookie()  # a stale cookie: the browser may as well drop it
    if user is not None and PENDING_COOKIE in state:
        _write_pending_cookie(authenticator)
    gate = Gate(authenticator, settings, cookie_key, user, entries, ids)
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
