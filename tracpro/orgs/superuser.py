"""Orgs as a superuser manages them: list, create, deactivate and reactivate.

A deactivated org keeps all its data; it disappears from every user's org list and the sync
job skips it, until a superuser reactivates it. Editing an org's settings is orgs.settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import available_timezones

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracpro.db.models import Contact, Membership, Org, Poll
from tracpro.forms import REQUIRED, FormErrors, text_problem
from tracpro.i18n import _
from tracpro.orgs.connection import encrypted_token, host_problem

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
MAX_NAME = 255


@dataclass(frozen=True)
class NewOrg:
    name: str | None
    slug: str | None
    timezone: str | None = "UTC"
    rapidpro_host: str | None = ""
    rapidpro_token: str | None = ""


def org_overview(session: Session) -> pd.DataFrame:
    """Every org, active first, with how many members, polls and contacts it has."""
    members = select(func.count()).where(Membership.org_id == Org.id).scalar_subquery()
    polls = select(func.count()).where(Poll.org_id == Org.id, Poll.is_active).scalar_subquery()
    contacts = select(func.count()).where(Contact.org_id == Org.id, Contact.is_active).scalar_subquery()
    rows = session.execute(
        select(Org.id, Org.name, Org.slug, Org.timezone, Org.rapidpro_host, Org.is_active, members, polls, contacts)
        .order_by(Org.is_active.desc(), func.lower(Org.name), Org.id)
    ).all()
    return pd.DataFrame(
        [[*row[:5], "Active" if row[5] else "Deactivated", *row[6:]] for row in rows],
        columns=["org_id", "Name", "Slug", "Timezone", "RapidPro host", "Status", "Members", "Polls", "Contacts"],
    )


def create_org(session: Session, draft: NewOrg) -> Org:
    """A new, active org; raises FormErrors with every problem in words and creates nothing."""
    errors: dict[str, list[str]] = {}
    name, slug = (draft.name or "").strip(), (draft.slug or "").strip()
    if problem := text_problem(name, max_length=MAX_NAME):
        errors["name"] = [problem]
    if not slug:
        errors["slug"] = [_(REQUIRED)]
    elif not SLUG.match(slug):
        errors["slug"] = [_("Use lowercase letters, digits and hyphens (at most 64), such as “unicef-rwanda”.")]
    elif session.scalar(select(Org.id).where(Org.slug == slug)) is not None:
        errors["slug"] = [_("Another org already uses this short name.")]
    if (draft.timezone or "") not in available_timezones():
        errors["timezone"] = [_("Select a valid timezone.")]
    host = (draft.rapidpro_host or "").strip()
    if host and (problem := host_problem(host)):
        errors["rapidpro_host"] = [problem]
    if problem := text_problem(draft.rapidpro_token, required=False, max_length=255):
        errors["rapidpro_token"] = [problem]
    if errors:
        raise FormErrors(errors)
    org = Org(name=name, slug=slug, timezone=draft.timezone, rapidpro_host=host,
              rapidpro_token_encrypted=encrypted_token(draft.rapidpro_token or ""), available_languages=["en"],
              language="en")
    session.add(org)
    session.flush()
    return org


def set_org_active(session: Session, org_id: int, active: bool) -> Org:
    org = session.get(Org, org_id)
    if org is None:
        raise FormErrors({"org": [_("This org does not exist.")]})
    org.is_active = active
    session.flush()
    return org
