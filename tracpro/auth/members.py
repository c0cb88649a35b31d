"""Who works in an org: the list the Users page shows, and adding a person from the command line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from tracpro.auth import lockout, user_events
from tracpro.auth.actor import Actor
from tracpro.auth.users import UserDraft, create_user, find_by_login
from tracpro.db.models import Membership, Org, Region, Role, User
from tracpro.forms import FormErrors
from tracpro.i18n import _


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    email: str
    role: Role
    region_ids: tuple[int, ...]  # the regions given directly; sub-regions come with them
    region_names: tuple[str, ...]
    is_active: bool
    locked_until: datetime | None
    must_change_password: bool

    def status(self, now: datetime, zone: ZoneInfo) -> str:
        """In words, a lock's end in `zone` (the org's)."""
        if not self.is_active:
            return _("Deactivated")
        if self.locked_until is not None and self.locked_until > now:
            return _("Locked until {time}").format(time=lockout.until_text(self.locked_until, zone))
        if self.must_change_password:
            return _("Must change password")
        return _("Active")


def org_members(session: Session, org_id: int) -> list[Member]:
    """Every member of the org, active or not, by name."""
    memberships = session.scalars(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.org_id == org_id)
        .options(selectinload(Membership.user), selectinload(Membership.regions))
        .order_by(func.lower(User.name), User.id)
    )
    members = []
    for membership in memberships:
        user = membership.user
        regions = sorted(
            (region for region in membership.regions if region.is_active), key=lambda r: r.name.lower()
        )
        members.append(
            Member(
                user.id,
                user.name,
                user.email or user.login,
                membership.role,
                tuple(region.id for region in regions),
                tuple(region.name for region in regions),
                user.is_active,
                user.locked_until,
                user.must_change_password,
            )
        )
    return members


def add_member(
    session: Session,
    org_slug: str,
    login: str,
    role: Role,
    region_names: list[str],
    *,
    name: str = "",
    password: str = "",
    now: datetime,
) -> tuple[User, bool]:
    """Give `login` a role in the org (creating the user when new); returns (user, created)."""
    org = session.scalars(select(Org).where(Org.slug == org_slug)).one_or_none()
    if org is None:
        raise FormErrors({"org": f"There is no organisation with the slug '{org_slug}'."})
    regions = list(session.scalars(select(Region).where(Region.org_id == org.id, Region.is_active)))
    by_name = {region.name.lower(): region for region in regions}
    unknown = [wanted for wanted in region_names if wanted.lower() not in by_name]
    if unknown:
        raise FormErrors({"regions": f"{org.name} has no active region named {', '.join(unknown)}."})
    region_ids = tuple(by_name[wanted.lower()].id for wanted in region_names)
    user = find_by_login(session, login)
    if user is None:
        draft = UserDraft(name, login, role, region_ids, password, password)
        return create_user(session, Actor.setup(org.id), draft, now), True
    membership = session.scalars(
        select(Membership).where(Membership.user_id == user.id, Membership.org_id == org.id)
    ).one_or_none()
    if role == Role.SUPERVISOR and not region_ids:
        raise FormErrors({"regions": "A supervisor needs at least one region (--region NAME)."})
    user_events.record_place(session, org.id, user, membership, role,
                             [by_name[wanted.lower()].name for wanted in region_names if role == Role.SUPERVISOR])
    if membership is None:
        membership = Membership(user=user, org_id=org.id, role=role)
        session.add(membership)
    membership.role = role
    membership.regions = (
        [by_name[wanted.lower()] for wanted in region_names] if role == Role.SUPERVISOR else []
    )
    session.flush()
    return user, False
