"""Editing a poll's names and its questions' names, types and visibility. A name equal to RapidPro's is
stored as none, so it follows later renames there; a type chosen here is kept by every sync; answers
follow a question's new type at once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracpro.answers import recompute_values_to_use
from tracpro.auth.actor import Actor, NotAllowed
from tracpro.auth.writes import Allowed, write
from tracpro.db.models import Poll, Question, QuestionType
from tracpro.forms import FormErrors, text_problem
from tracpro.i18n import _
from tracpro.orgs import settings_events


@dataclass(frozen=True)
class QuestionEdit:
    question_id: int
    name: str
    question_type: str
    is_active: bool


def _custom(name: str, rapidpro_name: str) -> str | None:
    name = name.strip()
    return None if not name or name == rapidpro_name else name


@write(Allowed.ADMINS)
def edit_poll(session: Session, actor: Actor, poll_id: int, name: str, questions: list[QuestionEdit]) -> Poll:
    """Rename a poll of the actor's org and its questions, retype them, show or hide them."""
    org_id = actor.org_id
    poll = session.get(Poll, poll_id)
    if poll is None or poll.org_id != org_id:
        raise NotAllowed(_("This poll does not exist."))
    own = {q.id: q for q in session.scalars(select(Question).where(Question.poll_id == poll.id))}
    errors: dict[str, list[str]] = {}
    if problem := text_problem(name, required=False, max_length=255):
        errors["name"] = [problem]
    for edit in questions:
        if edit.question_id not in own:
            errors.setdefault("questions", []).append(_("A question of another poll cannot be edited here."))
        elif edit.question_type not in {t.value for t in QuestionType}:
            errors.setdefault(f"question_{edit.question_id}", []).append(_("Select a valid question type."))
        elif problem := text_problem(edit.name, required=False, max_length=255):
            errors.setdefault(f"question_{edit.question_id}", []).append(problem)
    if errors:
        raise FormErrors(errors)
    poll.custom_name = _custom(name, poll.rapidpro_name)
    retyped = []
    for edit in questions:
        question = own[edit.question_id]
        question.custom_name = _custom(edit.name, question.rapidpro_name)
        question.is_active = edit.is_active
        if question.question_type != QuestionType(edit.question_type):
            retyped.append(question.id)
        if question.question_type != QuestionType(edit.question_type) or question.type_is_custom:
            question.question_type, question.type_is_custom = QuestionType(edit.question_type), True
    session.flush()
    if retyped:
        recompute_values_to_use(session, org_id, question_ids=retyped)
    settings_events.record_setting(session, org_id, "poll", poll=poll.name, retyped_questions=len(retyped))
    return poll
