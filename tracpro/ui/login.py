"""The sign-in page: streamlit-authenticator's form, and what TracPro adds around it.

After the library has checked a password, this module does what the library does not:
failures are counted in PostgreSQL (tracpro.auth.lockout) and a success gets a login record
and the cookie for it (tracpro.auth.logins). The library tells us which account was
tried only through the credential entry it marks with `failed_login_attempts`; a login that
is no account at all leaves no mark, and there is nothing to count.

A failed sign-in is answered the same way, in the same time, whether the login is an account,
a locked one, or none: "N more attempts will lock this account" or "this account is locked"
would tell anyone which logins are accounts. So the form says only INCORRECT and, to everyone,
LOCK_RULE; a login that is no account costs the same bcrypt check as one that is. Someone locked
out learns the rule there, and when the lock ends from an administrator (the Users page shows it
in the org's time); a lock set while they are signed in ends their login with its end time.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy import exists, select
from streamlit_authenticator.utilities import LoginError

from tracpro.auth import lockout, logins
from tracpro.auth.demo import present_demo_logins
from tracpro.auth.passwords import check_for_no_account
from tracpro.db import session_scope
from tracpro.db.models import User
from tracpro.i18n import N_, _
from tracpro.ui.clock import now
from tracpro.ui.context import forget_notice, show_notice
from tracpro.ui.signin import LOGIN_ID, PENDING_COOKIE, Gate

# The library's form labels (its own keys), translated when the form is drawn: see fields().
FIELDS = {"Form name": N_("Sign in"), "Username": N_("Email"), "Password": N_("Password"), "Login": N_("Sign in")}
FORM_KEY = "tracpro_login"
INCORRECT = N_("Incorrect email or password.")
LOCK_RULE = N_(
    "After 5 failed attempts in a row, an account is locked for 15 minutes. An administrator can unlock it sooner."
)
_LAST_ERROR = "tracpro_login_error"


def fields() -> dict[str, str]:
    """The login form's labels in the viewer's language."""
    return {name: _(label) for name, label in FIELDS.items()}


def _record_failure(gate: Gate, login: str) -> None:
    """Count a failed sign-in against the account tried (while it is locked, nothing is counted)."""
    at = now()
    with session_scope() as db:
        user = db.get(User, gate.user_ids[login])
        if user is not None and not lockout.is_locked(user, at):  # None: deleted since the form was drawn
            lockout.record_failure(db, user.id, at)


def _finish_sign_in(gate: Gate, login: str) -> str | None:
    """Store the login record and queue its cookie; the refusal when the user may not enter."""
    at = now()
    with session_scope() as db:
        user = db.get(User, gate.user_ids[login])
        if user is None:  # deleted since the form was drawn
            return _(logins.SIGNED_OUT)
        refusal = logins.refusal_for(db, user, at)
        if refusal is not None:
            return refusal
        lockout.record_success(db, user, at)
        token = logins.issue_token(user.login, gate.cookie_key, at + logins.LIFETIME)
        row = logins.start(db, user.id, token, at)
        logins.purge(db, at)
    # Only once the login record is committed does this tab point to it.
    st.session_state[LOGIN_ID] = row.id
    st.session_state[PENDING_COOKIE] = (token, row.expires_at)
    return None


def _nobody_can_sign_in() -> bool:
    with session_scope() as db:
        return not db.scalar(select(exists().where(User.is_active)))


def _demo_logins() -> None:
    with session_scope() as db:
        logins = present_demo_logins(db)
    if logins:
        with st.expander(_("Demo accounts"), expanded=True):
            st.caption(_("Demo mode only. Sign in as:"))
            # Code spans: copyable, and markdown does not turn the addresses into mail links.
            st.markdown(
                "\n".join(
                    f"- `{login.login}` · `{login.password}`  \n  {login.description}" for login in logins
                )
            )


def render_login(gate: Gate) -> None:
    state = st.session_state
    with st.container(width=480):
        st.title("TracPro")
        st.caption(_("Poll results from RapidPro, region by region."))
        # Kept until the next sign-in attempt: the cookie components' own reruns must not wipe it.
        show_notice(keep=True)
        if _nobody_can_sign_in():
            st.info(
                _(
                    "No one can sign in yet. Create the first account on the server with "
                    "`python -m tracpro createsuperuser`."
                )
            )
        if state.get("authentication_status") is False:
            # The library leaves False in place after a failure; reset it so that False after the
            # call below means "a sign-in failed on this rerun".
            state["authentication_status"] = None
        try:
            gate.authenticator.login(location="main", fields=fields(), key=FORM_KEY)
        except LoginError as error:
            st.error(str(error))
        if state.get("authentication_status") is not None:  # an attempt was made on this rerun
            forget_notice()
        if state.get("authentication_status") is True:
            login = state["username"]
            refusal = _finish_sign_in(gate, login) if login in gate.user_ids else _(logins.SIGNED_OUT)
            if refusal is None:
                state.pop(_LAST_ERROR, None)
                st.rerun()
            gate.authenticator.logout(location="unrendered")
            state[_LAST_ERROR] = refusal
        elif state.get("authentication_status") is False:
            tried = [login for login, entry in gate.entries.items() if entry.get("failed_login_attempts")]
            if tried:
                _record_failure(gate, tried[0])
            else:
                check_for_no_account()
            state[_LAST_ERROR] = _(INCORRECT)
        if state.get(_LAST_ERROR):
            st.error(state[_LAST_ERROR])
        if state.get(_LAST_ERROR) == _(INCORRECT):
            st.caption(_(LOCK_RULE))
        if gate.settings.demo_mode:
            _demo_logins()
