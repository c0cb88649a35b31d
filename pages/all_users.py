"""All users (superusers): everyone in the deployment with the orgs they work in, giving someone a
role in an org, and deactivating or reactivating an account. People are created on the Users page
of an org; this page connects them to more."""

import pandas as pd
import streamlit as st

from tracpro.auth.access import region_options
from tracpro.auth.directory import ROLE_NAMES, all_users, give_role, set_user_active
from tracpro.auth.users import FormErrors
from tracpro.db import session_scope
from tracpro.orgs.superuser import org_overview
from tracpro.ui.context import notice, require_superuser, show_notice
from tracpro.ui.forms import region_multiselect, show_errors
from tracpro.ui.session import now

LABELS = {"user": "User", "org": "Organization", "regions": "Regions"}

context = require_superuser()
with session_scope() as db:
    users = all_users(db)
    orgs = org_overview(db)

st.title("All users")
st.caption("Everyone who can sign in to this TracPro deployment, in every organisation.")
show_notice()
st.dataframe(
    pd.DataFrame(
        [(u.name, u.email, "; ".join(map(str, u.places)) or ("All, as superuser" if u.is_superuser else "None"),
          "Superuser" if u.is_superuser else "", "Active" if u.is_active else "Deactivated") for u in users],
        columns=["Name", "Email", "Organizations and roles", "Superuser", "Status"],
    ),
    hide_index=True, width="stretch",
)
by_id = {user.id: user for user in users}
org_names = dict(zip(orgs["org_id"].astype(int), orgs["Name"], strict=True))
giving, status = st.tabs(["Give a role in an organization", "Deactivate or reactivate"])

with giving:
    if not org_names:
        st.info("There is no organisation yet: create one on the Organizations page.")
    else:
        user_id = st.selectbox("User", list(by_id), format_func=lambda i: f"{by_id[i].name} — {by_id[i].email}",
                               key="give_role.user")
        org_id = st.selectbox("Organization", list(org_names), format_func=org_names.__getitem__,
                              key="give_role.org")
        with session_scope() as db:
            regions = region_options(db, org_id)
        with st.form(f"give_role_{org_id}"):
            role = st.radio("Role", list(ROLE_NAMES), format_func=ROLE_NAMES.__getitem__, horizontal=True,
                            key=f"give_role_{org_id}.role", help="Administrators see all regions and manage users.")
            region_ids = region_multiselect("Regions (supervisors)", regions, key=f"give_role_{org_id}.regions")
            submitted = st.form_submit_button("Save role", type="primary", key=f"give_role_{org_id}.submit")
        if submitted:
            try:
                with session_scope() as db:
                    added = give_role(db, user_id, org_id, role, tuple(region_ids))
            except FormErrors as error:
                show_errors(error.errors, LABELS)
            else:
                what = "is now" if added else "now works as"
                notice(f"{by_id[user_id].name} {what} {ROLE_NAMES[role].lower()} in {org_names[org_id]}.", "success")
                st.rerun()

with status:
    target = st.selectbox("User", list(by_id), format_func=lambda i: f"{by_id[i].name} — {by_id[i].email}",
                          key="user_status.user")
    active = by_id[target].is_active
    st.caption("Deactivating signs the user out everywhere and keeps them out of every organisation."
               if active else "Reactivating lets the user sign in again, with the roles they had.")
    if st.button(f"{'Deactivate' if active else 'Reactivate'} {by_id[target].name}", key="user_status.submit"):
        try:
            with session_scope() as db:
                set_user_active(db, context.user.id, target, not active, now())
        except FormErrors as error:
            show_errors(error.errors, LABELS)
        else:
            notice(f"{by_id[target].name} is {'deactivated' if active else 'active again'}.", "success")
            st.rerun()
