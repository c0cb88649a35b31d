"""What the action forms offer and show: the polls and regions a poll may be started in, the
recipients of a message by audience, a contact's values for its edit form, and what has become
of the actions taken on a poll date.

The choices are limited to the scope, so a form never offers what its action would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pycountry
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tracpro.actions.contact_validation import ContactInput
from tracpro.actions.messages import STATUSES
from tracpro.auth.scope import Scope
from tracpro.db.models import (
    Audience,
    Contact,
    DataField,
    FieldType,
    Message,
    Org,
    OutboxAction,
    Poll,
    Region,
    ReporterGroup,
    Response,
)
from tracpro.i18n import _
from tracpro.orgs.region_tree import region_options
from tracpro.queries.contacts import require_contact
from tracpro.queries.outbox import STATUS_WORDS, describe, requests_of
from tracpro.queries.poll_base import org_timezone
from tracpro.queries.pollrun_summary import require_pollrun
from tracpro.queries.registry import read_model


@dataclass(frozen=True)
class RegionChoice:
    id: int
    name: str
    depth: int  # in the tree shown (0 at its top)
    contacts: int  # active contacts of the region itself
    contacts_below: int  # ... and of its active sub-regions: a propagated start reaches these
    has_subregions: bool


@dataclass(frozen=True)
class StartPollChoices:
    polls: tuple[tuple[int, str], ...]  # (poll id, name), by name
    regions: tuple[RegionChoice, ...]  # the regions in view, as a tree


def _region_tree(session: Session, scope: Scope) -> tuple[RegionChoice, ...]:
    options = region_options(session, scope.org_id, scope.region_ids)
    parents = dict(session.execute(
        select(Region.id, Region.parent_id).where(Region.org_id == scope.org_id, Region.is_active)).all())
    shown = {option.id for option in options}
    # A start reaches the sub-regions of a region in view: they are the viewer's too (a region
    # grants its sub-regions), even when "Include sub-regions" is off.
    reached = set(shown)
    changed = True
    while changed:
        below = {child for child, parent in parents.items() if parent in reached} - reached
        reached |= below
        changed = bool(below)
    own = dict(session.execute(
        select(Contact.region_id, func.count()).where(
            Contact.org_id == scope.org_id, Contact.is_active, Contact.region_id.in_(sorted(reached)))
        .group_by(Contact.region_id)).all())
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        if child in reached and parent is not None:
            children.setdefault(parent, []).append(child)

    def total(region_id: int, depth: int = 0) -> int:
        if depth > 32:  # a cycle in the tree must not hang the page
            return 0
        return own.get(region_id, 0) + sum(total(child, depth + 1) for child in children.get(region_id, []))

    return tuple(RegionChoice(option.id, option.name, option.depth, own.get(option.id, 0), total(option.id),
                              bool(children.get(option.id))) for option in options)


@read_model
def start_poll_choices(session: Session, scope: Scope) -> StartPollChoices:
    """The org's active polls, and the regions in view with the contacts a start would reach."""
    polls = session.execute(
        select(Poll.id, func.coalesce(func.nullif(Poll.name, ""), Poll.rapidpro_name))
        .where(Poll.org_id == scope.org_id, Poll.is_active)
    ).all()
    ordered = tuple(sorted(((pid, name) for pid, name in polls), key=lambda poll: (poll[1].lower(), poll[0])))
    return StartPollChoices(ordered, _region_tree(session, scope))


@dataclass(frozen=True)
class ContactFormChoices:
    regions: tuple[tuple[int, str, int], ...]  # (id, name, depth): the regions in view, as a tree
    reporter_groups: tuple[tuple[int, str], ...]  # the org's active reporter groups, by name
    fields: tuple[tuple[str, str, FieldType], ...]  # the visible contact fields: (key, label, type)
    languages: tuple[tuple[str, str], ...]  # the org's languages (ISO 639-3 code, name): offered first


