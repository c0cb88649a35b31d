"""Contacts as pages show them: the list, one contact's details, responses and messages.

A contact is visible when it is active and its region is in the scope; any other is "not found".
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import pandas as pd
import pycountry
from babel import Locale
from sqlalchemy import and_, func, literal_column, or_, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from tracpro.auth.scope import NotFound, Scope
from tracpro.db.models import (
    Answer,
    Contact,
    DataField,
    Message,
    Poll,
    PollRun,
    Question,
    QuestionType,
    Region,
    ReporterGroup,
    Response,
    ResponseStatus,
    User,
    contact_reporter_groups,
    message_recipients,
)
from tracpro.db.search import contains
from tracpro.i18n import N_, _, current_language
from tracpro.queries.poll_base import org_timezone
from tracpro.queries.pollruns import recent_pollruns
from tracpro.queries.registry import read_model
from tracpro.queries.scope import in_scope

# Translated where they are read (the brand names stay as they are).
URN_LABELS = {"tel": N_("Phone"), "twitter": N_("Twitter handle"), "twitterid": N_("Twitter ID"),
              "whatsapp": "WhatsApp", "telegram": "Telegram", "facebook": "Facebook", "mailto": N_("Email")}


def language_name(code: str | None) -> str:
    """A contact's language (ISO 639-3, as RapidPro stores it) named in the viewer's language.

    The name people use comes from CLDR, through Babel ("swa" is "Swahili", "swahili",
    "السواحلية"); a language CLDR does not name gets ISO 639-3's, through the catalogs pycountry
    ships, whose names are a standard's ("Swahili (macrolanguage)")."""
    found = pycountry.languages.get(alpha_3=code) if code else None
    if found is None:
        return code or ""
    viewer = current_language()
    named = Locale.parse(viewer).languages
    name = named.get(getattr(found, "alpha_2", "")) or named.get(found.alpha_3)
    name = name or _iso639_names(viewer).gettext(found.name)
    return name[:1].upper() + name[1:]  # CLDR writes French names in lower case ("français")


@cache
def _iso639_names(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _visible(scope: Scope):
    return and_(in_scope(scope, Contact.org_id, Contact.region_id), Contact.is_active)


def require_contact(session: Session, scope: Scope, contact_id: int) -> Contact:
    contact = session.scalars(select(Contact).where(Contact.id == contact_id, _visible(scope))).first()
    if contact is None:
        raise NotFound(_("This contact does not exist, or you may not see it."))
    return contact


def _listed(scope: Scope, search: str):
    """What the list shows: contacts in view whose name or URN holds `search` (as tracpro.db.search reads it)."""
    return and_(_visible(scope), or_(contains(Contact.name, search), contains(Contact.urn, search)))


@read_model
def contact_count(session: Session, scope: Scope, search: str = "") -> int:
    return session.execute(select(func.count()).select_from(Contact).where(_listed(scope, search))).scalar_one()


@read_model
def contact_list(session: Session, scope: Scope, search: str = "", limit: int | None = None) -> pd.DataFrame:
    """Contacts in view, by name (the first `limit`); with a region selected, whether each completed
    the three most recent poll dates ("participation of every contact on one page").

    One statement: region and reporter groups are joined and aggregated in SQL, so a page of a
    national org's list costs a sort, not a query per contact."""
    groups = (
        select(func.string_agg(ReporterGroup.name, aggregate_order_by(literal_column("', '"), ReporterGroup.name)))
        .join(contact_reporter_groups, contact_reporter_groups.c.reporter_group_id == ReporterGroup.id)
        .where(contact_reporter_groups.c.contact_id == Contact.id, ReporterGroup.is_active)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Contact.id, Contact.name, Contact.urn, Contact.uuid, groups, Region.name)
        .outerjoin(Region, Region.id == Contact.region_id)
        .where(_listed(scope, search))
        .order_by(func.lower(Contact.name), Contact.id)
        .limit(limit)
    ).all()
    table = pd.DataFrame(
        [(id_, name or (urn or "").partition(":")[2] or uuid, (urn or "").partition(":")[2], group_names or "",
          region or "") for id_, name, urn, uuid, group_names, region in rows],
        columns=["contact_id", "Name", "URN", "Reporter groups", "Region"],
    )
    if scope.selected_region_id is None or table.empty:
        return table
    listed = table["contact_id"].tolist()
    for pollrun in recent_pollruns(session, scope, limit=3).itertuples():
        complete = set(session.scalars(select(Response.contact_id).where(
            Response.pollrun_id == pollrun.pollrun_id, Response.contact_id.in_(listed), Response.is_active,
            Response.status == ResponseStatus.COMPLETE)))
        table[f"{pollrun.poll} ({pollrun.day.isoformat()})"] = table["contact_id"].isin(complete)
    return table


