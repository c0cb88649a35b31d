"""Creating, changing and deleting recent indicators (baseline vs follow-up), with TracPro's
validation messages: the writes of an org's administrators. Bad input raises `FormErrors`
with every problem in words, and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracpro.audit.trail import record
from tracpro.auth.actor import Actor, NotAllowed
from tracpro.auth.writes import Allowed, write
from tracpro.db.models import BaselineTerm, Poll, Question
from tracpro.db.models.audit import AuditKind
from tracpro.forms import GENERAL, REQUIRED, FormErrors, text_problem
from tracpro.i18n import _


@dataclass(frozen=True)
class IndicatorInput:
    name: str | None
    start_date: date | None
    end_date: date | None
    baseline_question_id: int | None
    follow_up_question_id: int | None
    y_axis_title: str = ""


def org_question(session: Session, org_id: int, question_id: int | None) -> Question | None:
    """A question of one of the org's active polls, or None."""
    if question_id is None:
        return None
    return session.scalars(
        select(Question).join(Poll, Poll.id == Question.poll_id)
        .where(Question.id == question_id, Poll.org_id == org_id, Poll.is_active)
    ).first()


def check_dates_and_questions(errors: dict[str, list[str]], start: date | None, end: date | None,
                              baseline_id: int | None, follow_up_id: int | None) -> None:
    """The checks indicators and spoof data share: all four given, the start not after the end, two questions."""
    for field, value in (("start_date", start), ("end_date", end), ("baseline_question", baseline_id),
                         ("follow_up_question", follow_up_id)):
        if value is None:
            errors.setdefault(field, []).append(_(REQUIRED))
    if start is not None and end is not None and start > end:
        errors.setdefault(GENERAL, []).append(_("Start date should be before end date."))
    if baseline_id is not None and baseline_id == follow_up_id:
        errors.setdefault(GENERAL, []).append(_("Baseline and follow up questions should be different."))


def validate(session: Session, org_id: int, data: IndicatorInput) -> tuple[Question, Question]:
    errors: dict[str, list[str]] = {}
    if problem := text_problem(data.name, max_length=255):
        errors.setdefault("name", []).append(problem)
    if problem := text_problem(data.y_axis_title, required=False, max_length=255):
        errors.setdefault("y_axis_title", []).append(problem)
    check_dates_and_questions(errors, data.start_date, data.end_date, data.baseline_question_id,
                              data.follow_up_question_id)
    questions: list[Question | None] = []
    for field, question_id in (("baseline_question", data.baseline_question_id),
                               ("follow_up_question", data.follow_up_question_id)):
        question = org_question(session, org_id, question_id)
        if question_id is not None and question is None:
            errors.setdefault(field, []).append(
                _("Select a valid choice. That choice is not one of the available choices."))
        questions.append(question)
    if errors:
        raise FormErrors(errors)
    baseline, follow_up = questions
    # check_dates_and_questions required both questions, and each was found.
    assert baseline is not None and follow_up is not None
    return baseline, follow_up


@write(Allowed.ADMINS)
def save_indicator(session: Session, actor: Actor, data: IndicatorInput, indicator_id: int | None = None
                   ) -> BaselineTerm:
    """Create an indicator of the actor's org, or change its indicator `indicator_id`."""
    org_id = actor.org_id
    baseline, follow_up = validate(session, org_id, data)
    # validate refused a missing name or date.
    assert data.name is not None and data.start_date is not None and data.end_date is not None
    if indicator_id is None:
        indicator = BaselineTerm(org_id=org_id)
        session.add(indicator)
    else:
        indicator = _own_indicator(session, actor, indicator_id)
    indicator.name = data.name.strip()
    indicator.start_date, indicator.end_date = data.start_date, data.end_date
    indicator.baseline_poll_id, indicator.baseline_question_id = baseline.poll_id, baseline.id
    indicator.follow_up_poll_id, indicator.follow_up_question_id = follow_up.poll_id, follow_up.id
    indicator.y_axis_title = (data.y_axis_title or "").strip()
    session.flush()
    record(session, AuditKind.INDICATOR_CHANGED, org_id, {"indicator": indicator.id, "name": indicator.name,
                                                          "action": "created" if indicator_id is None else "changed"})
    return indicator


def _own_indicator(session: Session, actor: Actor, indicator_id: int) -> BaselineTerm:
    indicator = session.get(BaselineTerm, indicator_id)
    if indicator is None or indicator.org_id != actor.org_id:
        raise NotAllowed(_("This indicator does not exist."))
    return indicator


@write(Allowed.ADMINS)
def delete_indicator(session: Session, actor: Actor, indicator_id: int) -> None:
    indicator = _own_indicator(session, actor, indicator_id)
    session.delete(indicator)
    session.flush()
    record(session, AuditKind.INDICATOR_CHANGED, actor.org_id, {"indicator": indicator_id, "name": indicator.name,
                                                                "action": "deleted"})
