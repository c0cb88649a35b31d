"""Maps of a question's results by region.

The map draws one level of the region tree: the top of what the user sees, or the children of
a region clicked (drill-down). Each region drawn stands for its whole subtree: numeric
questions give the sum and average (2 decimals) of its numbers, the category that average falls
in and its response rate; categorical questions how many answered each category (the map shades
by the share of one) and the most common. Regions without a boundary cannot be drawn and are
listed instead.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlalchemy import Row, and_, func, literal, select
from sqlalchemy.orm import Session, joinedload

from tracpro.auth.scope import NotFound, Scope
from tracpro.db.models import Answer, Boundary, Question, QuestionType, Region
from tracpro.i18n import _
from tracpro.polls.filters import PollFilters
from tracpro.polls.rules import all_categories, categorize, natural_sort_key
from tracpro.queries.poll_base import charted_pollruns, counted_responses
from tracpro.queries.pollrun_summary import require_pollrun
from tracpro.queries.registry import read_model


@dataclass(frozen=True)
class RegionResult:
    region_id: int
    name: str
    has_children: bool
    answers: int  # numbers (numeric questions), answers with a category (categorical ones)
    average: float | None = None  # numeric questions
    category: str | None = None  # the average's category, or the most common one
    total: float | None = None  # numeric questions: the sum of the numbers
    responses: int = 0  # counted responses in the region, answered or not (the response rate's base)
    replied: int = 0  # of those, how many answered this question, numbers or not
    counts: tuple[tuple[str, int], ...] = ()  # categorical questions: answers per category, most first

    @property
    def response_rate(self) -> float | None:
        """Percent of the region's responses that answered the question, as the charts count it."""
        return round(100.0 * self.replied / self.responses, 1) if self.responses else None

    def share(self, category: str) -> float | None:
        """Percent of the region's categorised answers that are `category`; None without any."""
        if not self.answers:
            return None
        return round(100.0 * dict(self.counts).get(category, 0) / self.answers, 1)


@dataclass(frozen=True)
class MapData:
    kind: str  # "numeric" | "categorical"
    regions: tuple[RegionResult, ...]  # those drawn (they have a boundary)
    features: dict  # GeoJSON FeatureCollection of the drawn regions, keyed by properties.region_id
    categories: tuple[str, ...]  # legend order ("Other" last)
    without_boundary: tuple[str, ...]  # regions of this level that cannot be drawn
    parent_id: int | None  # the region whose children are drawn, None at the top
    # The question's categories in flow order, as the charts colour them (a category's colour on
    # the map is its colour in the charts).
    colour_order: tuple[str, ...] = ()

    @property
    def most_common(self) -> str | None:
        """The category answered most over every region drawn (ties in legend order)."""
        totals: Counter = Counter()
        for region in self.regions:
            totals.update(dict(region.counts))
        order = {category: index for index, category in enumerate(self.categories)}
        return min(totals, key=lambda c: (-totals[c], order.get(c, len(order)))) if totals else None


def _regions(session: Session, scope: Scope) -> list[Row]:
    """The org's active regions (id, name, parent_id, boundary_id) by name: a few hundred rows,
    read once for the level drawn and which of its regions have children."""
    return list(session.execute(
        select(Region.id, Region.name, Region.parent_id, Region.boundary_id)
        .where(Region.org_id == scope.org_id, Region.is_active).order_by(Region.name)
    ))


def _level(regions: list[Row], scope: Scope, parent_id: int | None) -> list[Row]:
    """The regions drawn: the parent's children, or the top of what the scope sees."""
    if parent_id is not None:
        if not scope.sees_region(parent_id):
            raise NotFound(_("This region does not exist, or you may not see it."))
        return [r for r in regions if r.parent_id == parent_id]
    visible = [r for r in regions if scope.sees_region(r.id)]
    ids = {r.id for r in visible}
    tops = [r for r in visible if r.parent_id not in ids]
    if len(tops) == 1:  # one region at the top (a supervisor's own): show what it is made of
        children = [r for r in visible if r.parent_id == tops[0].id]
        return children or tops
    return tops


def _subtrees(tops: list[int]):
    """(top, id): each of these regions and every active region below it, itself included."""
    below = (select(Region.id.label("top"), Region.id.label("id"), literal(0).label("depth"))
             .where(Region.id.in_(tops)).cte("below", recursive=True))
    return below.union_all(
        select(below.c.top, Region.id, below.c.depth + 1)
        .join(below, Region.parent_id == below.c.id)
        .where(Region.is_active, below.c.depth < 32)  # a cycle in bad data cannot run for ever
    )


