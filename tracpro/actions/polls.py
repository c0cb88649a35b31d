"""Starting a poll for a region, and restarting its non-respondents (the contacts in view whose
response is empty or partial; the original TracPro's restart never worked).

Both store their RapidPro flow starts in the outbox, at most 100 contacts each (one request,
tracpro.outbox.repeats), and return the actions so the page can try them at once; the sync job
retries what is left. The pollrun of a start exists at once; runs whose `start` is one of its
flow starts join it as they arrive.

Both are writes of anyone working in the org, on what their scope shows: a region of theirs, a
poll date they may open (the read models' rule, pollrun_visible). Starting the same flow again
within minutes for contacts who all had it is a repeat, refused with RepeatedSend until the
person confirms it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracpro.audit.trail import record
from tracpro.auth.actor import Actor, NotAllowed
from tracpro.auth.scope import Scope, pollrun_visible, subtree_ids
from tracpro.auth.writes import Allowed, write
from tracpro.db.models import Contact, Org, OutboxAction, Poll, PollRun, PollRunType, Region, Response, ResponseStatus
from tracpro.db.models.audit import AuditKind
from tracpro.i18n import _
from tracpro.outbox.handlers import MAX_CONTACTS
from tracpro.outbox.repeats import check_repeat


class ActionRefused(ValueError):
    """The action cannot be done as asked; the message says why in words. Nothing was stored.
    (What the actor may not act on at all is refused with NotAllowed.)"""


def visible_pollrun(session: Session, scope: Scope, pollrun_id: int) -> PollRun:
    """A poll date of an active poll that the scope shows; NotAllowed for any other."""
    pollrun = session.scalars(select(PollRun).where(PollRun.id == pollrun_id, pollrun_visible(scope))).first()
    if pollrun is None or not pollrun.poll.is_active:
        raise NotAllowed(_("This poll date does not exist, or you may not see it."))
    return pollrun


def flow_start_actions(org_id: int, user_id: int | None, flow_uuid: str, pollrun_id: int,
                       contact_uuids: Sequence[str], now: datetime) -> list[OutboxAction]:
    """One start_flow action per 100 contacts (RapidPro's limit per flow start), each with a
    reference of its own that its flow start carries (so a start whose answer was lost is found),
    all of one request."""
    request = str(uuid.uuid4())
    return [
        OutboxAction(org_id=org_id, kind="start_flow", created_by_id=user_id, created_at=now,
                     payload={"flow": flow_uuid, "contacts": list(contact_uuids[start:start + MAX_CONTACTS]),
                              "pollrun_id": pollrun_id, "ref": str(uuid.uuid4()), "request": request})
        for start in range(0, len(contact_uuids), MAX_CONTACTS)
    ]


@write(Allowed.MEMBERS)
def start_poll(session: Session, actor: Actor, poll_id: int, region_id: int, propagate: bool,
               now: datetime, repeat_of: str | None = None) -> tuple[PollRun, list[OutboxAction]]:
    """A regional pollrun (the region's own contacts) or a propagated one (its sub-regions' too),
    conducted `now`, in one of the actor's regions; RepeatedSend when it repeats a start other
    than `repeat_of`."""
    scope, user_id = actor.require_scope(), actor.user_id
    poll = session.get(Poll, poll_id)
    if poll is None or poll.org_id != scope.org_id or not poll.is_active:
        raise NotAllowed(_("Choose one of the organization's polls."))
    region = session.get(Region, region_id)
    if region is None or region.org_id != scope.org_id or not region.is_active or not scope.sees_region(region_id):
        raise NotAllowed(_("Choose one of your regions to start the poll in."))
    regions = subtree_ids(session, scope.org_id, [region_id]) if propagate else {region_id}
    contacts = list(session.scalars(
        select(Contact.uuid).where(Contact.org_id == scope.org_id, Contact.is_active, Contact.region_id.in_(regions))
        .order_by(Contact.id)
    ))
    if not contacts:
        raise ActionRefused(_("{region} has no active contacts to start the poll for.").format(region=region.name))
    check_repeat(session, scope, "start_flow", poll.flow_uuid, contacts, now, repeat_of)
    timezone = ZoneInfo(session.get_one(Org, scope.org_id).timezone)
    pollrun = PollRun(org_id=scope.org_id, poll_id=poll.id, region_id=region.id, started_by_id=user_id,
                      pollrun_type=PollRunType.PROPAGATED if propagate else PollRunType.REGIONAL,
                      conducted_on=now, conducted_date=now.astimezone(timezone).date())
    session.add(pollrun)
    session.flush()
    actions = flow_start_actions(scope.org_id, user_id, poll.flow_uuid, pollrun.id, contacts, now)
    session.add_all(actions)
    session.flush()
    record(session, AuditKind.POLL_STARTED, scope.org_id,
           {"poll": poll.name, "pollrun": pollrun.id, "region": region.name, "propagated": propagate,
            "contacts": len(contacts)}, region_id=region.id)
    return pollrun, actions


@write(Allowed.MEMBERS)
def restart_non_respondents(session: Session, actor: Actor, pollrun_id: int, now: datetime,
                            repeat_of: str | None = None) -> list[OutboxAction]:
    """Start the flow again, `now`, for the contacts in view whose response to a poll date the
    actor may open is empty or partial; RepeatedSend when it repeats a start other than `repeat_of`."""
    scope, user_id = actor.require_scope(), actor.user_id
    pollrun = visible_pollrun(session, scope, pollrun_id)
    contacts = list(session.scalars(
        select(Contact.uuid).join(Response, Response.contact_id == Contact.id)
        .where(Response.pollrun_id == pollrun.id, Response.is_active,
               Response.status.in_([ResponseStatus.EMPTY, ResponseStatus.PARTIAL]),
               Contact.is_active, Contact.region_id.is_not(None),
               *([Contact.region_id.in_(sorted(scope.region_ids))] if scope.region_ids is not None else []))
        .distinct().order_by(Contact.uuid)
    ))
    if not contacts:
        raise ActionRefused(_("Everyone in view has answered this poll date: there is no one to restart."))
    check_repeat(session, scope, "start_flow", pollrun.poll.flow_uuid, contacts, now, repeat_of)
    actions = flow_start_actions(scope.org_id, user_id, pollrun.poll.flow_uuid, pollrun.id, contacts, now)
    session.add_all(actions)
    session.flush()
    record(session, AuditKind.POLL_RESTARTED, scope.org_id,
           {"poll": pollrun.poll.name, "pollrun": pollrun.id, "contacts": len(contacts)}, region_id=pollrun.region_id)
    return actions
