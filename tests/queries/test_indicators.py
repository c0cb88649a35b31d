"""Recent indicators: validation, spoof data, and the baseline computation (first answer per contact, per-date
sums, their mean and SD, goal, no follow-up dates)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.actors import admin
from tests.queries.tracpro_data import build_data
from tracpro.db.models import Answer, PollRun, PollRunType, Response
from tracpro.forms import FormErrors
from tracpro.indicators.editing import IndicatorInput, save_indicator
from tracpro.indicators.spoof import SpoofInput, clear_spoof, spoof
from tracpro.queries.indicators import IndicatorFilters, featured_indicator, indicator_data, indicator_list


@pytest.fixture
def data(db):
    return build_data(db)


@pytest.fixture
def questions(db, data):
    baseline = data.questions["sheep"]
    follow_poll = f.PollFactory(org=data.unicef, rapidpro_name="Follow Poll")
    follow = f.QuestionFactory(poll=follow_poll, key="sheep_now", rapidpro_name="Sheep now")
    db.flush()
    return baseline, follow


def _input(baseline, follow, **changes):
    values = dict(name="2015 Term 3 Attendance", start_date=date(2015, 5, 1), end_date=date(2015, 5, 31),
                  baseline_question_id=baseline.id, follow_up_question_id=follow.id, y_axis_title="Sheep")
    return IndicatorInput(**{**values, **changes})


@pytest.mark.parametrize(
    "changes, errors",
    [
        ({"end_date": None}, {"end_date": ["This field is required."]}),
        ({"start_date": date(2015, 5, 1), "end_date": date(2015, 1, 1)},
         {"__all__": ["Start date should be before end date."]}),
        ({"follow_up_question_id": "baseline"}, {"__all__": ["Baseline and follow up questions should be different."]}),
        ({"name": "  "}, {"name": ["This field is required."]}),
    ],
)
def test_indicator_validation(db, data, questions, changes, errors):
    baseline, follow = questions
    if changes.get("follow_up_question_id") == "baseline":
        changes["follow_up_question_id"] = baseline.id
    with pytest.raises(FormErrors) as raised:
        save_indicator(db, admin(data.unicef.id), _input(baseline, follow, **changes))
    assert raised.value.errors == errors
    assert indicator_list(db, data.scope()) == ()  # nothing was saved


def test_a_question_of_another_org_is_refused(db, data, questions):
    baseline, _ = questions
    foreign = f.QuestionFactory()
    with pytest.raises(FormErrors) as raised:
        save_indicator(db, admin(data.unicef.id), _input(baseline, foreign))
    assert list(raised.value.errors) == ["follow_up_question"]


def _spoof_input(data, questions, **changes):
    baseline, follow = questions
    values = dict(contact_ids=(data.contacts["Ann"].id,), start_date=date(2015, 5, 1), end_date=date(2015, 5, 2),
                  baseline_question_id=baseline.id, follow_up_question_id=follow.id, baseline_minimum=30,
                  baseline_maximum=40, follow_up_minimum=10, follow_up_maximum=20)
    return SpoofInput(**{**values, **changes})


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_spoof_data_makes_a_baseline_and_a_follow_up_per_day(db, data, questions):
    data.unicef.show_spoof_data = True
    assert spoof(db, admin(data.unicef.id), _spoof_input(data, questions), f.NOW, seed=1) == 3
    assert (_count(db, PollRun), _count(db, Response), _count(db, Answer)) == (3, 3, 3)
    values = sorted(float(v) for v in db.scalars(select(Answer.value)))
    assert 10 <= values[0] <= values[1] <= 20 and 30 <= values[2] <= 40
    assert set(db.scalars(select(PollRun.pollrun_type))) == {PollRunType.SPOOFED}
    assert clear_spoof(db, admin(data.unicef.id)) == 3
    assert (_count(db, PollRun), _count(db, Response), _count(db, Answer)) == (0, 0, 0)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"baseline_minimum": 100, "baseline_maximum": 50}, "Baseline maximum should exceed or equal minimum."),
        ({"follow_up_minimum": 100, "follow_up_maximum": 50}, "Follow up maximum should exceed or equal minimum."),
        ({"follow_up_minimum": 5, "follow_up_maximum": 0}, "Follow up maximum should exceed or equal minimum."),
    ],
)
def test_spoof_bounds_including_zero(db, data, questions, changes, message):
    data.unicef.show_spoof_data = True
    with pytest.raises(FormErrors) as raised:
        spoof(db, admin(data.unicef.id), _spoof_input(data, questions, **changes), f.NOW)
    assert message in raised.value.errors["__all__"]
    assert _count(db, PollRun) == 0


def test_no_spoof_data_unless_the_org_allows_it(db, data, questions):
    with pytest.raises(FormErrors, match="does not allow spoof data"):
        spoof(db, admin(data.unicef.id), _spoof_input(data, questions), f.NOW)


def _answer(db, question, contact, value, moment, pollrun):
    response = f.ResponseFactory(pollrun=pollrun, contact=contact, created_on=moment, updated_on=moment)
    f.AnswerFactory(response=response, question=question, value=str(value), value_number=float(value),
                    value_to_use=str(value), value_to_use_number=float(value), submitted_on=moment)


def test_the_baseline_is_each_contacts_first_answer_and_follow_ups_are_per_date_sums(db, data, questions):
    baseline, follow = questions
    day = lambda n: datetime(2015, 5, n, 8, tzinfo=UTC)  # noqa: E731
    pollrun = lambda question, n: f.PollRunFactory(poll=question.poll, conducted_on=day(n),  # noqa: E731
                                                   conducted_date=day(n).date())
    first_base, later_base = pollrun(baseline, 1), pollrun(baseline, 3)
    for name, value in (("Ann", 4), ("Bob", 6)):
        _answer(db, baseline, data.contacts[name], value, day(1), first_base)
    _answer(db, baseline, data.contacts["Ann"], 100, day(3), later_base)  # Ann's second answer: not counted
    f.ResponseFactory(pollrun=first_base, contact=data.contacts["Cat"], status="empty")  # asked, no answer
    for n, values in ((2, {"Ann": 3, "Bob": 5}), (9, {"Ann": 1})):
        follow_run = pollrun(follow, n)
        for name, value in values.items():
            _answer(db, follow, data.contacts[name], value, day(n), follow_run)
    indicator = save_indicator(db, admin(data.unicef.id), _input(baseline, follow))
    result = indicator_data(db, data.scope(), indicator.id)
    assert result.baseline == 10.0  # Ann's 4 + Bob's 6
    assert result.baseline_rate == 66.7  # 2 first answers of 3 contacts with a baseline response
    assert result.days == (date(2015, 5, 2), date(2015, 5, 9))  # Kabul days
    assert result.follow_up == (8.0, 1.0)
    assert (result.follow_up_mean, result.follow_up_deviation, result.follow_up_rate) == (4.5, 3.5, 100.0)
    assert dict(result.table)["Baseline value (Sheep)"] == "10"

    goal = indicator_data(db, data.scope(), indicator.id, IndicatorFilters(goal=12.5))
    assert (goal.baseline, goal.baseline_rate, dict(goal.table)["Baseline response rate (%)"]) == (12.5, None, "n/a")
    kandahar_only = indicator_data(db, data.scope("Kandahar"), indicator.id)
    assert kandahar_only.baseline_rate == 100.0  # Cat (Khost) is out of view
    assert featured_indicator(db, data.scope())[0] == indicator.id

    later = IndicatorFilters(start=date(2015, 5, 20), end=date(2015, 5, 31))
    assert indicator_data(db, data.scope(), indicator.id, later) is None  # no follow-up dates: no data
