"""Polls (RapidPro flows), their questions (flow results) and their dates (pollruns)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql import func

from tracpro.db.base import (
    Base,
    bool_false,
    bool_true,
    created_at,
    intpk,
    json_list,
    name_str,
    org_fk,
    rapidpro_uuid,
    str_enum,
    updated_at,
)
from tracpro.db.models.groups import Region


class Poll(Base):
    """A RapidPro flow. Every flow is listed; `is_active` marks those an admin chose as polls."""

    __tablename__ = "polls"
    __table_args__ = (UniqueConstraint("org_id", "flow_uuid"),)

    id: Mapped[intpk]
    org_id: Mapped[org_fk]
    flow_uuid: Mapped[rapidpro_uuid]
    rapidpro_name: Mapped[name_str]
    # An admin's name for the poll; None follows RapidPro's name, so renames there show up here.
    custom_name: Mapped[str | None] = mapped_column(String(255))
    flow_type: Mapped[str] = mapped_column(String(32), server_default="message")
    is_archived: Mapped[bool_false]
    is_active: Mapped[bool_false]
    created_on: Mapped[datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    questions: Mapped[list[Question]] = relationship(
        back_populates="poll", order_by="Question.order", cascade="all, delete-orphan", passive_deletes=True
    )

    @hybrid_property
    def name(self) -> str:
        return self.custom_name or self.rapidpro_name

    @name.inplace.expression
    @classmethod
    def _name_expression(cls):
        return func.coalesce(cls.custom_name, cls.rapidpro_name)


class QuestionType(enum.StrEnum):
    OPEN = "open"
    CATEGORICAL = "categorical"
    NUMERIC = "numeric"
    MENU = "menu"
    KEYPAD = "keypad"
    RECORDING = "recording"


class Question(Base):
    """One result of a flow (a router with a result name), identified by its result key."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("poll_id", "key"),)

    id: Mapped[intpk]
    org_id: Mapped[org_fk]
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    node_uuids: Mapped[json_list]
    rapidpro_name: Mapped[name_str]
    custom_name: Mapped[str | None] = mapped_column(String(255))
    question_type: Mapped[QuestionType] = mapped_column(str_enum(QuestionType, "question_type"))
    # Set when an admin chose the type: syncs then stop guessing it from the rules.
    type_is_custom: Mapped[bool_false]
    # Ordered rules, first match wins: [{"category": str, "test": {"type": "has_number_between", "arguments": [...]}}].
    rules: Mapped[json_list]
    # Category names in flow order, "Other" last.
    categories: Mapped[json_list]
    order: Mapped[int] = mapped_column(server_default="0")
    is_active: Mapped[bool_true]
    updated_at: Mapped[updated_at]

    poll: Mapped[Poll] = relationship(back_populates="questions")

    @hybrid_property
    def name(self) -> str:
        return self.custom_name or self.rapidpro_name

    @name.inplace.expression
    @classmethod
    def _name_expression(cls):
        return func.coalesce(cls.custom_name, cls.rapidpro_name)


class PollRunType(enum.StrEnum):
    UNIVERSAL = "universal"  # runs started in RapidPro, one pollrun per poll per org-local day
    REGIONAL = "regional"  # started from TracPro for one region
    PROPAGATED = "propagated"  # started from TracPro for a region and its sub-regions
    SPOOFED = "spoofed"  # generated test data for indicators


class PollRun(Base):
    """One date of a poll."""

    __tablename__ = "pollruns"
    __table_args__ = (
        # One universal pollrun per poll per org-local day; the sync relies on this to upsert.
        Index(
            "uq_pollruns_universal_day",
            "poll_id",
            "conducted_date",
            unique=True,
            postgresql_where=text("pollrun_type = 'universal'"),
        ),
        Index("ix_pollruns_poll_id_conducted_on", "poll_id", "conducted_on"),
        Index("ix_pollruns_org_id_conducted_on", "org_id", "conducted_on"),
    )

    id: Mapped[intpk]
    org_id: Mapped[org_fk]
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    pollrun_type: Mapped[PollRunType] = mapped_column(str_enum(PollRunType, "pollrun_type"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="SET NULL"), index=True)
    conducted_on: Mapped[datetime]
    # conducted_on's date in the org's timezone.
    conducted_date: Mapped[date]
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    poll: Mapped[Poll] = relationship()
    region: Mapped[Region | None] = relationship()


class FlowStart(Base):
    """A RapidPro flow start TracPro made for a pollrun (one per batch of up to 100 contacts).

    Runs whose `start` is one of these belong to its pollrun; other runs go to the universal
    pollrun of their day.
    """

    __tablename__ = "flow_starts"
    __table_args__ = (UniqueConstraint("org_id", "uuid"),)

    id: Mapped[intpk]
    org_id: Mapped[org_fk]
    uuid: Mapped[rapidpro_uuid]
    pollrun_id: Mapped[int] = mapped_column(ForeignKey("pollruns.id", ondelete="CASCADE"), index=True)
    contact_count: Mapped[int] = mapped_column(server_default="0")
    created_at: Mapped[created_at]

    pollrun: Mapped[PollRun] = relationship()
