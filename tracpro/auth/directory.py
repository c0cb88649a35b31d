"""Users across every org, as a superuser manages them: who works where with which role,
giving someone a role in an org, and deactivating or reactivating an account.

Adding people to one org and editing them there is tracpro.auth.users (the Users page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from tracpro.auth import logins, user_events
from tracpro.auth.actor import Actor
from tracpro.auth.writes import Allowed, write
from tracpro.db.models import Membership, Org, Region, Role, User
from tracpro.forms import REQUIRED, FormErrors
from tracpro.i18n import N_, _

# Translated where shown: `_(ROLE_NAMES[role])`.
ROLE_NAMES = {Role.ADMIN: N_("Administrator"), Role.SUPERVISOR: N_("Supervisor")}


@dataclass(frozen=True)
class Place:
    """One org a user works in, with their role and the regions given to them there."""

    org_name: str
    role: Role
    region_names: tuple[str, ...]

    def __str__(self) -> str:
        regions = f": {', '.join(self.region_names)}" if self.role == Role.SUPERVISOR and self.region_names else ""
        return f"{self.org_name} ({_(ROLE_NAMES[self.role])}{regions})"


@dataclass(frozen=True)
class DirectoryEntry:
    id: int
    name: str
    email: str
    is_superuser: bool
    is_active: bool
    places: tuple[Place, ...]


def all_users(session: Session) -> list[DirectoryEntry]:
    """Every user of the deployment by name, with the orgs they work in (by org name)."""
    users = session.scalars(
        select(User)
        .options(selectinload(User.memberships).selectinload(Membership.regions))
        .order_by(func.lower(User.name), User.id)
    ).all()
    names = dict(session.execute(select(Org.id, Org.name)).all())
    entries = []
    for user in users:
        places = sorted(
            (
                Place(
                    names[membership.org_id],
                    membership.role,
                    tuple(sorted((r.name for r in membership.regions if r.is_active), key=str.lower)),
                )
                for membership in user.memberships
            ),
            key=lambda place: place.org_name.lower(),
        )
        entries.append(
            DirectoryEntry(user.id, user.name, user.email or user.login, user.is_superuser, user.is_active,
                           tuple(places))
        )
    return entries


@write(Allowed.SUPERUSERS)
def give_role(session: Session, actor: Actor, user_id: int, org_id: int, role: Role, region_ids: tuple[int, ...]
              ) -> bool:
    """Give the user `role` in the org (a supervisor with these regions of it); returns True when
    this made them a member, False when it changed the role they already had there."""
    errors: dict[str, str] = {}
    user = session.get(User, user_id)
    org = session.get(Org, org_id)
    if user is None:
        errors["user"] = _("This user does not exist.")
    if org is None:
        errors["org"] = _("This organisation does not exist.")
    regions: list[Region] = []
    if role == Role.SUPERVISOR and org is not None:
        if not region_ids:
            errors["regions"] = _(REQUIRED)
        else:
            regions = list(session.scalars(
                select(Region).where(Region.org_id == org_id, Region.is_active, Region.id.in_(region_ids))
            ))
            if len(regions) != len(set(region_ids)):
                errors["regions"] = _("Choose regions of this organisation only.")
    if errors:
        raise FormErrors(errors)
    membership = session.scalars(
        select(Membership).where(Membership.user_id == user_id, Membership.org_id == org_id)
    ).one_or_none()
    created = membership is None
    user_events.record_place(session, org_id, session.get_one(User, user_id), membership, role,
                             [region.name for region in regions])
    if membership is None:
        membership = Membership(user_id=user_id, org_id=org_id, role=role)
        session.add(membership)
    membership.role = role
    membership.regions = regions
    session.flush()
    return created


@write(Allowed.SUPERUSERS)
def set_user_active(session: Session, actor: Actor, user_id: int, active: bool, now: datetime) -> User:
    """Deactivate (signing them out everywhere) or reactivate an account; not one's own."""
    user = session.get(User, user_id)
    if user is None:
        raise FormErrors({"user": _("This user does not exist.")})
    if user.id == actor.user_id and not active:
        raise FormErrors({"user": _("You can't deactivate your own account.")})
    if user.is_active and not active:
        logins.revoke_all(session, user.id, now)
    user_events.record_active(session, None, user, active)
    user.is_active = active
    session.flush()
    return user