@dataclass(frozen=True)
class ContactDetail:
    contact_id: int
    name: str
    urn_label: str
    urn: str
    region: str
    reporter_groups: tuple[str, ...]
    language: str
    last_response: datetime | None  # in the org's timezone
    fields: tuple[tuple[str, str], ...]  # visible fields: (label, value or "-")


@read_model
def contact_detail(session: Session, scope: Scope, contact_id: int) -> ContactDetail:
    contact = require_contact(session, scope, contact_id)
    scheme, _colon, path = (contact.urn or "").partition(":")
    last = session.scalar(select(func.max(Response.updated_on)).where(Response.contact_id == contact.id))
    fields = session.execute(
        select(DataField.key, DataField.label).where(DataField.org_id == scope.org_id, DataField.is_visible,
                                                     DataField.is_active).order_by(DataField.label)
    ).all()
    assert contact.region is not None  # an active contact is in a tracked region (Contact.region_id)
    return ContactDetail(
        contact.id, str(contact), _(URN_LABELS[scheme]) if scheme in URN_LABELS else scheme.title(), path,
        contact.region.name,
        tuple(sorted(g.name for g in contact.reporter_groups if g.is_active)), language_name(contact.language),
        last.astimezone(org_timezone(session, scope)) if last else None,
        tuple((label.title(), contact.fields.get(key) or "-") for key, label in fields),
    )


@read_model
def contact_responses(session: Session, scope: Scope, contact_id: int) -> pd.DataFrame:
    """Active responses to active polls, newest first; answers as "N. question: answer" lines
    (open questions show the value, others the category)."""
    require_contact(session, scope, contact_id)
    responses = session.execute(
        select(Response.id, Response.updated_on, PollRun.id.label("pollrun_id"), Poll.id.label("poll_id"),
               Poll.name.label("poll"))
        .join(PollRun, PollRun.id == Response.pollrun_id).join(Poll, Poll.id == PollRun.poll_id)
        .where(Response.contact_id == contact_id, Response.is_active, Poll.is_active)
        .order_by(Response.updated_on.desc())
    ).all()
    answers = session.execute(
        select(Answer.response_id, Question.order, Question.name, Question.question_type, Answer.value_to_use,
               Answer.category)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.response_id.in_([r.id for r in responses]), Question.is_active)
        .order_by(Question.order, Question.id)
    ).all()
    lines: dict[int, list[str]] = {}
    for response_id, _order, name, kind, value, category in answers:
        shown = value if kind == QuestionType.OPEN else (category or value)
        lines.setdefault(response_id, []).append(f"{len(lines.get(response_id, [])) + 1}. {name}: {shown}")
    timezone = org_timezone(session, scope)
    return pd.DataFrame(
        [[r.pollrun_id, r.updated_on.astimezone(timezone).replace(tzinfo=None), r.poll_id, r.poll,
          "\n".join(lines.get(r.id, [])) or _("No response")] for r in responses],
        columns=["pollrun_id", "Date", "poll_id", "Poll", "Answers"],
    )


@read_model
def contact_messages(session: Session, scope: Scope, contact_id: int) -> pd.DataFrame:
    """Messages TracPro sent to the contact, newest first."""
    require_contact(session, scope, contact_id)
    rows = session.execute(
        select(Message.created_at, User.name, Message.pollrun_id, Message.audience, Message.status, Message.text)
        .join(message_recipients, message_recipients.c.message_id == Message.id)
        .outerjoin(User, User.id == Message.sent_by_id)
        .where(message_recipients.c.contact_id == contact_id, Message.org_id == scope.org_id)
        .order_by(Message.created_at.desc())
    ).all()
    timezone = org_timezone(session, scope)
    return pd.DataFrame(
        [[sent.astimezone(timezone).replace(tzinfo=None), by or "", pollrun, audience.value, status.value, text]
         for sent, by, pollrun, audience, status, text in rows],
        columns=["Sent on", "Sent by", "pollrun_id", "Recipients", "Status", "Text"],
    )

