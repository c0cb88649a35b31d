"""Users: an organisation's administrators add, edit and deactivate its supervisors and administrators."""

import pandas as pd
import streamlit as st

from tracpro.auth import lockout
from tracpro.auth.access import region_options
from tracpro.auth.members import org_members
from tracpro.auth.users import FormErrors, actor_for, create_user, update_user
from tracpro.db import session_scope
from tracpro.db.models import Role, User
from tracpro.ui.context import notice, require_role, show_notice
from tracpro.ui.forms import forget_form, show_errors
from tracpro.ui.session import now
from tracpro.ui.user_forms import FIELD_LABELS, ROLE_LABELS, user_form

context = require_role(Role.ADMIN)
org_id = context.access.org_id
with session_scope() as db:
    members = org_members(db, org_id)
    regions = region_options(db, org_id)

st.title("Users")
st.caption(f"Supervisors and administrators of {context.access.org_name}.")
show_notice()
listed, adding, editing = st.tabs(["All users", "Add a user", "Edit a user"])

with listed:
    at = now()
    st.dataframe(
        pd.DataFrame(
            [
                (
                    m.name,
                    m.email,
                    ROLE_LABELS[m.role],
                    "All regions" if m.role == Role.ADMIN else ", ".join(m.region_names),
                    m.status(at),
                )
                for m in members
            ],
            columns=["Name", "Email", "Role", "Regions", "Status"],
        ),
        hide_index=True,
        use_container_width=True,
    )

with adding:
    draft = user_form("add_user", regions)
    if draft is not None:
        try:
            with session_scope() as db:
                create_user(db, org_id, draft, now())
        except FormErrors as error:
            show_errors(error.errors, FIELD_LABELS)
        else:
            forget_form("add_user")
            notice(
                f"New {ROLE_LABELS[draft.role].lower()} created: {draft.email.strip().lower()}.", "success"
            )
            st.rerun()

with editing:
    by_id = {member.id: member for member in members}
    if not by_id:
        st.info("This organisation has no users yet. Add one on the “Add a user” tab.")
        st.stop()
    chosen = st.selectbox("User", list(by_id), format_func=lambda i: f"{by_id[i].name} — {by_id[i].email}")
    member = by_id[chosen]
    if member.locked_until is not None and member.locked_until > now():
        st.warning(
            f"{member.name} is locked out until {lockout.until_text(member.locked_until)} "
            "after too many failed sign-in attempts."
        )
        if st.button("Unlock now", key=f"unlock_{member.id}"):
            with session_scope() as db:
                lockout.unlock(db, db.get(User, member.id))
            notice(f"{member.name} can sign in again.", "success")
            st.rerun()
    draft = user_form(f"edit_user_{member.id}", regions, member)
    if draft is not None:
        try:
            with session_scope() as db:
                update_user(
                    db,
                    org_id,
                    member.id,
                    draft,
                    actor_for(db, context.user.id, context.user.is_superuser),
                    now(),
                )
        except FormErrors as error:
            show_errors(error.errors, FIELD_LABELS)
        else:
            notice(f"{draft.name.strip()} updated.", "success")
            st.rerun()
