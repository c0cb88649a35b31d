"""Which orgs a user works in, with which role and regions.

Superusers act as admins in every active org. Everyone else works in the active orgs they
are a member of. The scope itself is built by tracpro.auth.scope from what this module reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracpro.db.models import Membership, Org, Role, User, membership_regions
from tracpro.db.timezone import UTC, org_zone


@dataclass(frozen=True)
class OrgChoice:
    id: int
    name: str
    role: Role


@dataclass(frozen=True)
class OrgAccess:
    """A user's standing in one org: their role and the regions given to them there."""

    org_id: int
    org_name: str
    role: Role
    given_region_ids: frozenset[int]

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


def org_choices(session: Session, user_id: int, *, is_superuser: bool) -> list[OrgChoice]:
    """The orgs the user may switch between, by name."""
    if is_superuser:
        orgs = session.scalars(select(Org).where(Org.is_active).order_by(func.lower(Org.name), Org.id))
        return [OrgChoice(org.id, org.name, Role.ADMIN) for org in orgs]
    rows = session.execute(
        select(Org.id, Org.name, Membership.role)
        .join(Membership, Membership.org_id == Org.id)
        .where(Membership.user_id == user_id, Org.is_active)
        .order_by(func.lower(Org.name), Org.id)
    )
    return [OrgChoice(row.id, row.name, row.role) for row in rows]


def home_zone(session: Session, user_id: int, *, is_superuser: bool) -> ZoneInfo:
    """The timezone of the org the user's pages open in (the first of org_choices); UTC for none."""
    orgs = org_choices(session, user_id, is_superuser=is_superuser)
    return org_zone(session, orgs[0].id) if orgs else UTC


def org_access(session: Session, user: User, org_id: int) -> OrgAccess | None:
    """The user's role and given regions in `org_id`; None when they have no place there."""
    org = session.get(Org, org_id)
    if org is None or not org.is_active:
        return None
    membership = session.scalars(
        select(Membership).where(Membership.user_id == user.id, Membership.org_id == org_id)
    ).one_or_none()
    if membership is None:
        return OrgAccess(org.id, org.name, Role.ADMIN, frozenset()) if user.is_superuser else None
    role = Role.ADMIN if user.is_superuser else membership.role
    given = session.scalars(
        select(membership_regions.c.region_id).where(membership_regions.c.membership_id == membership.id)
    )
    return OrgAccess(org.id, org.name, role, frozenset(given))
