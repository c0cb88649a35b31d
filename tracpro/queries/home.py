"""What the Home page shows about the regions in view: contacts, reporter groups, recent responses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from tracpro.auth.scope import Scope
from tracpro.db.models import Contact, ReporterGroup, contact_reporter_groups, started_days
from tracpro.queries.recent import last_days, total
from tracpro.queries.registry import read_model
from tracpro.queries.scope import in_scope

RECENT_DAYS = 30


@dataclass(frozen=True)
class ScopeSummary:
    contacts: int
    active_contacts: int
    # Active reporter groups with at least one active contact in scope.
    reporter_groups: int
    # Responses (latest run per contact and poll date) started on one of the last 30 org-local
    # days, today included, as of the last sync (the sync job's summaries count them).
    recent_responses: int

    @property
    def is_empty(self) -> bool:
        return self.contacts == 0


@read_model
def scope_summary(session: Session, scope: Scope, *, today: date) -> ScopeSummary:
    first, last = last_days(today, RECENT_DAYS)
    scoped = in_scope(scope, Contact.org_id, Contact.region_id)
    contacts = select(func.count()).select_from(Contact).where(scoped).scalar_subquery()
    active = select(func.count()).select_from(Contact).where(scoped, Contact.is_active).scalar_subquery()
    # Per group, does one active member in scope exist: a few index probes per group, where
    # counting distinct groups over every membership sorted ~330,000 rows at the national tier.
    groups = (
        select(func.count())
        .select_from(ReporterGroup)
        .where(ReporterGroup.org_id == scope.org_id, ReporterGroup.is_active, exists(
            select(contact_reporter_groups.c.contact_id)
            .join(Contact, Contact.id == contact_reporter_groups.c.contact_id)
            .where(contact_reporter_groups.c.reporter_group_id == ReporterGroup.id, scoped, Contact.is_active)
        ))
        .scalar_subquery()
    )
    responses = (
        select(func.coalesce(total(started_days.c.responses), 0))
        .where(in_scope(scope, started_days.c.org_id, started_days.c.region_id),
               started_days.c.day.between(first, last))
        .scalar_subquery()
    )
    row = session.execute(select(contacts, active, groups, responses)).one()
    return ScopeSummary(*row)
