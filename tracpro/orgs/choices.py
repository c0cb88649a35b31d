"""What the settings pages show and offer, read from what the last sync stored: pages never ask
RapidPro: only the sync job reads RapidPro's data.

These are an org administrator's views of the org as a whole, not of a region, so they take
the org id rather than a Scope; the pages that call them require the administrator role.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracpro.db.models import (
    Boundary,
    Contact,
    ContactGroup,
    DataField,
    Org,
    Poll,
    Question,
    QuestionType,
    Region,
    ReporterGroup,
    SameDayMode,
)
from tracpro.db.models.contacts import contact_reporter_groups
from tracpro.db.token_cipher import TokenKeyError, decrypt_token
from tracpro.i18n import _, format_number
from tracpro.orgs.connection import cannot_store_tokens
from tracpro.orgs.region_tree import region_options

MASK = "•" * 8
SHOWN_TOKEN_CHARACTERS = 4


def mask_token(token: str | None) -> str:
    """Enough of a token to recognise it, never enough to use: bullets and its last characters
    (only bullets for a short token, where four characters would give away too much)."""
    if not token:
        return ""
    return MASK + token[-SHOWN_TOKEN_CHARACTERS:] if len(token) >= 12 else MASK


@dataclass(frozen=True)
class FieldChoice:
    key: str
    label: str
    is_visible: bool


@dataclass(frozen=True)
class CurrentSettings:
    """The org's settings as the form starts from. The token is only ever here masked."""

    name: str
    timezone: str
    language: str
    available_languages: tuple[str, ...]
    rapidpro_host: str
    masked_token: str
    sameday_mode: SameDayMode
    show_spoof_data: bool
    logo: bytes | None
    logo_content_type: str | None
    fields: tuple[FieldChoice, ...]
    # Why the saved token cannot be read (no key, or not the key it was encrypted with), if so.
    token_problem: str | None = None


def current_settings(session: Session, org_id: int) -> CurrentSettings:
    org = session.get_one(Org, org_id)
    fields = session.execute(
        select(DataField.key, DataField.label, DataField.is_visible)
        .where(DataField.org_id == org_id, DataField.is_active)
        .order_by(func.lower(DataField.label), DataField.key)
    ).all()
    try:
        masked, problem = mask_token(decrypt_token(org.rapidpro_token_encrypted)), None
    except TokenKeyError as error:  # a token is saved, unreadable: the form says so and takes a new one
        masked, problem = MASK, cannot_store_tokens(error)
    return CurrentSettings(
        org.name, org.timezone, org.language, tuple(org.available_languages), org.rapidpro_host,
        masked, org.sameday_mode, org.show_spoof_data, org.logo, org.logo_content_type,
        tuple(FieldChoice(*row) for row in fields), problem,
    )


@dataclass(frozen=True)
class FlowChoice:
    flow_uuid: str
    name: str
    rapidpro_name: str
    is_active: bool
    is_archived: bool
    questions: int


def flow_choices(session: Session, org_id: int) -> list[FlowChoice]:
    """Every flow the last sync listed, by RapidPro name (case-insensitive), as Select Flows shows them."""
    questions = select(func.count()).where(Question.poll_id == Poll.id).scalar_subquery()
    rows = session.execute(
        select(Poll.flow_uuid, Poll.name, Poll.rapidpro_name, Poll.is_active, Poll.is_archived, questions)
        .where(Poll.org_id == org_id)
        .order_by(func.lower(Poll.rapidpro_name), Poll.id)
    ).all()
    return [FlowChoice(*row) for row in rows]


@dataclass(frozen=True)
class QuestionForEdit:
    id: int
    rapidpro_name: str
    custom_name: str | None
    question_type: QuestionType
    is_active: bool


@dataclass(frozen=True)
class PollForEdit:
    id: int
    rapidpro_name: str
    custom_name: str | None
    questions: tuple[QuestionForEdit, ...]

    @property
    def name(self) -> str:
        return self.custom_name or self.rapidpro_name


