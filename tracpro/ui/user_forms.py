"""The user form of the Users page: one form for adding and editing, returning a UserDraft."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from tracpro.auth.access import RegionOption
from tracpro.auth.members import Member
from tracpro.auth.users import UserDraft
from tracpro.db.models import Role
from tracpro.ui.forms import region_multiselect

ROLE_LABELS = {Role.SUPERVISOR: "Supervisor", Role.ADMIN: "Administrator"}
FIELD_LABELS = {
    "name": "Full name",
    "email": "Email",
    "role": "Role",
    "regions": "Regions",
    "password": "Password",
    "confirm_password": "Confirm password",
    "is_active": "Active",
}


def user_form(key: str, regions: Sequence[RegionOption], member: Member | None = None) -> UserDraft | None:
    """Draw the form (to add a user when `member` is None); the draft once it is submitted."""
    editing = member is not None
    with st.form(key):
        name = st.text_input("Full name", value=member.name if editing else "", key=f"{key}.name")
        email = st.text_input(
            "Email",
            value=member.email if editing else "",
            help="The user signs in with it.",
            key=f"{key}.email",
        )
        roles = list(ROLE_LABELS)
        role = st.radio(
            "Role",
            roles,
            index=roles.index(member.role) if editing else 0,
            format_func=ROLE_LABELS.__getitem__,
            horizontal=True,
            help="Administrators see all regions and manage users.",
            key=f"{key}.role",
        )
        region_ids = region_multiselect(
            "Regions (supervisors)",
            regions,
            default=member.region_ids if editing else (),
            key=f"{key}.regions",
        )
        if editing:
            st.caption("Leave the password empty to keep the current one.")
        password = st.text_input(
            "New password" if editing else "Password",
            type="password",
            help="At least 8 characters. The user must change it at their next sign-in.",
            key=f"{key}.password",
        )
        confirmation = st.text_input("Confirm password", type="password", key=f"{key}.confirm_password")
        is_active = (
            st.checkbox(
                "Active", value=member.is_active, help="Disable to remove access.", key=f"{key}.is_active"
            )
            if editing
            else True
        )
        submitted = st.form_submit_button(
            "Save changes" if editing else "Create user", type="primary", key=f"{key}.submit"
        )
    if not submitted:
        return None
    return UserDraft(name, email, role, tuple(region_ids), password, confirmation, is_active)
