"""How the org's sync stands, for its administrators: per RapidPro resource the last pass, its
counts and error, the items kept aside as unreadable, a pass under way with how far it has got
(what is stored of what RapidPro reports) and roughly when it will be done; the org's backoff;
the latest sync requests, each with its outcome in the viewer's words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracpro.auth.scope import Scope
from tracpro.db.models import MalformedItem, Org, Poll, SyncRequest, SyncRequestStatus, SyncState, User
from tracpro.i18n import N_, _, format_number, ngettext
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
    "outbox": N_("Outbox"), "runs": N_("Runs"), "group_members": N_("Group members"),
}
# How a requested sync ended (tracpro.sync.runner.OrgStatus values), as its outcome's first sentence.
OUTCOME_HEADS = {
    "synced": N_("{org} synced."),
    "partly synced": N_("{org} partly synced."),
    "failed": N_("{org} could not be synced: {reason}"),
    "busy": N_("{org} was being synced by another sync job at the time: this one did nothing."),
    "backing off": N_("{org} failed to sync recently: the sync waits a while before it tries again."),
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


def outcome_words(org: str, status: str, message: str | None, outcome: Mapping[str, Any] | None,
                  polls: dict[str, str]) -> str:
    """A sync request's outcome in the viewer's language, the org by its name. Requests whose sync
    kept no outcome (stored before it did, or failed before the sync could say) show their message."""
    if outcome is None or outcome.get("status") not in OUTCOME_HEADS:
        if status == SyncRequestStatus.FAILED and message:
            return _(OUTCOME_HEADS["failed"]).format(org=org, reason=message)
        return message or ""
    head = OUTCOME_HEADS[outcome["status"]]
    sentences = [_(head).format(org=org, reason=outcome.get("reason") or "")]
    if outcome["status"] in ("synced", "partly synced"):
        changes = [_("{resource}: {created} new, {updated} updated, {deleted} deleted").format(
            resource=resource_name(name, polls), **{key: format_number(int(counts.get(key, 0)))
                                                    for key in ("created", "updated", "deleted")})
            for name, counts in (outcome.get("changes") or {}).items()]
        sentences.append(_("Changes: {changes}.").format(changes="; ".join(changes)) if changes
                         else _("Nothing new."))
    if failed := outcome.get("failed"):
        sentences.append(_("Not synced: {resources}.").format(
            resources=", ".join(resource_name(name, polls) for name in failed)))
    if unfinished := outcome.get("unfinished"):
        sentences.append(_("Goes on with the next run: {resources}.").format(
            resources=", ".join(resource_name(name, polls) for name in unfinished)))
    if kept_aside := int(outcome.get("kept_aside") or 0):
        sentences.append(ngettext(
            "{count} item RapidPro sent could not be read. It is kept aside and read again at every sync.",
            "{count} items RapidPro sent could not be read. They are kept aside and read again at every sync.",
            kept_aside).format(count=format_number(kept_aside)))
    return " ".join(sentences)


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
        select(SyncRequest.created_at, User.name, SyncRequest.days, SyncRequest.status, SyncRequest.message,
               SyncRequest.outcome)
        .outerjoin(User, User.id == SyncRequest.requested_by_id)
        .where(SyncRequest.org_id == scope.org_id).order_by(SyncRequest.id.desc()).limit(10)
    ).all()
    org_name = session.get_one(Org, scope.org_id).name
    return OrgSyncStatus(
        local(org.last_success_at) if org else None, org.last_error if org else None,
        org.failure_count if org else 0, local(org.next_allowed_at) if org else None,
        pd.DataFrame(rows, columns=COLUMNS),
        pd.DataFrame([(local(at), by or "", days or "", status.value,
                       outcome_words(org_name, status, message, outcome, polls))
                      for at, by, days, status, message, outcome in requests],
                     columns=["Asked at", "By", "Older runs (days)", "Status", "Outcome"]),
        unreadable=sum(unreadable.values()),
        finish_estimate=local(finish([state for state in states if state.resource != ORG_RESOURCE],
                                     catch_up(org), now)),
    )
