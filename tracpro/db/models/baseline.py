"""Recent indicators: a baseline question compared with a follow-up question over a term."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracpro.db.base import Base, created_at, intpk, name_str, org_fk, updated_at
from tracpro.db.models.polls import Poll, Question


class BaselineTerm(Base):
    __tablename__ = "baseline_terms"
    __table_args__ = (
        CheckConstraint("start_date <= end_date", name="dates_in_order"),
        CheckConstraint("baseline_question_id <> follow_up_question_id", name="questions_differ"),
    )

    id: Mapped[intpk]
    org_id: Mapped[org_fk]
    name: Mapped[name_str]
    start_date: Mapped[date]
    end_date: Mapped[date]
    baseline_poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    baseline_question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    follow_up_poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    follow_up_question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    y_axis_title: Mapped[str] = mapped_column(String(255), server_default="")
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    baseline_poll: Mapped[Poll] = relationship(foreign_keys=[baseline_poll_id])
    baseline_question: Mapped[Question] = relationship(foreign_keys=[baseline_question_id])
    follow_up_poll: Mapped[Poll] = relationship(foreign_keys=[follow_up_poll_id])
    follow_up_question: Mapped[Question] = relationship(foreign_keys=[follow_up_question_id])
