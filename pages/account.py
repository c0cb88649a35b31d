"""My account: your own language and password (and, after an administrator set the password,
changing it first)."""

import streamlit as st

from tracpro.auth.users import change_own_password, set_own_language
from tracpro.forms import FormErrors
from tracpro.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, resolve_language
from tracpro.text import escape_markdown
from tracpro.ui.acting import acting_session
from tracpro.ui.clock import now
from tracpro.ui.context import notice, require_signed_in, show_notice
from tracpro.ui.forms import show_form_errors
from tracpro.ui.language import choose_language
from tracpro.ui.signin import LOGIN_ID

context = require_signed_in(allow_forced_change=True)
forced = context.user.must_change_password


def language_choice() -> None:
    """The user's own UI language, or "" for the org's default; saved, the page redraws in it."""
    default = LANGUAGES.get(context.org_language or DEFAULT_LANGUAGE, LANGUAGES[DEFAULT_LANGUAGE])
    options = ["", *(code for code in (context.languages or LANGUAGES) if code in LANGUAGES)]
    current = context.user.language or ""
    st.subheader(_("Language"), anchor=False)
    chosen = st.selectbox(
        _("Language"),
        options,
        index=options.index(current) if current in options else 0,
        # Languages are named in themselves: a French speaker looks for "Français".
        format_func=lambda code: LANGUAGES[code] if code else _("Organisation default ({name})").format(name=default),
        key="account.language",
        label_visibility="collapsed",
    )
    if st.button(_("Save language"), key="account.save_language"):
        try:
            with acting_session() as db:
                set_own_language(db, context.actor, chosen or None)
        except FormErrors as error:
            show_form_errors(error, {"language": _("Language")})
        else:
            # The notice is worded in the language the page is about to be drawn in.
            choose_language(resolve_language(chosen or None, context.org_language, context.languages))
            notice(_("Your language has been saved."), "success")
            st.rerun()


st.title(_("Change your password") if forced else _("My account"))
show_notice()
if forced:
    st.info(_("Your administrator set your password. Choose a new one to continue."))
else:
    st.markdown(f"**{escape_markdown(context.user.name)}** · {escape_markdown(context.user.login)}")
    language_choice()
    st.subheader(_("Change your password"))

with st.form("change_password", clear_on_submit=False):
    current = st.text_input(_("Current password"), type="password", key="account.current_password")
    password = st.text_input(
        _("New password"), type="password", help=_("At least 8 characters."), key="account.password"
    )
    confirmation = st.text_input(_("Confirm new password"), type="password", key="account.confirm_password")
    submitted = st.form_submit_button(_("Change password"), type="primary", key="account.submit")

if submitted:
    try:
        with acting_session() as db:
            change_own_password(
                db,
                context.actor,
                current,
                password,
                confirmation,
                now(),
                keep_login=st.session_state.get(LOGIN_ID),
            )
    except FormErrors as error:
        show_form_errors(
            error,
            {
                "current_password": _("Current password"),
                "password": _("New password"),
                "confirm_password": _("Confirm new password"),
            },
        )
    else:
        notice(
            _("Your password has been changed. You stay signed in here; other sessions were signed out."),
            "success",
        )
        st.rerun()
