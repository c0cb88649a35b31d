"""Poll detail: each active question over the poll's dates.

- numeric: per date the sum, the average and the response rate of the values to use; one
  series for the question, or one per contact region (split);
- categorical: per date the count of each category, categories in natural order;
- open-ended: the top words of all the answers, by each contact's language;
- a summary (mean and standard deviation of the per-date averages, average response rate)
  for numeric and categorical questions, dates without data counting as 0.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracpro.auth.scope import Scope
from tracpro.db.models import Answer, Question, QuestionType
from tracpro.polls.filters import PollFilters
from tracpro.polls.rules import natural_sort_key
from tracpro.polls.words import top_of_counts
from tracpro.queries.poll_base import (
    Numbers,
    PollrunRef,
    charted_pollruns,
    counted_responses,
    question_numbers,
    require_poll,
)
from tracpro.queries.registry import read_model

# Split words as tracpro.polls.words does: on anything but letters, digits, _, ' and -.
WORD_SEPARATORS = r"[^[:alnum:]_'-]+"


@dataclass(frozen=True)
class Summary:
    mean: float
    standard_deviation: float
    response_rate: float


@dataclass(frozen=True)
class QuestionOverTime:
    question_id: int
    name: str
    number: int  # its place in the poll, from 1
    kind: str  # "numeric" | "categorical" | "open" | "none"
    # numeric: pollrun_id, day, series, sum, average, response_rate, responses
    # categorical: pollrun_id, day, category, count
    points: pd.DataFrame = field(default_factory=pd.DataFrame)
    words: tuple[tuple[str, int], ...] = ()
    summary: Summary | None = None
    # The question's categories in flow order: charts colour categories by this order.
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class PollOverTime:
    pollruns: tuple[PollrunRef, ...]
    questions: tuple[QuestionOverTime, ...]


KIND = {QuestionType.NUMERIC: "numeric", QuestionType.CATEGORICAL: "categorical", QuestionType.OPEN: "open"}


def summarise(averages: list[float], rates: list[float]) -> Summary:
    return Summary(
        round(statistics.fmean(averages), 1) if averages else 0.0,
        round(statistics.pstdev(averages), 1) if averages else 0.0,
        round(statistics.fmean(rates), 1) if rates else 0.0,
    )


def numeric_points(session, scope, question, pollruns, filters) -> tuple[pd.DataFrame, Summary]:
    ids = [pollrun.id for pollrun in pollruns]
    overall = question_numbers(session, scope, question.id, ids, filters.contact_fields)
    zero = None
    rows, averages, rates = [], [], []
    for pollrun in pollruns:
        figures = overall.get((pollrun.id,), zero)
        averages.append(round(figures.average, 1) if figures else 0.0)
        rates.append(figures.response_rate if figures else 0.0)
    if filters.split_regions:
        by_region = question_numbers(session, scope, question.id, ids, filters.contact_fields, by_region=True)
        regions = sorted({key[1] for key in by_region}, key=str.lower)

        def figures_in(region: str) -> Callable[[int], Numbers | None]:
            return lambda pollrun_id: by_region.get((pollrun_id, region))

        series = [(region, figures_in(region)) for region in regions]
    else:
        series = [(question.name, lambda p: overall.get((p,)))]
    for name, figures_of in series:
        for pollrun in pollruns:
            figures = figures_of(pollrun.id)
            rows.append({
                "pollrun_id": pollrun.id,
                "day": pollrun.day,
                "series": name,
                "sum": round(figures.total, 1) if figures else 0.0,
                "average": round(figures.average, 1) if figures else 0.0,
                "response_rate": figures.response_rate if figures else 0.0,
                "responses": figures.responses if figures else 0,
            })
    return pd.DataFrame(rows, columns=["pollrun_id", "day", "series", "sum", "average", "response_rate",
                                       "responses"]), summarise(averages, rates)


def category_points(session, scope, question, pollruns, filters) -> pd.DataFrame:
    responses = counted_responses(scope, [p.id for p in pollruns], filters.contact_fields).subquery()
    rows = session.execute(
        select(responses.c.pollrun_id, Answer.category, func.count())
        .select_from(responses)
        .join(Answer, Answer.response_id == responses.c.response_id)
        .where(Answer.question_id == question.id)
        .group_by(responses.c.pollrun_id, Answer.category)
    ).all()
    days = {pollrun.id: pollrun.day for pollrun in pollruns}
    categories = sorted({row.category for row in rows}, key=natural_sort_key)
    counts = {(row.pollrun_id, row.category): row[2] for row in rows}
    points = [
        {"pollrun_id": pollrun.id, "day": days[pollrun.id], "category": category,
         "count": counts.get((pollrun.id, category), 0)}
        for category in categories
        for pollrun in pollruns
    ]
    return pd.DataFrame(points, columns=["pollrun_id", "day", "category", "count"])


def open_words(session: Session, scope: Scope, question_id: int, pollrun_ids, contact_fields=()):
    """Top words of the answers, split and counted in SQL, stop words removed by language."""
    responses = counted_responses(scope, pollrun_ids, contact_fields).subquery()
    word = (
        func.regexp_split_to_table(func.lower(Answer.value_to_use), WORD_SEPARATORS)
        .table_valued("word")
        .render_derived(name="words")
    )
    rows = session.execute(
        select(word.c.word, responses.c.language, func.count())
        .select_from(responses)
        .join(Answer, Answer.response_id == responses.c.response_id)
        .join(word, func.length(word.c.word) > 1)
        .where(Answer.question_id == question_id)
        .group_by(word.c.word, responses.c.language)
    ).all()
    return tuple(top_of_counts(rows))


@read_model
def poll_over_time(
    session: Session, scope: Scope, poll_id: int, filters: PollFilters = PollFilters(), *, today: date
) -> PollOverTime:
    """Each active question of the poll over its charted dates; the filters' dates count back from `today`."""
    require_poll(session, scope, poll_id)
    pollruns = charted_pollruns(session, scope, poll_id, filters, today)
    questions = session.scalars(
        select(Question).where(Question.poll_id == poll_id, Question.is_active).order_by(Question.order, Question.id)
    ).all()
    blocks = []
    for number, question in enumerate(questions, start=1):
        kind = KIND.get(question.question_type, "none")
        categories = tuple(question.categories or ())
        block = QuestionOverTime(question.id, question.name, number, kind, categories=categories)
        if kind == "numeric":
            points, summary = numeric_points(session, scope, question, pollruns, filters)
            block = QuestionOverTime(question.id, question.name, number, kind, points, summary=summary,
                                     categories=categories)
        elif kind == "categorical":
            _, summary = numeric_points(session, scope, question, pollruns, PollFilters(
                contact_fields=filters.contact_fields))
            block = QuestionOverTime(question.id, question.name, number, kind,
                                     category_points(session, scope, question, pollruns, filters), summary=summary,
                                     categories=categories)
        elif kind == "open":
            words = open_words(session, scope, question.id, [p.id for p in pollruns], filters.contact_fields)
            block = QuestionOverTime(question.id, question.name, number, kind, words=words, categories=categories)
        blocks.append(block)
    return PollOverTime(tuple(pollruns), tuple(blocks))
