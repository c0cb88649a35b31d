"""Which orgs a user works in, with which role and regions; the region tree they choose from.

Superusers act as admins in every active org. Everyone else works in the active orgs they
are a member of. The scope itself is built by tracpro.auth.scope from what this module reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracpro.db.models import Membership, Org, Region, Role, User, membership_regions


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


@dataclass(frozen=True)
class RegionOption:
    id: int
    name: str
    depth: int  # 0 for the top of the tree shown, whatever its depth in the org


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


def region_options(session: Session, org_id: int, visible: Iterable[int] | None = None) -> list[RegionOption]:
    """Active regions as an indented tree (depth-first, siblings by name).

    With `visible`, only those regions are listed; one whose parent is not listed becomes a
    top of the tree shown.
    """
    query = select(Region.id, Region.name, Region.parent_id).where(Region.org_id == org_id, Region.is_active)
    rows = session.execute(query).all()
    wanted = None if visible is None else set(visible)
    rows = [row for row in rows if wanted is None or row.id in wanted]
    ids = {row.id for row in rows}
    children: dict[int | None, list] = {}
    for row in rows:
        children.setdefault(row.parent_id if row.parent_id in ids else None, []).append(row)
    options: list[RegionOption] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for row in sorted(children.get(parent_id, []), key=lambda row: (row.name.lower(), row.id)):
            options.append(RegionOption(row.id, row.name, depth))
            if depth < 32:  # a cycle in the tree must not hang the sidebar
                walk(row.id, depth + 1)

    walk(None, 0)
    return options
