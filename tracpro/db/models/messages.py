"""Messages TracPro sends (to a pollrun's participants) and the org's inbox as synced from RapidPro."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracpro.db.base import (
    Base,
    bigintpk,
    bool_false,
    created_at,
    org_fk,
    rapidpro_uuid,
    str_enum,
    updated_at,
)
from tracpro.db.models.contacts import Contact


class Audience(enum.StrEnum):
    ALL = "all"  # every participant of the pollrun
    RESPONDENTS = "respondents"  # complete responses
    NON_RESPONDENTS = "non_respondents"  # empty or partial responses
    CONTACT = "contact"  # one contact (an inbox reply)


class MessageStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


message_recipients = Table(
    "message_recipients",
    Base.metadata,
    Column("message_id", BigInteger, ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[bigintpk]
    org_id: Mapped[org_fk]
    text: Mapped[str] = mapped_column(String(640))
    pollrun_id: Mapped[int | None] = mapped_column(ForeignKey("pollruns.id", ondelete="SET NULL"), index=True)
    audience: Mapped[Audience] = mapped_column(str_enum(Audience, "audience"))
    # The region the sender had selected; None means all regions.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="SET NULL"))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[MessageStatus] = mapped_column(
        str_enum(MessageStatus, "message_status"), server_default=MessageStatus.PENDING.value
    )
    outbox_action_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("outbox_actions.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    recipients: Mapped[list[Contact]] = relationship(secondary=message_recipients)


class Direction(enum.StrEnum):
    IN = "in"
    OUT = "out"


class InboxMessage(Base):
    """A message of the org's RapidPro inbox (incoming, not handled by a flow) or a reply to one.

    RapidPro names a message by its `uuid`; a self-hosted v9 server gives none, only an integer
    id, which is then stored as `rapidpro_id`. Every message has one or the other.
    """

    __tablename__ = "inbox_messages"
    __table_args__ = (
        UniqueConstraint("org_id", "uuid"),
        UniqueConstraint("org_id", "rapidpro_id"),
        CheckConstraint("uuid IS NOT NULL OR rapidpro_id IS NOT NULL", name="named"),
    )

    id: Mapped[bigintpk]
    org_id: Mapped[org_fk]
    uuid: Mapped[rapidpro_uuid | None]
    rapidpro_id: Mapped[int | None] = mapped_column(BigInteger)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, server_default="")
    direction: Mapped[Direction] = mapped_column(str_enum(Direction, "direction"))
    status: Mapped[str] = mapped_column(String(16), server_default="")
    archived: Mapped[bool_false]
    created_on: Mapped[datetime]
    sent_on: Mapped[datetime | None]

    contact: Mapped[Contact] = relationship()
