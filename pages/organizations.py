"""Organizations (superusers): every org of the deployment, creating one, and deactivating or
reactivating one (its data stays; its users lose it from their list and the sync job skips it)."""

import streamlit as st

from tracpro.db import session_scope
from tracpro.forms import FormErrors
from tracpro.i18n import N_, _
from tracpro.orgs.superuser import NewOrg, create_org, org_overview, set_org_active
from tracpro.text import escape_markdown
from tracpro.ui.acting import acting_session
from tracpro.ui.context import notice, require_superuser, show_notice
from tracpro.ui.forms import field_labels, forget_form, show_form_errors
from tracpro.ui.settings_forms import TIMEZONES

NEW_ORG_LABELS = {"name": N_("Name"), "slug": N_("Short name"), "timezone": N_("Timezone"),
                  "rapidpro_host": N_("RapidPro host"), "rapidpro_token": N_("RapidPro API token")}
# The overview's columns and statuses (org_overview words them in English, which the page looks up).
COLUMNS = {"Name": N_("Name"), "Slug": N_("Slug"), "Timezone": N_("Timezone"), "RapidPro host": N_("RapidPro host"),
           "Status": N_("Status"), "Members": N_("Members"), "Polls": N_("Polls"), "Contacts": N_("Contacts")}
STATUSES = {"Active": N_("Active"), "Deactivated": N_("Deactivated")}

context = require_superuser()
with session_scope() as db:
    orgs = org_overview(db)

st.title(_("Organizations"))
st.caption(_("Every organisation of this TracPro deployment. Each is one RapidPro workspace."))
show_notice()
listed, creating = st.tabs([_("All organizations"), _("Create an organization")])

with listed:
    if orgs.empty:
        st.info(_("No organisation yet. Create the first one on the “Create an organization” tab."))
    else:
        number = st.column_config.NumberColumn(format="localized")
        shown = orgs.drop(columns="org_id").assign(Status=orgs["Status"].map(lambda word: _(STATUSES[word])))
        st.dataframe(shown.rename(columns={column: _(label) for column, label in COLUMNS.items()}),
                     hide_index=True, width="stretch",
                     column_config={_(COLUMNS[column]): number for column in ("Members", "Polls", "Contacts")})
        names = dict(zip(orgs["org_id"], orgs["Name"], strict=True))
        status = dict(zip(orgs["org_id"], orgs["Status"], strict=True))

        def org_label(org_id) -> str:
            if status[org_id] == "Active":
                return _("{name} (active)").format(name=names[org_id])
            return _("{name} (deactivated)").format(name=names[org_id])

        chosen = st.selectbox(_("Organization"), list(names), format_func=org_label, key="org_status.org")
        active = status[chosen] == "Active"
        if active:
            st.caption(_("Deactivating keeps all its data; its users no longer see it and the sync job skips it."))
        button = _("Deactivate {name}") if active else _("Reactivate {name}")
        if st.button(button.format(name=escape_markdown(names[chosen])), key="org_status.submit"):
            with acting_session() as db:
                set_org_active(db, context.actor, int(chosen), not active)
            st.cache_data.clear()
            done = _("{name} is deactivated.") if active else _("{name} is active again.")
            notice(done.format(name=escape_markdown(names[chosen])), "success")
            st.rerun()

with creating:
    with st.form("new_org"):
        name = st.text_input(_("Name"), key="new_org.name")
        slug = st.text_input(_("Short name"), key="new_org.slug", placeholder="unicef-rwanda",
                             help=_("Lowercase letters, digits and hyphens; names the org in commands and URLs."))
        timezone = st.selectbox(_("Timezone"), TIMEZONES, index=TIMEZONES.index("UTC"), key="new_org.timezone")
        host = st.text_input(_("RapidPro host"), key="new_org.rapidpro_host", placeholder="https://app.rapidpro.io")
        token = st.text_input(_("RapidPro API token"), type="password", key="new_org.rapidpro_token")
        submitted = st.form_submit_button(_("Create organization"), type="primary", key="new_org.submit")
    if submitted:
        try:
            with acting_session() as db:
                created = create_org(db, context.actor, NewOrg(name, slug, timezone, host, token)).name
        except FormErrors as refusal:
            show_form_errors(refusal, field_labels(NEW_ORG_LABELS))
        else:
            forget_form("new_org")
            st.cache_data.clear()
            notice(_("Created {org}. Choose it in the sidebar to give it administrators (Users) and "
                     "choose what it tracks; the sync job picks it up on its next round.").format(
                       org=escape_markdown(created)),
                   "success")
            st.rerun()
