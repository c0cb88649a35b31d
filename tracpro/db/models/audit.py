"""The audit trail: one row per thing someone did that an administrator may need to account for.

Rows are written by tracpro.audit in the same transaction as the change they describe, so a change
that is rolled back leaves no event, and an event is never missing for a change that was made.
They are never updated; the sync job deletes those older than the retention (TRACPRO_AUDIT_DAYS).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from tracpro.db.base import Base, bigintpk, json_dict, str_enum


class AuditKind(enum.StrEnum):
    # Signing in and out (no org: they are about a person, wherever they work).
    SIGNED_IN = "signed_in"
    SIGN_IN_FAILED = "sign_in_failed"
    LOCKED_OUT = "locked_out"  # the failure that locked the account
    SIGNED_OUT = "signed_out"
    # People, as administrators and superusers manage them.
    USER_CREATED = "user_created"
    USER_CHANGED = "user_changed"  # name, email, password, or their own language
    ROLE_CHANGED = "role_changed"
    REGIONS_CHANGED = "regions_changed"
    USER_DEACTIVATED = "user_deactivated"
    USER_REACTIVATED = "user_reactivated"
    USER_UNLOCKED = "user_unlocked"  # an administrator ended a lock before it ran out
    # An org's settings, what it tracks, its indicators.
    ORG_CREATED = "org_created"
    ORG_SETTINGS_CHANGED = "org_settings_changed"
    TOKEN_CHANGED = "token_changed"
    ORG_DEACTIVATED = "org_deactivated"
    ORG_REACTIVATED = "org_reactivated"
    INDICATOR_CHANGED = "indicator_changed"
    # The org's data: what left TracPro, what was asked of RapidPro.
    EXPORT_DOWNLOADED = "export_downloaded"
    MESSAGE_SENT = "message_sent"
    POLL_STARTED = "poll_started"
    POLL_RESTARTED = "poll_restarted"
    CONTACT_CREATED = "contact_created"
    CONTACT_EDITED = "contact_edited"
    CONTACT_DELETED = "contact_deleted"
    SYNC_REQUESTED = "sync_requested"


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        # The Audit page reads an org's events newest first; the retention deletes by age.
        Index("ix_audit_events_org_id_at", "org_id", "at"),
    )

    id: Mapped[bigintpk]
    # When, by the clock of whoever acted (the app's, the sync job's); the database's when nobody said.
    at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
    # Who: the user (None for a command run on the server, or a sign-in with an unknown email) and
    # their email as it was then, which stays when the account is changed or deleted.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    # The org the event belongs to; None for what concerns a person only (signing in and out).
    org_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"))
    # The region whose data it concerns (a contact's, a poll started there); None: the whole org.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="SET NULL"))
    kind: Mapped[AuditKind] = mapped_column(str_enum(AuditKind, "audit_kind"))
    # What was done, in plain values (names as they were, what changed from what); never a secret.
    details: Mapped[json_dict]

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.kind} by {self.email}>"
