"""Poll detail over time, on the original TracPro's chart fixture (see docs/behaviour.md, Charts and
summaries)."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.queries.chart_world import build_chart_world
from tracpro.auth.scope import NotFound
from tracpro.db.models import Answer
from tracpro.polls.filters import PollFilters
from tracpro.queries.poll_charts import Summary, poll_over_time

TODAY = f.NOW.date()


@pytest.fixture
def world(db):
    return build_chart_world(db)


def _block(result, key_name: str):
    return next(block for block in result.questions if block.name == key_name)


def test_categorical_counts_per_date(db, world):
    result = poll_over_time(db, world.admin, world.poll_id, today=TODAY)
    block = _block(result, "How many?")
    assert [p.day for p in result.pollruns] == [TODAY]
    assert block.kind == "categorical"
    assert block.points[["category", "count"]].values.tolist() == [["1 - 5", 2], ["6 - 10", 1]]


def test_word_cloud_over_every_answer(db, world):
    block = _block(poll_over_time(db, world.admin, world.poll_id, today=TODAY), "How is the weather?")
    assert (block.kind, block.words) == ("open", (("rainy", 3), ("sunny", 2)))


def test_numeric_sum_average_and_response_rate(db, world):
    block = _block(poll_over_time(db, world.admin, world.poll_id, today=TODAY), "Number of sheep")
    assert block.points[["sum", "average", "response_rate"]].values.tolist() == [[15.0, 5.0, 100.0]]
    assert block.summary == Summary(5.0, 0.0, 100.0)
    db.delete(db.get(Answer, world.answers[("c1", "q3")]))
    db.flush()
    block = _block(poll_over_time(db, world.admin, world.poll_id, today=TODAY), "Number of sheep")
    assert block.points["response_rate"].tolist() == [66.7]
    assert block.summary.response_rate == 66.7


def test_numeric_split_by_region(db, world):
    split = PollFilters(split_regions=True)
    block = _block(poll_over_time(db, world.admin, world.poll_id, split, today=TODAY), "Number of sheep")
    table = block.points.set_index("series")[["sum", "average", "response_rate"]]
    assert table.loc["Acme"].tolist() == [8.0, 8.0, 100.0]
    assert table.loc["Beta"].tolist() == [7.0, 3.5, 100.0]
    assert block.points["series"].tolist() == ["Acme", "Beta"]  # ordered by region name
    assert block.summary == Summary(5.0, 0.0, 100.0)  # over all regions


def test_dates_outside_the_period_and_contact_fields_filter_the_data(db, world):
    outside = PollFilters.from_query({"date_range": "custom", "start": "2020-01-01", "end": "2020-01-31"})
    assert poll_over_time(db, world.admin, world.poll_id, outside, today=TODAY).pollruns == ()
    for contact in db.scalars(__import__("sqlalchemy").select(f.models.Contact)).all():
        contact.fields = {"gender": "F" if contact.name == "c3" else "M"}
    db.flush()
    women = PollFilters().with_contact_fields({"gender": "f"})
    block = _block(poll_over_time(db, world.admin, world.poll_id, women, today=TODAY), "Number of sheep")
    assert block.points[["sum", "responses"]].values.tolist() == [[8.0, 1]]


def test_a_poll_of_another_org_is_not_found(db, world):
    other = f.PollFactory()
    with pytest.raises(NotFound):
        poll_over_time(db, world.admin, other.id, today=TODAY)


def test_open_answers_in_arabic_script_make_words_too(db, world):
    from tracpro.db import models

    pollrun = db.get(models.PollRun, world.pollrun_id)
    region = db.scalars(
        __import__("sqlalchemy").select(models.Region).where(models.Region.org_id == world.org_id)
    ).first()
    contact = f.ContactFactory(org_id=world.org_id, org=None, region=region, language="ara")
    response = f.ResponseFactory(org_id=world.org_id, pollrun=pollrun, contact=contact)
    f.AnswerFactory(response=response, question=db.get(models.Question, world.questions["q2"]),
                    value="قلم رصاص قلم", value_number=None)
    db.flush()
    words = dict(_block(poll_over_time(db, world.admin, world.poll_id, today=TODAY), "How is the weather?").words)
    assert (words["قلم"], words["رصاص"], words["rainy"]) == (2, 1, 3)


def test_blocks_carry_their_questions_category_order_for_colours(db, world):
    from tracpro.db import models

    db.get(models.Question, world.questions["q1"]).categories = ["6 - 10", "1 - 5", "Other"]
    db.flush()
    block = _block(poll_over_time(db, world.admin, world.poll_id, today=TODAY), "How many?")
    assert block.categories == ("6 - 10", "1 - 5", "Other")


def test_visible_contact_fields_only(db, world):
    from tracpro.queries.fields import visible_fields

    org = db.get(f.models.Org, world.org_id)
    f.DataFieldFactory(org=org, key="gender", label="gender", is_visible=True)
    f.DataFieldFactory(org=org, key="secret", label="Secret", is_visible=False)
    f.DataFieldFactory(org=org, key="gone", label="Gone", is_visible=True, is_active=False)
    f.DataFieldFactory(key="other_org", label="Other", is_visible=True)
    db.flush()
    assert visible_fields(db, world.admin) == (("gender", "Gender"),)
