"""Which pollruns charts include and which responses a scope counts; read models answer anything else
with "not found".

- Pollruns: those the scope shows (tracpro.auth.scope.pollrun_visible, the rule writes keep too).
- Responses: active ones, of active contacts in an active region the scope sees.

Both are SQL conditions built from the scope, so every read model uses the same rule.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_

from tracpro.auth.scope import Scope, pollrun_visible
from tracpro.db.models import Contact, PollRun, PollRunType, Region, Response
from tracpro.queries.scope import region_filter

UNIVERSAL_TYPES = (PollRunType.UNIVERSAL, PollRunType.SPOOFED)


def pollrun_charted(scope: Scope) -> ColumnElement[bool]:
    """Pollruns that poll charts include: with no region selected only universal and spoofed
    ones (regional runs would skew an all-regions chart), else the visible ones."""
    if scope.selected_region_id is None:
        return and_(PollRun.org_id == scope.org_id, PollRun.pollrun_type.in_(UNIVERSAL_TYPES))
    return pollrun_visible(scope)


def response_counted(scope: Scope, *, include_inactive: bool = False) -> ColumnElement[bool]:
    """Responses (joined to their Contact and its Region) that count for this scope."""
    conditions = [
        Response.org_id == scope.org_id,
        Contact.is_active,
        Region.is_active,
        region_filter(scope, Contact.region_id),
    ]
    if not include_inactive:
        conditions.append(Response.is_active)
    return and_(*conditions)


def responses_with_contacts():
    """Response joined to its contact and the contact's region, as response_counted expects."""
    return Response.__table__.join(Contact.__table__, Contact.id == Response.contact_id).join(
        Region.__table__, Region.id == Contact.region_id
    )

