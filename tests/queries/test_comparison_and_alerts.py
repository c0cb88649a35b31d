"""Region comparison and participation alerts."""

from __future__ import annotations

import pytest

from tests.queries.world import build_world
from tracpro.auth.scope import Scope
from tracpro.queries.alerts import participation_alerts
from tracpro.queries.comparison import region_comparison


@pytest.fixture
def world(db):
    return build_world(db)


def test_regions_compared_side_by_side_each_standing_for_its_subtree(db, world):
    admin = Scope(world.org_id, None)
    result = region_comparison(db, admin, world.question_id, (world.north_id, world.south_id), today=world.parameters()["now"].date())
    assert result.kind == "numeric"
    figures = result.points.groupby("region")[["sum", "responses"]].sum()
    assert figures.loc["North"].tolist() == [7.0, 2]  # North 3 + Gicumbi 4
    assert figures.loc["South"].tolist() == [16.0, 2]  # 9 + 7
    supervisor = Scope(world.org_id, frozenset({world.north_id, world.gicumbi_id}), world.north_id)
    mine = region_comparison(db, supervisor, world.question_id, (world.north_id, world.south_id),
                             today=world.parameters()["now"].date())
    assert set(mine.points["region"]) == {"North"}  # South is not theirs to compare
    categorical = region_comparison(db, admin, world.question_ids["categorical"], (world.north_id,),
                                    today=world.parameters()["now"].date())
    assert categorical.points.groupby("category")["count"].sum().to_dict() == {"no": 1, "yes": 1}


def test_a_region_answering_far_less_than_usual_is_flagged_for_those_who_see_it(db, world):
    alerts = participation_alerts(db, Scope(world.org_id, None))
    assert [(a.poll, a.region, a.participants, a.rate, a.usual_rate) for a in alerts] == [
        ("Weekly check", "South", 5, 20.0, 100.0)]
    north = Scope(world.org_id, frozenset({world.north_id, world.gicumbi_id}), world.north_id)
    assert participation_alerts(db, north) == ()
