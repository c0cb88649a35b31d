"""One date of a poll: category counts, open answers' words, histograms of numbers (see
docs/behaviour.md, Charts and summaries)."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.queries.chart_world import build_chart_world
from tracpro.auth.scope import NotFound, Scope
from tracpro.db import models
from tracpro.queries.poll_charts import Summary
from tracpro.queries.pollrun_summary import histogram, pollrun_summary


@pytest.fixture
def world(db):
    return build_chart_world(db)


def _by_name(blocks):
    return {block.name: block for block in blocks}


def test_categories_on_one_date(db, world):
    block = _by_name(pollrun_summary(db, world.admin, world.pollrun_id))["How many?"]
    assert (block.kind, block.categories, block.counts, block.categorical) == ("bar", ("1 - 5", "6 - 10"), (2, 1), True)


def test_open_answers_on_one_date(db, world):
    block = _by_name(pollrun_summary(db, world.admin, world.pollrun_id))["How is the weather?"]
    assert (block.kind, block.words[0], len(block.words), block.summary) == ("open", ("rainy", 3), 2, None)


def test_numbers_on_one_date_make_a_histogram(db, world):
    block = _by_name(pollrun_summary(db, world.admin, world.pollrun_id))["Number of sheep"]
    assert (block.kind, block.categories, block.counts) == ("bar", ("3.0-5.5", "5.5-8.0"), (2, 1))
    assert block.summary == Summary(5.0, 2.2, 100.0)  # population SD of 4, 3, 8


def test_auto_categories():
    assert histogram([(4.0, 1), (3.0, 1), (8.0, 1)]) == (("3.0-5.5", "5.5-8.0"), (2, 1))
    assert histogram([]) == ((), ())
    assert histogram([(4.0, 1), (3.0, 1), (8.0, 1), (10.2, 1)]) == (("3.0-6.6", "6.6-10.2"), (2, 2))


def test_numbers_of_a_numeric_question_count_whatever_their_category_and_text_does_not(db, world):
    pollrun = db.get(models.PollRun, world.pollrun_id)
    question = db.get(models.Question, world.questions["q3"])
    region = db.get(models.Contact, db.get(models.Answer, world.answers[("c1", "q3")]).contact_id).region
    for value, number, category in (("10.2", 10.2, "foo"), ("abcd", None, None)):
        contact = f.ContactFactory(org_id=world.org_id, org=None, region=region)
        response = f.ResponseFactory(org_id=world.org_id, pollrun=pollrun, contact=contact)
        f.AnswerFactory(response=response, question=question, value=value, value_number=number, category=category)
    db.flush()
    block = _by_name(pollrun_summary(db, world.admin, world.pollrun_id))["Number of sheep"]
    assert (block.categories, block.counts) == (("3.0-6.6", "6.6-10.2"), (2, 2))


def test_a_pollrun_outside_the_scope_is_not_found(db, world):
    other_org = f.PollRunFactory()
    with pytest.raises(NotFound):
        pollrun_summary(db, world.admin, other_org.id)
    region = f.RegionFactory(org_id=world.org_id, org=None, name="Elsewhere")
    regional = f.PollRunFactory(poll=db.get(models.Poll, world.poll_id), pollrun_type=models.PollRunType.REGIONAL,
                                region=region)
    db.flush()
    beta = db.scalars(__import__("sqlalchemy").select(models.Region).where(models.Region.name == "Beta")).one()
    with pytest.raises(NotFound):
        pollrun_summary(db, Scope(world.org_id, frozenset({beta.id}), beta.id), regional.id)
