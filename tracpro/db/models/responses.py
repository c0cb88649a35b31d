"""Responses (one contact's run of a poll's flow) and their answers (one value per question)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Double, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracpro.db.base import Base, bigintpk, bool_true, rapidpro_uuid, str_enum, updated_at
from tracpro.db.models.contacts import Contact
from tracpro.db.models.polls import PollRun, Question


class ResponseStatus(enum.StrEnum):
    EMPTY = "empty"  # started, nothing answered
    PARTIAL = "partial"  # some answers, run not completed
    COMPLETE = "complete"  # the run completed


class Response(Base):
    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("org_id", "run_uuid"),
        Index("ix_responses_pollrun_id_contact_id", "pollrun_id", "contact_id"),
        Index("ix_responses_org_id_updated_on", "org_id", "updated_on"),
        # The few runs waiting for their flow start to be known (see start_uuid).
        Index("ix_responses_org_id_start_uuid", "org_id", "start_uuid",
              postgresql_where=text("start_uuid IS NOT NULL")),
    )

    id: Mapped[bigintpk]
    # The org, for scoping. No foreign key: the pollrun's already ties the response to its org
    # (and deletes it with the org), and each foreign key is a lookup per row the sync writes.
    # Not indexed on its own: (org_id, updated_on) and (org_id, run_uuid) lead with it.
    org_id: Mapped[int]
    run_uuid: Mapped[rapidpro_uuid]
    pollrun_id: Mapped[int] = mapped_column(ForeignKey("pollruns.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    status: Mapped[ResponseStatus] = mapped_column(str_enum(ResponseStatus, "response_status"))
    # False when a later run of the same contact in the same pollrun supersedes this one.
    is_active: Mapped[bool_true]
    created_on: Mapped[datetime]
    # Time of the latest answer, or created_on when there is none.
    updated_on: Mapped[datetime]
    # The run's flow start, kept only while TracPro does not know that start and has a start of
    # the flow whose outcome it does not know yet (its answer lost, its push cut off): once that
    # start is found to be this one, the run moves to its pollrun (tracpro.sync.runs).
    start_uuid: Mapped[str | None] = mapped_column(String(36))
    updated_at: Mapped[updated_at]

    pollrun: Mapped[PollRun] = relationship()
    contact: Mapped[Contact] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="response", passive_deletes=True)


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id"),
        # Finds a contact's answers to a question on one org-local day (same-day rules).
        Index("ix_answers_question_id_contact_id_submitted_date", "question_id", "contact_id", "submitted_date"),
    )

    id: Mapped[bigintpk]
    # Not indexed, and no foreign key (org and contact): answers are reached through a question
    # or a response, whose keys already tie them to their org and contact and delete them with
    # those; on the largest table every index or key check costs each sync write.
    org_id: Mapped[int]
    response_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("responses.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    # Denormalised from the response, for the same-day rules and per-contact reads.
    contact_id: Mapped[int]
    # The raw value RapidPro recorded (exports use it as is).
    value: Mapped[str] = mapped_column(Text)
    value_number: Mapped[float | None] = mapped_column(Double)
    # The base-language category; None for "All Responses" (open questions).
    category: Mapped[str | None] = mapped_column(String(255))
    # The value charts use: for numeric questions, the org's same-day rule applied (last or sum).
    value_to_use: Mapped[str] = mapped_column(Text)
    value_to_use_number: Mapped[float | None] = mapped_column(Double)
    submitted_on: Mapped[datetime]
    # submitted_on's date in the org's timezone.
    submitted_date: Mapped[date]

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
