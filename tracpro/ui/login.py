"""The sign-in page: TracPro's own email and password form.

streamlit-authenticator's login form would want every account's password hash before anyone
has typed an email (see tracpro.ui.signin), so the form is drawn here and the password checked
against the one account the email names (tracpro.auth.credentials). Failures are counted in
PostgreSQL (tracpro.auth.lockout); a success gets a login record and the cookie for it
(tracpro.auth.logins). An email that is no active account has nothing to count.
When Streamlit's `[auth]` secrets name an OpenID Connect provider, a button beside the form
signs in through it instead (tracpro.ui.single_sign_on).

A failed sign-in is answered the same way, whether the email is an account, a locked one, or
none (and, tracpro.auth.credentials sees to it, in the same time): "N more attempts will lock
this account" or "this account is locked" would tell anyone which emails are accounts. So the
form says only INCORRECT and, to everyone, LOCK_RULE. Someone locked out learns the rule there,
and when the lock ends from an administrator (the Users page shows it in the org's time); a lock
set while they are signed in ends their login with its end time.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy import exists, select

from tracpro.auth import credentials, lockout, logins
from tracpro.auth.demo import present_demo_logins
from tracpro.auth.users import normalise_login
from tracpro.db import session_scope
from tracpro.db.models import User
from tracpro.i18n import N_, _
from tracpro.text import escape_markdown
from tracpro.ui.clock import now
from tracpro.ui.context import forget_notice, show_notice
from tracpro.ui.signin import LOGIN_ID, PENDING_COOKIE, Gate
from tracpro.ui.single_sign_on import offered, sign_in_button

FORM_KEY = "tracpro_login"
INCORRECT = N_("Incorrect email or password.")
LOCK_RULE = N_(
    "After 5 failed attempts in a row, an account is locked for 15 minutes. An administrator can unlock it sooner."
)
_LAST_ERROR = "tracpro_login_error"


def _record_failure(user_id: int) -> None:
    """Count a failed sign-in against the account tried (while it is locked, nothing is counted)."""
    at = now()
    with session_scope() as db:
        user = db.get(User, user_id)
        if user is not None and not lockout.is_locked(user, at):  # None: deleted since the password was checked
            lockout.record_failure(db, user.id, at)


def _finish_sign_in(gate: Gate, user_id: int) -> str | None:
    """Store the login record and queue its cookie; the refusal when the user may not enter."""
    at = now()
    with session_scope() as db:
        user = db.get(User, user_id)
        if user is None:  # deleted since the password was checked
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
                    f"- `{login.login}` · `{login.password}`  \n  {login.describe(escape_markdown)}"
                    for login in logins
                )
            )


def _attempt(gate: Gate, login: str, password: str) -> str | None:
    """Check what was typed and act on it: None once signed in, else what the form says."""
    with session_scope() as db:
        found = credentials.candidate(db, login, now())
    # What is typed is stripped, as passwords are checked for (tracpro.auth.passwords).
    if not credentials.password_matches(found, password.strip()):
        if found.user_id is not None:
            _record_failure(found.user_id)
        else:
            with session_scope() as db:
                lockout.record_failure_of_no_account(db, normalise_login(login), now())
        return _(INCORRECT)
    assert found.user_id is not None  # a password matches only an account
    return _finish_sign_in(gate, found.user_id)


def _sign_in_form() -> tuple[str, str] | None:
    """The form; the email and password typed, on the rerun it is sent with an email in it."""
    with st.form(FORM_KEY):
        st.subheader(_("Sign in"))
        login = st.text_input(_("Email"), autocomplete="off")
        password = st.text_input(_("Password"), type="password", autocomplete="off")
        sent = st.form_submit_button(_("Sign in"))
    return (login, password) if sent and login.strip() else None


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
        typed = _sign_in_form()
        if offered():
            st.caption(_("or"))
            sign_in_button(gate.settings.single_sign_on_label)
        if typed is not None:  # an attempt was made on this rerun
            forget_notice()
            refusal = _attempt(gate, *typed)
            if refusal is None:
                state.pop(_LAST_ERROR, None)
                st.rerun()
            state[_LAST_ERROR] = refusal
        if state.get(_LAST_ERROR):
            st.error(state[_LAST_ERROR])
        if state.get(_LAST_ERROR) == _(INCORRECT):
            st.caption(_(LOCK_RULE))
        if gate.settings.demo_mode:
            _demo_logins()
