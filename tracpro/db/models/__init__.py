"""Every model, imported here so the metadata is complete wherever models are used."""

from tracpro.db.models.audit import AuditEvent, AuditKind
from tracpro.db.models.baseline import BaselineTerm
from tracpro.db.models.contacts import Contact, contact_reporter_groups
from tracpro.db.models.groups import Boundary, ContactGroup, Region, ReporterGroup
from tracpro.db.models.logins import LoginRecord, ProviderSignIn
from tracpro.db.models.messages import (
    Audience,
    Direction,
    InboxMessage,
    Message,
    MessageStatus,
    message_recipients,
)
from tracpro.db.models.orgs import DataField, FieldType, Org, SameDayMode
from tracpro.db.models.polls import FlowStart, Poll, PollRun, PollRunType, Question, QuestionType
from tracpro.db.models.responses import Answer, Response, ResponseStatus
from tracpro.db.models.summaries import (
    activity_channel_totals,
    activity_days,
    activity_group_days,
    activity_group_totals,
    activity_language_totals,
    activity_region_totals,
    pollrun_region_counts,
    started_days,
    summary_inputs,
)
from tracpro.db.models.sync import MalformedItem, OutboxAction, OutboxStatus, SyncRequest, SyncRequestStatus, SyncState
from tracpro.db.models.users import Membership, Role, User, membership_regions

__all__ = [
    "Answer",
    "Audience",
    "AuditEvent",
    "AuditKind",
    "BaselineTerm",
    "Boundary",
    "Contact",
    "ContactGroup",
    "DataField",
    "Direction",
    "FieldType",
    "FlowStart",
    "InboxMessage",
    "LoginRecord",
    "ProviderSignIn",
    "MalformedItem",
    "Membership",
    "Role",
    "Message",
    "MessageStatus",
    "OutboxAction",
    "OutboxStatus",
    "Org",
    "Poll",
    "PollRun",
    "PollRunType",
    "Question",
    "QuestionType",
    "Region",
    "ReporterGroup",
    "Response",
    "ResponseStatus",
    "SameDayMode",
    "SyncRequest",
    "SyncRequestStatus",
    "SyncState",
    "User",
    "activity_channel_totals",
    "activity_days",
    "activity_group_days",
    "activity_group_totals",
    "activity_language_totals",
    "activity_region_totals",
    "contact_reporter_groups",
    "membership_regions",
    "pollrun_region_counts",
    "started_days",
    "summary_inputs",
    "message_recipients",
]
