"""Organization: an org's administrators edit its name, timezone, languages, RapidPro connection,
how repeated answers count, which contact fields show, and its logo."""

import streamlit as st

from tracpro.db import session_scope
from tracpro.forms import FormErrors
from tracpro.i18n import _
from tracpro.orgs.choices import current_settings
from tracpro.orgs.connection import check_connection, connection_to_test
from tracpro.orgs.settings import save_settings
from tracpro.text import escape_markdown
from tracpro.ui.context import notice, require_org_admin, show_notice
from tracpro.ui.forms import field_labels, forget_form, show_form_errors
from tracpro.ui.settings_forms import ORG_LABELS, org_settings_form

FORM = "org_settings"

_context, org_id = require_org_admin()
with session_scope() as db:
    current = current_settings(db, org_id)

st.title(_("Organization"))
st.caption(_("Settings of {org}, for all its users.").format(org=escape_markdown(current.name)))
show_notice()

submission = org_settings_form(FORM, current)
if submission is not None and submission.test_only:
    draft = submission.settings
    try:  # the saved token goes to the saved host only; another host is tested with a token typed for it
        with session_scope() as db:
            host, token = connection_to_test(db, org_id, draft.rapidpro_host, draft.rapidpro_token)
    except FormErrors as refusal:
        show_form_errors(refusal, field_labels(ORG_LABELS))
    else:
        with st.spinner(_("Asking {host} …").format(host=escape_markdown(host))):
            connected, message = check_connection(host, token)
        (st.success if connected else st.error)(escape_markdown(message))  # it quotes the host's answer
elif submission is not None:
    try:
        with session_scope() as db:
            save_settings(db, org_id, submission.settings)
    except FormErrors as refusal:
        show_form_errors(refusal, field_labels(ORG_LABELS))
    else:
        forget_form(FORM)  # the form starts again from what is now stored (the token field empty)
        st.cache_data.clear()  # names, timezone and visible fields show on every page
        notice(_("Saved the settings of {org}.").format(org=escape_markdown(submission.settings.name.strip())),
               "success")
        st.rerun()
