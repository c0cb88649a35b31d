"""Actors for tests that call writes: who acts, as the pages would build them (tracpro.ui.context)."""

from __future__ import annotations

from collections.abc import Iterable

from tracpro.auth.actor import Actor
from tracpro.auth.scope import Scope
from tracpro.db.models import Role


def admin(org_id: int, user_id: int | None = None) -> Actor:
    """An administrator of the org, with every region in view."""
    return Actor(user_id, role=Role.ADMIN, scope=Scope(org_id, None))


def superuser(user_id: int | None = None, org_id: int | None = None) -> Actor:
    """A superuser, working in `org_id` (as its administrator) or in no org."""
    return Actor(user_id, is_superuser=True, role=Role.ADMIN if org_id else None,
                 scope=Scope(org_id, None) if org_id else None)


def supervisor(org_id: int, region_ids: Iterable[int], user_id: int | None = None,
               selected_region_id: int | None = None) -> Actor:
    """A supervisor with these regions in view (their sub-regions are for the caller to include)."""
    regions = frozenset(region_ids)
    selected = selected_region_id if selected_region_id is not None else min(regions)
    return Actor(user_id, role=Role.SUPERVISOR, scope=Scope(org_id, regions, selected))


def acting(scope: Scope, user_id: int | None = None, role: Role = Role.SUPERVISOR) -> Actor:
    """Whoever works with `scope` (a supervisor unless told), for tests written around a Scope."""
    return Actor(user_id, role=role, scope=scope)
