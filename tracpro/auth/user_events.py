"""The audit events of changes to people: what an edit changed, each aspect its own event.

The functions that change users (tracpro.auth.users, tracpro.auth.directory, tracpro.auth.members)
call these just before they apply a change, while the user's row still holds what it was, in
the same session: the events are written with the change, or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracpro.audit.trail import record
from tracpro.db.models import AuditKind, Membership, Region, Role, User

if TYPE_CHECKING:
    from tracpro.auth.users import UserDraft


def _who(user: User) -> dict[str, object]:
    """How an event names the person it is about: their id, and their name and email as they are."""
    return {"user": user.id, "name": user.name, "email": user.email or user.login}


def names_of_regions(session: Session, region_ids: Iterable[int]) -> list[str]:
    ids = list(region_ids)
    return list(session.scalars(select(Region.name).where(Region.id.in_(ids)))) if ids else []


def record_place(session: Session, org_id: int, user: User, membership: Membership | None, role: Role,
                 region_names: Iterable[str]) -> None:
    """The role and regions (by name) `user` is about to have in the org (`membership` as it is,
    None when they are not a member yet), recorded where they differ from what they were."""
    regions = sorted(region_names, key=str.lower)
    before_role = membership.role if membership is not None else None
    before_regions = sorted((r.name for r in membership.regions if r.is_active), key=str.lower) if membership else []
    if before_role != role:
        record(session, AuditKind.ROLE_CHANGED, org_id, {**_who(user), "role": [before_role, role]})
    if before_regions != regions:
        record(session, AuditKind.REGIONS_CHANGED, org_id, {**_who(user), "regions": [before_regions, regions]})


def record_active(session: Session, org_id: int | None, user: User, active: bool) -> None:
    """`user` is about to be (de)activated; recorded when that changes anything."""
    if user.is_active != active:
        record(session, AuditKind.USER_REACTIVATED if active else AuditKind.USER_DEACTIVATED, org_id, _who(user))


def record_created(session: Session, org_id: int | None, user: User, role: Role | None,
                   regions: Iterable[str]) -> None:
    record(session, AuditKind.USER_CREATED, org_id,
           {**_who(user), "role": role, "regions": sorted(regions, key=str.lower), "superuser": user.is_superuser})


def record_edit(session: Session, org_id: int, user: User, membership: Membership, draft: UserDraft) -> None:
    """An administrator's edit of a member (tracpro.auth.users.update_user), about to be applied."""
    login = draft.email.strip().lower()
    changed: dict[str, object] = {}
    if draft.name.strip() != user.name:
        changed["name"] = [user.name, draft.name.strip()]
    if login != user.login:
        changed["email"] = [user.login, login]
    if draft.password:
        changed["password"] = "set"  # that it was set, never what to
    if changed:
        record(session, AuditKind.USER_CHANGED, org_id, {**_who(user), "changed": changed})
    regions = [] if draft.role == Role.ADMIN else names_of_regions(session, draft.region_ids)
    record_place(session, org_id, user, membership, draft.role, regions)
    record_active(session, org_id, user, draft.is_active)


def record_own_password(session: Session, user: User) -> None:
    record(session, AuditKind.USER_CHANGED, None, {**_who(user), "changed": {"password": "changed by themselves"}})


def record_own_language(session: Session, user: User, code: str | None) -> None:
    """`user` is about to choose `code` (None: their org's) as their language; recorded when it changes."""
    if user.language != code:
        record(session, AuditKind.USER_CHANGED, None, {**_who(user), "changed": {"language": [user.language, code]}})


def record_unlocked(session: Session, org_id: int, user: User) -> None:
    """An administrator is about to end `user`'s lock; recorded when there is one to end."""
    if user.locked_until is not None or user.failed_login_count:
        record(session, AuditKind.USER_UNLOCKED, org_id, {**_who(user), "failures": user.failed_login_count})
