"""All users (superusers): everyone in the deployment with the orgs they work in, giving someone a
role in an org, and deactivating or reactivating an account. People are created on the Users page
of an org; this page connects them to more."""

import pandas as pd
import streamlit as st

from tracpro.auth.directory import ROLE_NAMES, all_users, give_role, set_user_active
from tracpro.db import session_scope
from tracpro.db.models import Role
from tracpro.forms import FormErrors
from tracpro.i18n import N_, _
from tracpro.orgs.region_tree import region_options
from tracpro.orgs.superuser import org_overview
from tracpro.text import escape_markdown
from tracpro.ui.acting import acting_session
from tracpro.ui.clock import now
from tracpro.ui.context import notice, require_superuser, show_notice
from tracpro.ui.forms import field_labels, region_multiselect, show_form_errors

LABELS = {"user": N_("User"), "org": N_("Organization"), "regions": N_("Regions")}
# After a role is given: (whether they just joined the org, the role) -> the whole sentence.
GIVEN = {
    (True, Role.SUPERVISOR): N_("{name} is now supervisor in {org}."),
    (True, Role.ADMIN): N_("{name} is now administrator in {org}."),
    (False, Role.SUPERVISOR): N_("{name} now works as supervisor in {org}."),
    (False, Role.ADMIN): N_("{name} now works as administrator in {org}."),
}

context = require_superuser()
with session_scope() as db:
    users = all_users(db)
    orgs = org_overview(db)

st.title(_("All users"))
st.caption(_("Everyone who can sign in to this TracPro deployment, in every organisation."))
show_notice()
st.dataframe(
    pd.DataFrame(
        [(u.name, u.email, "; ".join(map(str, u.places)) or (_("All, as superuser") if u.is_superuser else _("None")),
          _("Superuser") if u.is_superuser else "", _("Active") if u.is_active else _("Deactivated")) for u in users],
        columns=[_("Name"), _("Email"), _("Organizations and roles"), _("Superuser"), _("Status")],
    ),
    hide_index=True, width="stretch",
)
by_id = {user.id: user for user in users}
org_names = dict(zip(orgs["org_id"].astype(int), orgs["Name"], strict=True))
giving, status = st.tabs([_("Give a role in an organization"), _("Deactivate or reactivate")])

with giving:
    if not org_names:
        st.info(_("There is no organisation yet: create one on the Organizations page."))
    else:
        user_id = st.selectbox(_("User"), list(by_id), format_func=lambda i: f"{by_id[i].name} — {by_id[i].email}",
                               key="give_role.user")
        org_id = st.selectbox(_("Organization"), list(org_names), format_func=org_names.__getitem__,
                              key="give_role.org")
        with session_scope() as db:
            regions = region_options(db, org_id)
        with st.form(f"give_role_{org_id}"):
            role = st.radio(_("Role"), list(ROLE_NAMES), format_func=lambda role: _(ROLE_NAMES[role]), horizontal=True,
                            key=f"give_role_{org_id}.role", help=_("Administrators see all regions and manage users."))
            region_ids = region_multiselect(_("Regions (supervisors)"), regions, key=f"give_role_{org_id}.regions")
            submitted = st.form_submit_button(_("Save role"), type="primary", key=f"give_role_{org_id}.submit")
        if submitted:
            try:
                with acting_session() as db:
                    added = give_role(db, context.actor, user_id, org_id, role, tuple(region_ids))
            except FormErrors as error:
                show_form_errors(error, field_labels(LABELS))
            else:
                notice(_(GIVEN[added, role]).format(name=escape_markdown(by_id[user_id].name),
                                                    org=escape_markdown(org_names[org_id])), "success")
                st.rerun()

with status:
    target = st.selectbox(_("User"), list(by_id), format_func=lambda i: f"{by_id[i].name} — {by_id[i].email}",
                          key="user_status.user")
    active = by_id[target].is_active
    st.caption(_("Deactivating signs the user out everywhere and keeps them out of every organisation.")
               if active else _("Reactivating lets the user sign in again, with the roles they had."))
    button = _("Deactivate {name}") if active else _("Reactivate {name}")
    if st.button(button.format(name=escape_markdown(by_id[target].name)), key="user_status.submit"):
        try:
            with acting_session() as db:
                set_user_active(db, context.actor, target, not active, now())
        except FormErrors as error:
            show_form_errors(error, field_labels(LABELS))
        else:
            done = _("{name} is deactivated.") if active else _("{name} is active again.")
            notice(done.format(name=escape_markdown(by_id[target].name)), "success")
            st.rerun()
