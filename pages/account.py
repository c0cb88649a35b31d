"""My account: change your own password (and, after an administrator set it, change it first)."""

import streamlit as st

from tracpro.auth.users import FormErrors, change_own_password
from tracpro.db import session_scope
from tracpro.ui.context import notice, require_signed_in, show_notice
from tracpro.ui.forms import show_errors
from tracpro.ui.session import SESSION_ID, now

context = require_signed_in(allow_forced_change=True)
forced = context.user.must_change_password

st.title("Change your password" if forced else "My account")
show_notice()
if forced:
    st.info("Your administrator set your password. Choose a new one to continue.")
else:
    st.markdown(f"**{context.user.name}** · {context.user.login}")
    st.subheader("Change your password")

with st.form("change_password", clear_on_submit=False):
    current = st.text_input("Current password", type="password", key="account.current_password")
    password = st.text_input(
        "New password", type="password", help="At least 8 characters.", key="account.password"
    )
    confirmation = st.text_input("Confirm new password", type="password", key="account.confirm_password")
    submitted = st.form_submit_button("Change password", type="primary", key="account.submit")

if submitted:
    try:
        with session_scope() as db:
            change_own_password(
                db,
                context.user.id,
                current,
                password,
                confirmation,
                now(),
                keep_session=st.session_state.get(SESSION_ID),
            )
    except FormErrors as error:
        show_errors(
            error.errors,
            {
                "current_password": "Current password",
                "password": "New password",
                "confirm_password": "Confirm new password",
            },
        )
    else:
        notice(
            "Your password has been changed. You stay signed in here; other sessions were signed out.",
            "success",
        )
        st.rerun()
