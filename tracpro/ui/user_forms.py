"""The user form of the Users page: one form for adding and editing, returning a UserDraft."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from tracpro.auth.members import Member
from tracpro.auth.users import UserDraft
from tracpro.db.models import Role
from tracpro.i18n import N_, _
from tracpro.orgs.region_tree import RegionOption
from tracpro.ui.forms import region_multiselect

# Marked here, translated where shown: `_(ROLE_LABELS[role])`, `field_labels(FIELD_LABELS)`.
ROLE_LABELS = {Role.SUPERVISOR: N_("Supervisor"), Role.ADMIN: N_("Administrator")}
FIELD_LABELS = {
    "name": N_("Full name"),
    "email": N_("Email"),
    "role": N_("Role"),
    "regions": N_("Regions"),
    "password": N_("Password"),
    "confirm_password": N_("Confirm password"),
    "is_active": N_("Active"),
}


def _role_label(role: Role) -> str:
    return _(ROLE_LABELS[role])


def user_form(key: str, regions: Sequence[RegionOption], member: Member | None = None) -> UserDraft | None:
    """Draw the form (to add a user when `member` is None); the draft once it is submitted."""
    with st.form(key):
        name = st.text_input(_("Full name"), value=member.name if member is not None else "", key=f"{key}.name")
        email = st.text_input(
            _("Email"),
            value=member.email if member is not None else "",
            help=_("The user signs in with it."),
            key=f"{key}.email",
        )
        roles = list(ROLE_LABELS)
        role = st.radio(
            _("Role"),
            roles,
            index=roles.index(member.role) if member is not None else 0,
            format_func=_role_label,
            horizontal=True,
            help=_("Administrators see all regions and manage users."),
            key=f"{key}.role",
        )
        region_ids = region_multiselect(
            _("Regions (supervisors)"),
            regions,
            default=member.region_ids if member is not None else (),
            key=f"{key}.regions",
        )
        if member is not None:
            st.caption(_("Leave the password empty to keep the current one."))
        password = st.text_input(
            _("New password") if member is not None else _("Password"),
            type="password",
            help=_("At least 8 characters. The user must change it at their next sign-in."),
            key=f"{key}.password",
        )
        confirmation = st.text_input(_("Confirm password"), type="password", key=f"{key}.confirm_password")
        is_active = (
            st.checkbox(
                _("Active"), value=member.is_active, help=_("Disable to remove access."), key=f"{key}.is_active"
            )
            if member is not None
            else True
        )
        submitted = st.form_submit_button(
            _("Save changes") if member is not None else _("Create user"), type="primary", key=f"{key}.submit"
        )
    if not submitted:
        return None
    return UserDraft(name, email, role, tuple(region_ids), password, confirmation, is_active)
