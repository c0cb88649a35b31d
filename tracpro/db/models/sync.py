"""The sync job's memory (state per org and resource) and the outbox of actions for RapidPro."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from tracpro.db.base import Base, bigintpk, created_at, json_dict, str_enum, updated_at


class SyncState(Base):
    """Where the sync of one resource of one org stands.

    The watermark is the start time of the last pass that completed; the next pass asks
    RapidPro for changes since then. While a pass is under way, `pass_started_at` fixes its
    upper bound and `resume_cursor` is committed with each page, so a killed pass resumes
    where it stopped.
    """

    __tablename__ = "sync_states"

    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True)
    # "fields", "groups", "contacts", "runs:<flow uuid>", ...
    resource: Mapped[str] = mapped_column(String(100), primary_key=True)
    watermark: Mapped[datetime | None]
    # The window of the pass under way, (pass_after, pass_started_at]: a resumed pass must ask
    # with exactly the filters its cursor was made with.
    pass_after: Mapped[datetime | None]
    pass_started_at: Mapped[datetime | None]
    resume_cursor: Mapped[str | None] = mapped_column(Text)
    # Counts of the pass under way, kept across a resume: {"created": n, "updated": n, ...}.
    pass_counts: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
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
    # The sync's one-line outcome, or why it failed.
    message: Mapped[str | None] = mapped_column(Text)