# The answer lists regions, reporter groups and fields themselves, never data inside a region,
# so an admin's answer does not change with a region's contacts (the scope still limits the regions).
@read_model(region_independent=True)
def contact_form_choices(session: Session, scope: Scope) -> ContactFormChoices:
    regions = tuple((option.id, option.name, option.depth)
                    for option in region_options(session, scope.org_id, scope.region_ids))
    groups = session.execute(
        select(ReporterGroup.id, ReporterGroup.name).where(ReporterGroup.org_id == scope.org_id,
                                                           ReporterGroup.is_active)
        .order_by(func.lower(ReporterGroup.name), ReporterGroup.id)
    ).all()
    fields = session.execute(
        select(DataField.key, DataField.label, DataField.value_type)
        .where(DataField.org_id == scope.org_id, DataField.is_visible, DataField.is_active)
        .order_by(func.lower(DataField.label), DataField.key)
    ).all()
    languages = []
    for code in session.get_one(Org, scope.org_id).available_languages or []:
        language = pycountry.languages.get(alpha_2=code.split("-")[0].split("_")[0].lower())
        if language is not None and hasattr(language, "alpha_3"):
            languages.append((language.alpha_3, language.name))
    return ContactFormChoices(regions, tuple((gid, name) for gid, name in groups),
                              tuple((key, label, kind) for key, label, kind in fields), tuple(languages))


@read_model
def contact_form_values(session: Session, scope: Scope, contact_id: int) -> ContactInput:
    """A contact in view as its edit form starts: what it holds now (visible fields only)."""
    contact = require_contact(session, scope, contact_id)
    scheme, _colon, path = (contact.urn or "").partition(":")
    visible = session.scalars(select(DataField.key).where(
        DataField.org_id == scope.org_id, DataField.is_visible, DataField.is_active)).all()
    return ContactInput(
        name=contact.name, urn_scheme=scheme or None, urn_path=path or None, region_id=contact.region_id,
        reporter_group_ids=tuple(sorted(g.id for g in contact.reporter_groups if g.is_active)),
        language=contact.language,
        fields={key: "" if contact.fields.get(key) is None else str(contact.fields[key]) for key in visible},
    )


@read_model
def audience_counts(session: Session, scope: Scope, pollrun_id: int) -> dict[Audience, int]:
    """How many distinct contacts in view a message to each audience of the poll date reaches:
    the same contacts tracpro.actions.messages.recipients sends it to."""
    require_pollrun(session, scope, pollrun_id)
    conditions = [Response.pollrun_id == pollrun_id, Response.is_active, Contact.org_id == scope.org_id,
                  Contact.is_active, Contact.region_id.is_not(None)]
    if scope.region_ids is not None:
        conditions.append(Contact.region_id.in_(sorted(scope.region_ids)))
    return {
        audience: session.execute(
            select(func.count(func.distinct(Contact.id))).join(Response, Response.contact_id == Contact.id)
            .where(*conditions, Response.status.in_(statuses))).scalar_one()
        for audience, statuses in STATUSES.items()
    }


@read_model
def pollrun_actions(session: Session, scope: Scope, pollrun_id: int, user_id: int) -> pd.DataFrame:
    """The flow starts and messages asked for on a poll date, newest first, one line per action a
    person took (all its recipients), with their status. As on the action list, only an admin
    (every region in view) sees other people's actions."""
    require_pollrun(session, scope, pollrun_id)
    messages = select(Message.id).where(Message.org_id == scope.org_id, Message.pollrun_id == pollrun_id)
    query = select(OutboxAction).where(OutboxAction.org_id == scope.org_id, or_(
        (OutboxAction.kind == "start_flow") & (OutboxAction.payload["pollrun_id"].as_integer() == pollrun_id),
        (OutboxAction.kind == "send_broadcast")
        & OutboxAction.payload["message_id"].as_integer().in_(messages.scalar_subquery())))
    if scope.region_ids is not None:
        query = query.where(OutboxAction.created_by_id == user_id)
    timezone = org_timezone(session, scope)
    return pd.DataFrame(
        [[request.first.id, request.first.kind, request.contacts,
          request.asked_on.astimezone(timezone).replace(tzinfo=None), request.by,
          describe(request.first, request.contacts), _(STATUS_WORDS[request.status]), request.errors]
         for request in requests_of(session, query, 100)],
        columns=["action_id", "kind", "contacts", "Asked on", "Asked by", "Action", "Status", "RapidPro said"],
    )
