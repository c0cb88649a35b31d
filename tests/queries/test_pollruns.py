"""Poll and pollrun lists, the pollrun header, and which pollrun is the last for a region."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests import factories as f
from tests.queries.tracpro_data import build_data
from tracpro.auth.scope import NotFound
from tracpro.db.models import PollRunType, ResponseStatus
from tracpro.queries.pollruns import is_last_for_region, poll_dates, poll_list, pollrun_header, recent_pollruns


@pytest.fixture
def data(db):
    return build_data(db)


def _pollrun(data, kind, region=None, hours=0):
    moment = f.NOW + timedelta(hours=hours)
    return f.PollRunFactory(poll=data.poll, pollrun_type=kind, region=data.regions.get(region),
                            conducted_on=moment, conducted_date=moment.date())


def test_last_pollrun_for_a_region(db, data):
    p1 = _pollrun(data, PollRunType.REGIONAL, "Kandahar", 1)
    p2 = _pollrun(data, PollRunType.UNIVERSAL, None, 2)
    p3 = _pollrun(data, PollRunType.REGIONAL, "Khost", 3)
    db.flush()
    kandahar, khost = data.regions["Kandahar"].id, data.regions["Khost"].id
    assert [is_last_for_region(db, p1, kandahar), is_last_for_region(db, p1, khost)] == [False, False]
    assert [is_last_for_region(db, p2, kandahar), is_last_for_region(db, p2, khost)] == [True, False]
    assert is_last_for_region(db, p3, khost) is True


def test_a_regions_dates_include_its_own_universal_and_propagated_ones_not_its_siblings(db, data):
    kandahar = _pollrun(data, PollRunType.REGIONAL, "Kandahar", 1)
    universal = _pollrun(data, PollRunType.UNIVERSAL, None, 2)
    _pollrun(data, PollRunType.REGIONAL, "Khost", 3)
    f.ResponseFactory(pollrun=universal, contact=data.contacts["Ann"], status=ResponseStatus.COMPLETE)
    f.ResponseFactory(pollrun=universal, contact=data.contacts["Cat"], status=ResponseStatus.PARTIAL)
    db.flush()
    listed = poll_dates(db, data.scope("Kandahar"), data.poll.id)
    assert listed["pollrun_id"].tolist() == [universal.id, kandahar.id]  # newest first, no Khost
    assert listed[["region", "participants", "complete", "partial"]].values.tolist()[0] == ["All", 1, 1, 0]
    everything = recent_pollruns(db, data.scope())
    assert len(everything) == 3 and everything["participants"].tolist()[1] == 2  # admin: Ann and Cat
    assert recent_pollruns(db, data.scope(), limit=1)["pollrun_id"].tolist() == [everything["pollrun_id"][0]]


def test_the_poll_list_counts_questions_and_visible_dates(db, data):
    _pollrun(data, PollRunType.UNIVERSAL, None, 1)
    _pollrun(data, PollRunType.REGIONAL, "Khost", 50)
    f.PollFactory(org=data.unicef, rapidpro_name="Not a poll", is_active=False)
    db.flush()
    admin = poll_list(db, data.scope())
    assert admin[["poll", "questions", "dates"]].values.tolist() == [["Farm Poll", 2, 2]]
    assert admin["last_conducted"].tolist() == [(f.NOW + timedelta(hours=50 + 4.5)).date()]  # Kabul's day
    assert poll_list(db, data.scope("Kandahar"))["dates"].tolist() == [1]


def test_the_header_names_the_poll_date_region_and_starter(db, data):
    regional = _pollrun(data, PollRunType.REGIONAL, "Kandahar", 20)
    regional.started_by_id = f.UserFactory(name="Sam Sims").id
    db.flush()
    header = pollrun_header(db, data.scope("Kandahar"), regional.id)
    assert (header.poll, header.day, header.region, header.started_by) == (
        "Farm Poll", date(2026, 11, 3), "Kandahar", "Sam Sims")  # 05:30 Nov 3 in Kabul
    universal = _pollrun(data, PollRunType.UNIVERSAL, None, 1)
    db.flush()
    assert (pollrun_header(db, data.scope(), universal.id).region,
            pollrun_header(db, data.scope(), universal.id).started_by) == ("All", "RapidPro")
    with pytest.raises(NotFound):
        pollrun_header(db, data.scope("Khost"), regional.id)
