"""The login cookie in the browser: written and deleted by TracPro, read back by the library.

streamlit-authenticator reads the cookie back to sign someone in again after a reload (see
tracpro.ui.signin), but its public API cannot write a cookie that TracPro issued after its own
password and lockout checks. That is done here, with extra-streamlit-components' CookieManager
(the component the library itself uses) through that component's documented calls:
`CookieManager(key=...)`, `set(...)` and `delete(...)`. What the browser sent when this tab
connected is read from Streamlit's own `st.context.cookies`.

One manager is drawn per rerun, early (sign_in() does it), so it keeps its place on the page:
its report of the browser's cookies reruns the app once it has loaded (and
tracpro.ui.navigation.keep_session_page keeps such a rerun on the page the session is on).
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime

import extra_streamlit_components as stx
import streamlit as st

from tracpro.auth.logins import COOKIE_NAME

MANAGER_KEY = "tracpro_cookies"  # the manager component's key: its value is the browser's cookies
COOKIE_SET = "tracpro_cookie_set"  # the writing component's answer: True once the browser holds the cookie
_DELETE_KEY = "tracpro_cookie_delete"
# streamlit-authenticator draws a CookieManager of its own when it is created, under that
# component's default key (its signature: CookieManager(key="init")).
LIBRARY_MANAGER_KEY = "init"
# Every component that reports on cookies: its report reruns the app.
REPORTING_KEYS = (MANAGER_KEY, COOKIE_SET, _DELETE_KEY, LIBRARY_MANAGER_KEY)


def sent_token() -> str | None:
    """The login cookie the browser sent when this tab connected (fixed until it reconnects)."""
    token = st.context.cookies.get(COOKIE_NAME)
    # Outside a browser (AppTest) the client is a stand-in whose cookies are not strings.
    return token if isinstance(token, str) and token else None


def cookie_reports() -> tuple[object, ...]:
    """What the cookie components have reported so far, as this rerun sees it: a rerun that sees
    something new was brought by a report (one of them, or more)."""
    return tuple(st.session_state.get(key) for key in REPORTING_KEYS)


class LoginCookie:
    """This rerun's cookie manager. Create one per rerun, before the page draws anything else."""

    def __init__(self) -> None:
        self._manager = stx.CookieManager(key=MANAGER_KEY)

    def write(self, token: str, expires_at: datetime) -> None:
        """Ask the browser to keep `token` until `expires_at`. The component answers under COOKIE_SET
        once the cookie is set; draw it on every rerun until then, or the request may be lost."""
        secure = (st.context.url or "").startswith("https:") or None
        self._manager.set(COOKIE_NAME, token, key=COOKIE_SET, expires_at=expires_at, same_site="strict", secure=secure)

    def delete(self) -> None:
        """Ask the browser to drop the login cookie, whether or not it holds one."""
        # A KeyError comes after the request is on its way to the browser: only the manager's own
        # copy of the cookies lacked the name, as it does before the browser's first report.
        with suppress(KeyError):
            self._manager.delete(COOKIE_NAME, key=_DELETE_KEY)
