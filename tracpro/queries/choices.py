"""What the indicator, comparison and map pages offer to choose from: the org's questions, an
indicator's saved values (to edit it), whether the org allows spoof data, and whether any
region in view has a boundary (maps are offered only then)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracpro.auth.scope import NotFound, Scope
from tracpro.db.models import BaselineTerm, Org, Poll, Question, QuestionType, Region
from tracpro.i18n import _
from tracpro.queries.registry import read_model
from tracpro.queries.scope import region_filter

KINDS = {QuestionType.NUMERIC: "numeric", QuestionType.CATEGORICAL: "categorical", QuestionType.OPEN: "open"}


@dataclass(frozen=True)
class QuestionChoice:
    question_id: int
    poll_id: int
    poll: str
    name: str
    kind: str  # "numeric" | "categorical" | "open" | "other"

    @property
    def label(self) -> str:
        return f"{self.poll}: {self.name}"


@read_model(region_independent=True)
def question_choices(session: Session, scope: Scope) -> tuple[QuestionChoice, ...]:
    """Active questions of the org's active polls, polls by name, questions in flow order."""
    rows = session.execute(
        select(Question, Poll).join(Poll, Poll.id == Question.poll_id)
        .where(Poll.org_id == scope.org_id, Poll.is_active, Question.is_active)
    ).all()
    rows = sorted(rows, key=lambda row: (row.Poll.name.lower(), row.Poll.id, row.Question.order, row.Question.id))
    return tuple(QuestionChoice(q.id, p.id, p.name, q.name, KINDS.get(q.question_type, "other")) for q, p in rows)


@dataclass(frozen=True)
class IndicatorValues:
    """An indicator as its form shows it."""

    indicator_id: int
    name: str
    start_date: date
    end_date: date
    baseline_question_id: int
    follow_up_question_id: int
    baseline: str  # "poll: question"
    follow_up: str
    y_axis_title: str


@read_model(region_independent=True)
def indicator_values(session: Session, scope: Scope, indicator_id: int) -> IndicatorValues:
    indicator = session.get(BaselineTerm, indicator_id)
    if indicator is None or indicator.org_id != scope.org_id:
        raise NotFound(_("This indicator does not exist."))
    return IndicatorValues(
        indicator.id, indicator.name, indicator.start_date, indicator.end_date, indicator.baseline_question_id,
        indicator.follow_up_question_id, f"{indicator.baseline_poll.name}: {indicator.baseline_question.name}",
        f"{indicator.follow_up_poll.name}: {indicator.follow_up_question.name}", indicator.y_axis_title or "",
    )


@read_model(region_independent=True)
def spoof_allowed(session: Session, scope: Scope) -> bool:
    return bool(session.get_one(Org, scope.org_id).show_spoof_data)


# Region-independent in the leak test's sense: it reads regions' boundaries, never a region's
# data rows; the supervisor's half of the test still checks that it keeps to the scope.
@read_model(region_independent=True)
def map_available(session: Session, scope: Scope) -> bool:
    """Whether any active region in view has a boundary to draw."""
    return bool(session.scalar(
        select(func.count()).select_from(Region)
        .where(Region.org_id == scope.org_id, Region.is_active, Region.boundary_id.is_not(None),
               region_filter(scope, Region.id))
    ))
