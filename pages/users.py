"""Users: an organisation's administrators add, edit and deactivate its supervisors and administrators."""

import pandas as pd
import streamlit as st

from tracpro.auth import lockout
from tracpro.auth.members import org_members
from tracpro.auth.users import create_user, unlock_member, update_user
from tracpro.db import session_scope
from tracpro.db.models import Role
from tracpro.db.timezone import org_zone
from tracpro.forms import FormErrors
from tracpro.i18n import N_, _
from tracpro.orgs.region_tree import region_options
from tracpro.text import escape_markdown
from tracpro.ui.acting import acting_session
from tracpro.ui.clock import now
from tracpro.ui.context import notice, require_role, show_notice
from tracpro.ui.forms import field_labels, forget_form, show_form_errors
from tracpro.ui.user_forms import FIELD_LABELS, ROLE_LABELS, user_form

# Whole sentences, one a role, so that each language words them its own way.
CREATED = {
    Role.SUPERVISOR: N_("New supervisor created: {email}."),
    Role.ADMIN: N_("New administrator created: {email}."),
}

context = require_role(Role.ADMIN)
org_id = context.access.org_id
with session_scope() as db:
    members = org_members(db, org_id)
    regions = region_options(db, org_id)
    zone = org_zone(db, org_id)  # a lock's end, as every time, in the org's timezone

st.title(_("Users"))
st.caption(_("Supervisors and administrators of {org}.").format(org=escape_markdown(context.access.org_name)))
show_notice()
listed, adding, editing = st.tabs([_("All users"), _("Add a user"), _("Edit a user")])

with listed:
    at = now()
    st.dataframe(
        pd.DataFrame(
            [
                (
                    m.name,
                    m.email,
                    _(ROLE_LABELS[m.role]),
                    _("All regions") if m.role == Role.ADMIN else ", ".join(m.region_names),
                    m.status(at, zone),
                )
                for m in members
            ],
            columns=[_("Name"), _("Email"), _("Role"), _("Regions"), _("Status")],
        ),
        hide_index=True,
        use_container_width=True,
    )

with adding:
    draft = user_form("add_user", regions)
    if draft is not None:
        try:
            with acting_session() as db:
                create_user(db, context.actor, draft, now())
        except FormErrors as error:
            show_form_errors(error, field_labels(FIELD_LABELS))
        else:
            forget_form("add_user")
            notice(_(CREATED[draft.role]).format(email=escape_markdown(draft.email.strip().lower())), "success")
            st.rerun()

with editing:
    by_id = {member.id: member for member in members}
    if not by_id:
        st.info(_("This organisation has no users yet. Add one on the “Add a user” tab."))
        st.stop()
    chosen = st.selectbox(_("User"), list(by_id), format_func=lambda i: f"{by_id[i].name} — {by_id[i].email}")
    member = by_id[chosen]
    name = escape_markdown(member.name)  # in a warning and a notice, both Markdown
    if member.locked_until is not None and member.locked_until > now():
        st.warning(
            _("{name} is locked out until {time} after too many failed sign-in attempts.").format(
                name=name, time=lockout.until_text(member.locked_until, zone)
            )
        )
        if st.button(_("Unlock now"), key=f"unlock_{member.id}"):
            with acting_session() as db:
                unlock_member(db, context.actor, member.id)
            notice(_("{name} can sign in again.").format(name=name), "success")
            st.rerun()
    draft = user_form(f"edit_user_{member.id}", regions, member)
    if draft is not None:
        try:
            with acting_session() as db:
                update_user(db, context.actor, member.id, draft, now())
        except FormErrors as error:
            show_form_errors(error, field_labels(FIELD_LABELS))
        else:
            notice(_("{name} updated.").format(name=escape_markdown(draft.name.strip())), "success")
            st.rerun()
