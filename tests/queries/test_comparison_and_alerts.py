"""Region comparison and participation alerts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories as f
from tests.queries.world import build_world
from tracpro.auth.scope import Scope
from tracpro.db.models import ResponseStatus
from tracpro.queries.alerts import participation_alerts
from tracpro.queries.comparison import region_comparison
from tracpro.sync.summaries import refresh_summaries


@pytest.fixture
def world(db):
    return build_world(db)


def test_regions_compared_side_by_side_each_standing_for_its_subtree(db, world):
    admin = Scope(world.org_id, None)
    result = region_comparison(db, admin, world.question_id, (world.north_id, world.south_id), today=world.today)
    assert result.kind == "numeric"
    figures = result.points.groupby("region")[["sum", "responses"]].sum()
    assert figures.loc["North"].tolist() == [7.0, 2]  # North 3 + Gicumbi 4
    assert figures.loc["South"].tolist() == [16.0, 2]  # 9 + 7
    supervisor = Scope(world.org_id, frozenset({world.north_id, world.gicumbi_id}), world.north_id)
    mine = region_comparison(db, supervisor, world.question_id, (world.north_id, world.south_id),
                             today=world.today)
    assert set(mine.points["region"]) == {"North"}  # South is not theirs to compare
    categorical = region_comparison(db, admin, world.question_ids["categorical"], (world.north_id,),
                                    today=world.today)
    assert categorical.points.groupby("category")["count"].sum().to_dict() == {"no": 1, "yes": 1}


def test_a_region_answering_far_less_than_usual_is_flagged_for_those_who_see_it(db, world):
    alerts = participation_alerts(db, Scope(world.org_id, None))
    assert [(a.poll, a.region, a.participants, a.rate, a.usual_rate) for a in alerts] == [
        ("Weekly check", "South", 5, 20.0, 100.0)]
    north = Scope(world.org_id, frozenset({world.north_id, world.gicumbi_id}), world.north_id)
    assert participation_alerts(db, north) == ()


def test_a_rate_exactly_half_the_usual_is_not_flagged_and_one_just_below_is(db):
    """Thirds are not exact in floating point: the query narrows, the rule's own arithmetic judges."""
    org = f.OrgFactory()
    on_the_line, below = f.RegionFactory(org=org, name="On the line"), f.RegionFactory(org=org, name="Below")
    poll = f.PollFactory(org=org, rapidpro_name="Thirds")
    # (participants, answered) on the two earlier dates, then the latest: 1/3 and 1/3, then 1/6
    # (exactly half) for one region, 5/31 (just under half) for the other.
    plans = {on_the_line: [(6, 2), (6, 2), (6, 1)], below: [(6, 2), (6, 2), (31, 5)]}
    for days_ago in (2, 1, 0):
        pollrun = f.PollRunFactory(poll=poll, conducted_on=f.NOW - timedelta(days=days_ago))
        for region, plan in plans.items():
            participants, answered = plan[2 - days_ago]
            for n in range(participants):
                status = ResponseStatus.COMPLETE if n < answered else ResponseStatus.EMPTY
                f.ResponseFactory(pollrun=pollrun, contact=f.ContactFactory(org=org, region=region), status=status)
    db.flush()
    refresh_summaries(db, org.id)
    alerts = participation_alerts(db, Scope(org.id, None))
    assert [(alert.region, alert.participants, alert.rate, alert.usual_rate) for alert in alerts] == [
        ("Below", 31, 16.1, 33.3)]
