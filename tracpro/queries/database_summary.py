"""What the database holds, across the whole deployment (not org data: no scope applies)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from tracpro.db import models
from tracpro.i18n import N_

# (label shown, model counted), in the order a reader meets them; the page translates the labels.
COUNTED = (
    (N_("Organisations"), models.Org),
    (N_("Users"), models.User),
    (N_("Regions"), models.Region),
    (N_("Reporter groups"), models.ReporterGroup),
    (N_("Contacts"), models.Contact),
    (N_("Polls"), models.Poll),
    (N_("Questions"), models.Question),
    (N_("Poll dates"), models.PollRun),
    (N_("Responses"), models.Response),
    (N_("Answers"), models.Answer),
    (N_("Messages sent"), models.Message),
    (N_("Inbox messages"), models.InboxMessage),
)


@dataclass(frozen=True)
class OrgLine:
    name: str
    slug: str
    timezone: str
    is_active: bool


@dataclass(frozen=True)
class DatabaseSummary:
    server_version: str
    database: str
    counts: tuple[tuple[str, int], ...]
    orgs: tuple[OrgLine, ...]

    @property
    def is_empty(self) -> bool:
        return not self.orgs


def database_summary(session: Session) -> DatabaseSummary:
    server_version = session.execute(text("SHOW server_version")).scalar_one()
    database = session.execute(text("SELECT current_database()")).scalar_one()
    counts = tuple(
        (label, session.execute(select(func.count()).select_from(model)).scalar_one())
        for label, model in COUNTED
    )
    orgs = tuple(
        OrgLine(org.name, org.slug, org.timezone, org.is_active)
        for org in session.scalars(select(models.Org).order_by(func.lower(models.Org.name)))
    )
    return DatabaseSummary(server_version.split()[0], database, counts, orgs)
