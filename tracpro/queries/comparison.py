"""Region comparison: one question's results over time, for 2 to 4 regions side by side.

Each region stands for its subtree, within the user's scope; regions the user may not see are
left out. Numeric questions give each region's sum, average and response rate per date;
categorical ones each region's count of each category per date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracpro.auth.scope import NotFound, Scope, subtree_ids
from tracpro.db.models import Question, QuestionType, Region
from tracpro.i18n import _
from tracpro.polls.filters import PollFilters
from tracpro.queries.poll_base import charted_pollruns
from tracpro.queries.poll_charts import category_points, numeric_points
from tracpro.queries.registry import read_model

MAX_REGIONS = 4


@dataclass(frozen=True)
class Comparison:
    kind: str  # "numeric" | "categorical"
    question: str
    # numeric: region, pollrun_id, day, sum, average, response_rate, responses
    # categorical: region, pollrun_id, day, category, count
    points: pd.DataFrame
    categories: tuple[str, ...]


@read_model
def region_comparison(session: Session, scope: Scope, question_id: int, region_ids: tuple[int, ...] = (),
                      filters: PollFilters = PollFilters(), *, today: date) -> Comparison | None:
    question = session.get(Question, question_id)
    if question is None or question.org_id != scope.org_id or not question.poll.is_active:
        raise NotFound(_("This question does not exist, or you may not see it."))
    kind = {QuestionType.NUMERIC: "numeric", QuestionType.CATEGORICAL: "categorical"}.get(question.question_type)
    if kind is None:
        return None
    chosen = [region_id for region_id in dict.fromkeys(region_ids) if scope.sees_region(region_id)][:MAX_REGIONS]
    regions = {r.id: r.name for r in session.scalars(
        select(Region).where(Region.id.in_(chosen), Region.org_id == scope.org_id, Region.is_active))}
    pollruns = charted_pollruns(session, scope, question.poll_id, filters, today)
    frames = []
    for region_id in chosen:
        if region_id not in regions:
            continue
        visible = frozenset(subtree_ids(session, scope.org_id, [region_id]))
        if scope.region_ids is not None:
            visible &= scope.region_ids
        own = Scope(scope.org_id, visible, region_id, True)
        if kind == "numeric":
            points, _series = numeric_points(session, own, question, pollruns,
                                             PollFilters(contact_fields=filters.contact_fields))
            points = points.drop(columns=["series"])
        else:
            points = category_points(session, own, question, pollruns, filters)
        frames.append(points.assign(region=regions[region_id]))
    points = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return Comparison(kind, question.name, points, tuple(question.categories or ()))
