"""PollRun detail, Summary tab: each active question on one date.

- categorical (and menu/keypad/recording): the count of each category, in natural order;
- numeric: an automatic histogram of the numbers (ceil(√n) equal bins over [min, max], the last
  one closed, labelled "3.0-5.5"), as numpy's histogram(bins="sqrt") makes it;
- open-ended: the top words;
- a summary for every type but open: mean, standard deviation and response rate of this date.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

import numpy
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracpro.auth.scope import NotFound, Scope, pollrun_visible
from tracpro.db.models import Answer, PollRun, Question, QuestionType
from tracpro.i18n import _
from tracpro.polls.filters import PollFilters
from tracpro.polls.rules import natural_sort_key
from tracpro.queries.poll_base import counted_responses, question_numbers
from tracpro.queries.poll_charts import Summary, open_words
from tracpro.queries.registry import read_model


@dataclass(frozen=True)
class QuestionOnDate:
    question_id: int
    name: str
    number: int
    kind: str  # "bar" (categories or histogram bins), "open" or "none"
    categories: tuple[str, ...] = ()
    counts: tuple[int, ...] = ()
    words: tuple[tuple[str, int], ...] = ()
    summary: Summary | None = None
    # For the pie chart: True when categories are a question's own (not histogram bins).
    categorical: bool = False
    # The question's categories in flow order: charts colour categories by this order.
    order: tuple[str, ...] = ()


def require_pollrun(session: Session, scope: Scope, pollrun_id: int) -> PollRun:
    pollrun = session.scalars(select(PollRun).where(PollRun.id == pollrun_id, pollrun_visible(scope))).first()
    if pollrun is None or not pollrun.poll.is_active:
        raise NotFound(_("This poll date does not exist, or you may not see it."))
    return pollrun


def histogram(values: list[tuple[float, int]]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Bins of (number, how many) pairs: ceil(√n) equal bins, labels of rounded edges."""
    if not values:
        return (), ()
    numbers, weights = zip(*values, strict=True)
    total = sum(weights)
    counts, edges = numpy.histogram(numbers, bins=math.ceil(math.sqrt(total)), weights=weights)
    labels = tuple(
        f"{round(float(low), 2)!r}-{round(float(high), 2)!r}" for low, high in pairwise(edges)
    )
    return labels, tuple(int(count) for count in counts)


def _summary(session, scope, question_id, pollrun_id, contact_fields) -> Summary | None:
    figures = question_numbers(session, scope, question_id, [pollrun_id], contact_fields).get((pollrun_id,))
    if figures is None or figures.answers == 0:
        return None
    return Summary(round(figures.average, 1), round(figures.deviation, 1), figures.response_rate)


def _grouped(session, scope, question_id, pollrun_id, contact_fields, column):
    responses = counted_responses(scope, [pollrun_id], contact_fields).subquery()
    return session.execute(
        select(column, func.count())
        .select_from(responses)
        .join(Answer, Answer.response_id == responses.c.response_id)
        .where(Answer.question_id == question_id)
        .group_by(column)
    ).all()


@read_model
def pollrun_summary(
    session: Session, scope: Scope, pollrun_id: int, filters: PollFilters = PollFilters()
) -> tuple[QuestionOnDate, ...]:
    pollrun = require_pollrun(session, scope, pollrun_id)
    questions = session.scalars(
        select(Question).where(Question.poll_id == pollrun.poll_id, Question.is_active)
        .order_by(Question.order, Question.id)
    ).all()
    blocks = []
    for number, question in enumerate(questions, start=1):
        fields = filters.contact_fields
        if question.question_type == QuestionType.OPEN:
            words = open_words(session, scope, question.id, [pollrun_id], fields)
            blocks.append(QuestionOnDate(question.id, question.name, number, "open" if words else "none", words=words))
            continue
        summary = _summary(session, scope, question.id, pollrun_id, fields)
        if question.question_type == QuestionType.NUMERIC:
            rows = _grouped(session, scope, question.id, pollrun_id, fields, Answer.value_to_use_number)
            labels, counts = histogram([(value, count) for value, count in rows if value is not None])
            categorical = False
        else:
            rows = sorted(_grouped(session, scope, question.id, pollrun_id, fields, Answer.category),
                          key=lambda row: natural_sort_key(row[0]))
            labels, counts = tuple(row[0] or "—" for row in rows), tuple(row[1] for row in rows)
            categorical = True
        blocks.append(QuestionOnDate(question.id, question.name, number, "bar" if labels else "none",
                                     labels, counts, summary=summary, categorical=categorical,
                                     order=tuple(question.categories or ())))
    return tuple(blocks)