def polls_for_edit(session: Session, org_id: int) -> list[PollForEdit]:
    """The org's active polls with all their questions (shown or not), by name."""
    polls = session.scalars(
        select(Poll).where(Poll.org_id == org_id, Poll.is_active).order_by(func.lower(Poll.name), Poll.id)
    ).all()
    return [
        PollForEdit(
            poll.id, poll.rapidpro_name, poll.custom_name,
            tuple(QuestionForEdit(q.id, q.rapidpro_name, q.custom_name, q.question_type, q.is_active)
                  for q in poll.questions),
        )
        for poll in polls
    ]


@dataclass(frozen=True)
class GroupChoice:
    uuid: str
    name: str
    contact_count: int

    @property
    def label(self) -> str:
        """The group with RapidPro's count of its members (all of them: stopped and blocked contacts,
        and contacts TracPro places in a deeper region, too), said to be RapidPro's: TracPro's own
        counts of a region's contacts, on the same page, are smaller."""
        return _("{name} ({count} in RapidPro)").format(name=self.name, count=format_number(self.contact_count))


def group_choices(session: Session, org_id: int) -> list[GroupChoice]:
    """The RapidPro groups an admin may track (RapidPro's own system groups left out), by name."""
    rows = session.execute(
        select(ContactGroup.uuid, ContactGroup.name, ContactGroup.contact_count)
        .where(ContactGroup.org_id == org_id, ContactGroup.is_active, ContactGroup.is_system.is_(False))
        .order_by(func.lower(ContactGroup.name), ContactGroup.uuid)
    ).all()
    return [GroupChoice(*row) for row in rows]


@dataclass(frozen=True)
class RegionRow:
    id: int
    uuid: str
    name: str
    depth: int
    parent_id: int | None
    boundary_id: int | None
    boundary_name: str | None
    contacts: int


def region_tree(session: Session, org_id: int) -> list[RegionRow]:
    """The active regions depth-first (siblings by name), with boundary and active contacts."""
    contacts = (
        select(func.count()).where(Contact.region_id == Region.id, Contact.is_active).scalar_subquery()
    )
    rows = {
        row.id: row
        for row in session.execute(
            select(Region.id, Region.uuid, Region.name, Region.parent_id, Region.boundary_id,
                   Boundary.name.label("boundary_name"), contacts.label("contacts"))
            .outerjoin(Boundary, Boundary.id == Region.boundary_id)
            .where(Region.org_id == org_id, Region.is_active)
        )
    }
    return [
        RegionRow(option.id, rows[option.id].uuid, option.name, option.depth, rows[option.id].parent_id,
                  rows[option.id].boundary_id, rows[option.id].boundary_name, rows[option.id].contacts)
        for option in region_options(session, org_id)
    ]


@dataclass(frozen=True)
class BoundaryChoice:
    id: int
    name: str
    level: int


def boundary_choices(session: Session, org_id: int) -> list[BoundaryChoice]:
    """The org's boundaries by name (case-insensitive), as the region editor offers them."""
    rows = session.execute(
        select(Boundary.id, Boundary.name, Boundary.level)
        .where(Boundary.org_id == org_id)
        .order_by(func.lower(Boundary.name), Boundary.id)
    ).all()
    return [BoundaryChoice(*row) for row in rows]


@dataclass(frozen=True)
class ReporterGroupRow:
    uuid: str
    name: str
    contacts: int


def tracked_reporter_groups(session: Session, org_id: int) -> list[ReporterGroupRow]:
    """The active reporter groups by name, with how many active contacts each holds."""
    contacts = (
        select(func.count())
        .select_from(contact_reporter_groups.join(Contact, Contact.id == contact_reporter_groups.c.contact_id))
        .where(contact_reporter_groups.c.reporter_group_id == ReporterGroup.id, Contact.is_active)
        .scalar_subquery()
    )
    rows = session.execute(
        select(ReporterGroup.uuid, ReporterGroup.name, contacts)
        .where(ReporterGroup.org_id == org_id, ReporterGroup.is_active)
        .order_by(func.lower(ReporterGroup.name), ReporterGroup.id)
    ).all()
    return [ReporterGroupRow(*row) for row in rows]
