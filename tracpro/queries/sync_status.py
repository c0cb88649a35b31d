"""How the org's sync stands, for its administrators: per RapidPro resource the last pass, its
counts and error, the items kept aside as unreadable, a pass under way with how far it has got
(what is stored of what RapidPro reports) and roughly when it will be done; the org's backoff;
the latest sync requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracpro.auth.scope import Scope
from tracpro.db.models import MalformedItem, Poll, SyncRequest, SyncState, User
from tracpro.i18n import N_, _
from tracpro.queries.poll_base import org_timezone
from tracpro.queries.registry import read_model
from tracpro.sync.estimate import finish, progress
from tracpro.sync.state import ORG_RESOURCE, catch_up

COUNTS = ("created", "updated", "deleted", "unchanged")
COLUMNS = ["Resource", "Last success", *[key.capitalize() for key in COUNTS], "Unreadable", "Failures", "Last error",
           "Under way", "Fetched", "RapidPro reports", "Progress"]
# The resources the sync job walks (tracpro.sync.runner), as the page names them.
RESOURCE_NAMES = {
    "fields": N_("Fields"), "groups": N_("Groups"), "boundaries": N_("Boundaries"), "contacts": N_("Contacts"),
    "flows": N_("Flows"), "archives": N_("Archived runs"), "summaries": N_("Summaries"), "inbox": N_("Inbox"),
    "outbox": N_("Outbox"),
}


def resource_name(resource: str, polls: dict[str, str]) -> str:
    """A SyncState resource in words, in the viewer's language ("runs:<flow>": the poll's runs)."""
    kind, _colon, flow = resource.partition(":")
    if kind == "runs":
        return _("Runs of {poll}").format(poll=polls.get(flow, flow))
    if kind == "questions" and flow:
        return _("Questions of {poll}").format(poll=polls.get(flow, flow))
    if resource in RESOURCE_NAMES:
        return _(RESOURCE_NAMES[resource])
    return resource.replace("_", " ").capitalize()


@dataclass(frozen=True)
class OrgSyncStatus:
    last_success: datetime | None
    last_error: str | None
    failures: int
    next_allowed: datetime | None  # while backing off after failures
    resources: pd.DataFrame
    requests: pd.DataFrame
    # Items RapidPro sent that could not be read, kept aside and tried again by every pass until
    # they go: counted from the table, so the count never resets while they are there.
    unreadable: int = 0
    # When every pass under way should be done at the sync's pace so far (tracpro.sync.estimate);
    # None when none is under way, or there is no pace yet.
    finish_estimate: datetime | None = None


@read_model(region_independent=True)
def sync_status(session: Session, scope: Scope, now: datetime) -> OrgSyncStatus:
    """The status at `now` (the estimates' present)."""
    zone = org_timezone(session, scope)

    def local(moment: datetime | None):
        return moment.astimezone(zone).replace(tzinfo=None) if moment else None

    polls = dict(session.execute(select(Poll.flow_uuid, Poll.name).where(Poll.org_id == scope.org_id)).all())
    states = session.scalars(select(SyncState).where(SyncState.org_id == scope.org_id)
                             .order_by(SyncState.resource)).all()
    org = next((state for state in states if state.resource == ORG_RESOURCE), None)
    unreadable = dict(session.execute(
        select(MalformedItem.resource, func.count()).where(MalformedItem.org_id == scope.org_id)
        .group_by(MalformedItem.resource)).all())
    rows = []
    for state in states:
        if state.resource == ORG_RESOURCE:
            continue
        name = resource_name(state.resource, polls)
        counts = state.last_counts or {}
        rows.append({"Resource": name, "Last success": local(state.last_success_at),
                     **{key.capitalize(): counts.get(key, 0) for key in COUNTS},
                     "Unreadable": unreadable.get(state.resource, 0),
                     "Failures": state.failure_count, "Last error": state.last_error or "",
                     "Under way": state.pass_started_at is not None,
                     "Fetched": state.stored_total, "RapidPro reports": state.expected_total,
                     "Progress": progress(state)})
    requests = session.execute(
        select(SyncRequest.created_at, User.name, SyncRequest.days, SyncRequest.status, SyncRequest.message)
        .outerjoin(User, User.id == SyncRequest.requested_by_id)
        .where(SyncRequest.org_id == scope.org_id).order_by(SyncRequest.id.desc()).limit(10)
    ).all()
    return OrgSyncStatus(
        local(org.last_success_at) if org else None, org.last_error if org else None,
        org.failure_count if org else 0, local(org.next_allowed_at) if org else None,
        pd.DataFrame(rows, columns=COLUMNS),
        pd.DataFrame([(local(at), by or "", days or "", status.value, message or "")
                      for at, by, days, status, message in requests],
                     columns=["Asked at", "By", "Older runs (days)", "Status", "Outcome"]),
        unreadable=sum(unreadable.values()),
        finish_estimate=local(finish([state for state in states if state.resource != ORG_RESOURCE],
                                     catch_up(org), now)),
    )
