"""The org's audit trail as its administrators read it: what was done, by whom, when.

An org's trail holds its own events (those about a region only while the region is in view), and
the sign-ins and sign-outs of the people who work in it, wherever they did that. Events of no org
and no member of any org (a superuser signing in, an email no account has) are added on request:
the Audit page asks for them for superusers.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.orm import Session

from tracpro.audit.trail import as_json
from tracpro.auth.scope import Scope
from tracpro.db.models import AuditEvent, AuditKind, Membership, Region
from tracpro.i18n import _
from tracpro.queries.audit_words import KIND_WORDS, details_in_words
from tracpro.queries.poll_base import org_timezone
from tracpro.queries.registry import read_model
from tracpro.queries.scope import region_filter

# Details in words for reading; the same details as JSON for the download, where every id stays.
COLUMNS = ["When", "Who", "What", "Region", "Details", "Details (JSON)"]


def _member_of(org_id: int | None = None) -> ColumnElement[bool]:
    """The event's person works in the org (in any org when `org_id` is None)."""
    condition = Membership.user_id == AuditEvent.user_id
    return exists().where(condition if org_id is None else and_(condition, Membership.org_id == org_id))


def _in_trail(session: Session, scope: Scope, start: date, end: date, unaffiliated: bool) -> list[ColumnElement[bool]]:
    """The conditions of the org's trail (see the module docstring) from `start` to `end`, the org's days."""
    zone = org_timezone(session, scope)
    of_the_org = and_(AuditEvent.org_id == scope.org_id,
                      or_(AuditEvent.region_id.is_(None), region_filter(scope, AuditEvent.region_id)))
    of_its_people = and_(AuditEvent.org_id.is_(None), _member_of(scope.org_id))
    belongs = [of_the_org, of_its_people]
    if unaffiliated:
        belongs.append(and_(AuditEvent.org_id.is_(None), ~_member_of()))
    return [
        or_(*belongs),
        AuditEvent.at >= datetime.combine(start, time(), zone),
        AuditEvent.at < datetime.combine(end + timedelta(days=1), time(), zone),
    ]


def _newest_first(query: Select) -> Select:
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


@read_model
def audit_trail(session: Session, scope: Scope, start: date, end: date, email: str | None = None,
                kinds: tuple[str, ...] = (), unaffiliated: bool = False) -> pd.DataFrame:
    """The trail from `start` to `end` (both included), newest first, of one person (by the email
    the events recorded) and of some kinds only when asked: When (the org's time), Who (an email,
    empty for no account), What (in words), Region, Details (in words, tracpro.queries.audit_words)
    and Details (JSON) (as recorded, for the download)."""
    zone = org_timezone(session, scope)
    conditions = _in_trail(session, scope, start, end, unaffiliated)
    if email is not None:
        conditions.append(AuditEvent.email == email)
    if kinds:
        conditions.append(AuditEvent.kind.in_([AuditKind(kind) for kind in kinds]))
    rows = session.execute(_newest_first(
        select(AuditEvent.at, AuditEvent.email, AuditEvent.kind, Region.name, AuditEvent.details)
        .outerjoin(Region, Region.id == AuditEvent.region_id).where(*conditions)
    )).all()
    return pd.DataFrame(
        [(at.astimezone(zone).replace(tzinfo=None), email or "", _(KIND_WORDS[kind]), region or "",
          details_in_words(kind, details, zone), as_json(details))
         for at, email, kind, region, details in rows],
        columns=COLUMNS,
    )


@read_model
def audit_people(session: Session, scope: Scope, start: date, end: date, unaffiliated: bool = False) -> list[str]:
    """The emails the trail names from `start` to `end`, for choosing one."""
    emails = session.scalars(
        select(AuditEvent.email).where(*_in_trail(session, scope, start, end, unaffiliated)).distinct()
    )
    return sorted((email for email in emails if email), key=str.lower)