def _answers_by_top(session, scope, question_id, pollrun_ids, contact_fields, tops: list[int]):
    """How many responses each drawn region's subtree gave, and how many answers to the question,
    per category and number (a response without an answer comes as category and number None).

    Counted in PostgreSQL (a national map reads a few hundred thousand answers; a question has
    few distinct numbers). Each distinct number comes once with its count, so the sums made of
    them are exact and the same whatever the order of the rows. The answers are gathered first
    (MATERIALIZED): planned together with the grouping, PostgreSQL misjudged how many there are
    and compared every region with every answer (0.5 s at national)."""
    responses = counted_responses(scope, pollrun_ids, contact_fields).subquery()
    answered = (
        select(responses.c.region_id, Answer.id.label("answer_id"), Answer.category,
               Answer.value_to_use_number.label("number"))
        .select_from(responses)
        .outerjoin(Answer, and_(Answer.response_id == responses.c.response_id, Answer.question_id == question_id))
        .cte("answered")
        .prefix_with("MATERIALIZED")
    )
    subtrees = _subtrees(tops)
    keys = (subtrees.c.top, answered.c.category, answered.c.number)
    return session.execute(
        select(*keys, func.count(), func.count(answered.c.answer_id))
        .select_from(answered)
        .join(subtrees, subtrees.c.id == answered.c.region_id)
        .group_by(*keys)
    ).all()


@read_model
def map_data(session: Session, scope: Scope, question_id: int, pollrun_id: int | None = None,
             filters: PollFilters = PollFilters(), region_id: int | None = None, *, today: date
             ) -> MapData | None:
    """The map of one question, on one date (pollrun_id) or over the filtered dates, which count back
    from `today` (the org's); None when the question has no map (open-ended and other types) or no
    region of the level can be drawn."""
    # With its poll: require_pollrun below finds that poll loaded already.
    question = session.get(Question, question_id, options=[joinedload(Question.poll)])
    if question is None or question.org_id != scope.org_id or not question.poll.is_active:
        raise NotFound(_("This question does not exist, or you may not see it."))
    kind = {QuestionType.NUMERIC: "numeric", QuestionType.CATEGORICAL: "categorical"}.get(question.question_type)
    if kind is None:
        return None
    if pollrun_id is not None:
        pollrun_ids = [require_pollrun(session, scope, pollrun_id).id]
    else:
        pollrun_ids = [p.id for p in charted_pollruns(session, scope, question.poll_id, filters,
                                                      today)]
    regions = _regions(session, scope)
    level = _level(regions, scope, region_id)
    drawn = [r for r in level if r.boundary_id is not None]
    if not drawn:
        return None
    children = {r.parent_id for r in regions}
    number_counts: Counter = Counter()
    number_sums: dict[int, Fraction] = defaultdict(Fraction)
    responses: Counter = Counter()
    replied: Counter = Counter()
    categories: dict[int, Counter] = {r.id: Counter() for r in drawn}
    seen_categories = set()
    for top, category, number, rows, answers in _answers_by_top(
            session, scope, question.id, pollrun_ids, filters.contact_fields, [r.id for r in drawn]):
        responses[top] += rows
        replied[top] += answers
        if number is not None:
            number_counts[top] += answers
            number_sums[top] += Fraction(number) * answers
        if category:
            categories[top][category] += answers
            seen_categories.add(category)
    rule_categories = [c for c in question.categories or [] if c not in ("All Responses", "No Response")]
    results = []
    for region in drawn:
        if kind == "numeric":
            count = number_counts[region.id]
            average = round(float(number_sums[region.id] / count), 2) if count else None
            category = categorize(average, question.rules) if count else None
            results.append(RegionResult(region.id, region.name, region.id in children, count, average, category,
                                        float(number_sums[region.id]) if count else None,
                                        responses[region.id], replied[region.id]))
        else:
            counts = sorted(categories[region.id].items(), key=lambda item: (-item[1], natural_sort_key(item[0])))
            results.append(RegionResult(region.id, region.name, region.id in children, sum(n for _c, n in counts),
                                        category=counts[0][0] if counts else None, responses=responses[region.id],
                                        replied=replied[region.id], counts=tuple(counts)))
    boundaries = {
        b.id: b for b in session.scalars(select(Boundary).where(Boundary.id.in_([r.boundary_id for r in drawn])))
    }
    features = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": str(r.id), "geometry": boundaries[r.boundary_id].geometry,
         "properties": {"region_id": str(r.id), "name": r.name}}
        for r in drawn if boundaries[r.boundary_id].geometry
    ]}
    legend = all_categories(rule_categories, sorted(seen_categories, key=natural_sort_key))
    return MapData(kind, tuple(results), features, tuple(legend),
                   tuple(r.name for r in level if r.boundary_id is None), region_id, tuple(question.categories or ()))
