"""The sync job's memory (state per org and resource) and the outbox of actions for RapidPro."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from tracpro.db.base import Base, bigintpk, created_at, json_dict, str_enum, updated_at


class SyncState(Base):
    """Where the sync of one resource of one org stands (the contract is tracpro.sync.state's).

    For a resource walked in pages, `watermark` is the largest `modified_on` any completed pass
    committed: the next pass starts a margin before it, so every pass re-reads an overlap. The
    pass under way covers (pass_after, pass_started_at]; `pass_position` (the largest
    `modified_on` it committed) is written with each page, so a killed pass resumes there.
    """

    __tablename__ = "sync_states"

    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True)
    # "fields", "groups", "contacts", "runs:<flow uuid>", ...
    resource: Mapped[str] = mapped_column(String(100), primary_key=True)
    watermark: Mapped[datetime | None]
    # Where the pass under way began: the `after` it asked from, or (a pass from the beginning)
    # the first modified_on it read; only its progress is measured from it.
    pass_after: Mapped[datetime | None]
    # The pass's start by the job's clock, and the `before` of every query it makes.
    pass_started_at: Mapped[datetime | None]
    # The largest modified_on the pass under way has committed: it resumes from there (inclusive).
    pass_position: Mapped[datetime | None]
    # RapidPro's cursor into items that all share pass_position, when more of them than a page
    # was being read (the only way through them); None otherwise.
    resume_cursor: Mapped[str | None] = mapped_column(Text)
    # Counts of the pass under way, kept across a resume: {"created": n, "updated": n, ...}.
    pass_counts: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    # Items of this resource stored by every pass so far (each counted once, when created), and
    # how many RapidPro says it holds when it says so (runs: the flow's run counts).
    stored_total: Mapped[int] = mapped_column(BigInteger, server_default="0")
    expected_total: Mapped[int | None] = mapped_column(BigInteger)
    # What a resource remembers between passes besides its window and cursor. For "archives": per
    # poll, from when its runs are still to be read from RapidPro's archives, and the days read.
    details: Mapped[json_dict]
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_counts: Mapped[json_dict]
    last_error: Mapped[str | None] = mapped_column(Text)
    failure_count: Mapped[int] = mapped_column(server_default="0")
    # After failures the org backs off: 30 minutes doubling, capped at a day.
    next_allowed_at: Mapped[datetime | None]
    updated_at: Mapped[updated_at]


class MalformedItem(Base):
    """An item RapidPro sent that TracPro could not read, kept aside until it can.

    Kept per org and sync resource under its key (its uuid, or another identifier it carries, or
    a digest of its text when nothing can be read); retried by every pass until it reads, is read
    fine by a walk, or RapidPro no longer has it.
    """

    __tablename__ = "malformed_items"
    __table_args__ = (UniqueConstraint("org_id", "resource", "item_key"),)

    id: Mapped[bigintpk]
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"))
    resource: Mapped[str] = mapped_column(String(100))
    item_key: Mapped[str] = mapped_column(String(100))
    # The uuid RapidPro can be asked for it by; None when the item carries none that reads.
    uuid: Mapped[str | None] = mapped_column(String(36))
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    reason: Mapped[str] = mapped_column(Text)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    # Times it was read and could not be (the first one included).
    attempts: Mapped[int] = mapped_column(server_default="1")


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # stored, not yet accepted by RapidPro (retried by the sync job)
    SENDING = "sending"  # a push is under way
    # Sent, and RapidPro's answer was lost (a timeout, a dropped connection, a 5xx): it may have
    # acted. Looked up in RapidPro before it is ever sent again.
    MAYBE_SENT = "maybe_sent"
    DONE = "done"  # RapidPro accepted it
    FAILED = "failed"  # RapidPro rejected it; `last_error` says why


class OutboxAction(Base):
    """A change for RapidPro (start a flow, send a message, write a contact), stored before it is sent."""

    __tablename__ = "outbox_actions"
    __table_args__ = (Index("ix_outbox_actions_org_id_status", "org_id", "status"),)

    id: Mapped[bigintpk]
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"))
    # "start_flow", "send_broadcast", "create_contact", "update_contact", "delete_contact", ...
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[json_dict]
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus, "outbox_status"), server_default=OutboxStatus.PENDING.value
    )
    attempts: Mapped[int] = mapped_column(server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    # What RapidPro answered when it accepted the action (e.g. the flow start's uuid).
    result: Mapped[json_dict]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
    completed_at: Mapped[datetime | None]


class SyncRequestStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class SyncRequest(Base):
    """An admin's "Sync now" or "Fetch older runs": the sync job honours it on its next round."""

    __tablename__ = "sync_requests"
    __table_args__ = (Index("ix_sync_requests_status_org_id", "status", "org_id"),)

    id: Mapped[bigintpk]
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"))
    # Fetch runs of active polls from this many days back too; None for a plain sync.
    days: Mapped[int | None]
    status: Mapped[SyncRequestStatus] = mapped_column(
        str_enum(SyncRequestStatus, "sync_request_status"), server_default=SyncRequestStatus.PENDING.value
    )
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # The sync's one-line outcome for the logs (English, the org by its slug), or why it failed.
    message: Mapped[str | None] = mapped_column(Text)
    # The same outcome as data (tracpro.sync.runner.OrgOutcome.as_details), which the Sync page
    # words in the viewer's language; None for a request that failed before the sync could say.
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
