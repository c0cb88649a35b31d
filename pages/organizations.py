"""Organizations (superusers): every org of the deployment, creating one, and deactivating or
reactivating one (its data stays; its users lose it from their list and the sync job skips it)."""

import streamlit as st

from tracpro.db import session_scope
from tracpro.indicators.editing import Invalid
from tracpro.orgs.superuser import NewOrg, create_org, org_overview, set_org_active
from tracpro.ui.context import notice, require_superuser, show_notice
from tracpro.ui.forms import forget_form
from tracpro.ui.settings_forms import TIMEZONES, show_invalid

NEW_ORG_LABELS = {"name": "Name", "slug": "Short name", "timezone": "Timezone",
                  "rapidpro_host": "RapidPro host", "rapidpro_token": "RapidPro API token"}

require_superuser()
with session_scope() as db:
    orgs = org_overview(db)

st.title("Organizations")
st.caption("Every organisation of this TracPro deployment. Each is one RapidPro workspace.")
show_notice()
listed, creating = st.tabs(["All organizations", "Create an organization"])

with listed:
    if orgs.empty:
        st.info("No organisation yet. Create the first one on the “Create an organization” tab.")
    else:
        number = st.column_config.NumberColumn(format="localized")
        st.dataframe(orgs.drop(columns="org_id"), hide_index=True, width="stretch",
                     column_config={"Members": number, "Polls": number, "Contacts": number})
        names = dict(zip(orgs["org_id"], orgs["Name"], strict=True))
        status = dict(zip(orgs["org_id"], orgs["Status"], strict=True))
        chosen = st.selectbox("Organization", list(names), format_func=lambda i: f"{names[i]} ({status[i].lower()})",
                              key="org_status.org")
        active = status[chosen] == "Active"
        if active:
            st.caption("Deactivating keeps all its data; its users no longer see it and the sync job skips it.")
        if st.button(f"{'Deactivate' if active else 'Reactivate'} {names[chosen]}", key="org_status.submit"):
            with session_scope() as db:
                set_org_active(db, int(chosen), not active)
            st.cache_data.clear()
            notice(f"{names[chosen]} is {'deactivated' if active else 'active again'}.", "success")
            st.rerun()

with creating:
    with st.form("new_org"):
        name = st.text_input("Name", key="new_org.name")
        slug = st.text_input("Short name", key="new_org.slug", placeholder="unicef-rwanda",
                             help="Lowercase letters, digits and hyphens; names the org in commands and URLs.")
        timezone = st.selectbox("Timezone", TIMEZONES, index=TIMEZONES.index("UTC"), key="new_org.timezone")
        host = st.text_input("RapidPro host", key="new_org.rapidpro_host", placeholder="https://app.rapidpro.io")
        token = st.text_input("RapidPro API token", type="password", key="new_org.rapidpro_token")
        submitted = st.form_submit_button("Create organization", type="primary", key="new_org.submit")
    if submitted:
        try:
            with session_scope() as db:
                created = create_org(db, NewOrg(name, slug, timezone, host, token)).name
        except Invalid as invalid:
            show_invalid(invalid.errors, NEW_ORG_LABELS)
        else:
            forget_form("new_org")
            st.cache_data.clear()
            notice(f"Created {created}. Choose it in the sidebar to give it administrators (Users) and "
                   "choose what it tracks; the sync job picks it up on its next round.", "success")
            st.rerun()
