"""Participation: counts by status as responses arrive, and a Total row that counts each contact once."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.queries.tracpro_data import build_data
from tracpro.db.models import ResponseStatus
from tracpro.queries.participation import NO_REPORTER_GROUP, ParticipationRow, participation, response_counts

E, P, C = ResponseStatus.EMPTY, ResponseStatus.PARTIAL, ResponseStatus.COMPLETE


@pytest.fixture
def data(db):
    return build_data(db)


def _counts(db, data, pollrun, *regions):
    row = response_counts(db, data.scope(*regions), pollrun.id)
    return row.empty, row.partial, row.complete


def test_response_counts_as_responses_arrive(db, data):
    pollrun = f.PollRunFactory(poll=data.poll)
    steps = [("Ann", E, (1, 0, 0), (1, 0, 0), (0, 0, 0), (0, 0, 0)),
             ("Bob", C, (1, 0, 1), (1, 0, 1), (0, 0, 0), (0, 0, 0)),
             ("Dan", C, (1, 0, 2), (1, 0, 1), (0, 0, 0), (0, 0, 1))]
    for name, status, everywhere, kandahar, khost, kunar in steps:
        f.ResponseFactory(pollrun=pollrun, contact=data.contacts[name], status=status)
        db.flush()
        assert _counts(db, data, pollrun) == everywhere
        assert _counts(db, data, pollrun, "Kandahar") == kandahar
        assert _counts(db, data, pollrun, "Khost") == khost
        assert _counts(db, data, pollrun, "Kunar") == kunar


def test_by_reporter_group_a_contact_counts_in_each_group_but_once_in_the_total(db, data):
    pollrun = f.PollRunFactory(poll=data.poll)
    for name, status in (("Ann", C), ("Bob", P), ("Cat", C), ("Dan", E)):
        f.ResponseFactory(pollrun=pollrun, contact=data.contacts[name], status=status)
    db.flush()
    result = participation(db, data.scope(), pollrun.id)
    assert result.rows == (
        ParticipationRow("Doctors", 0, 0, 1),
        ParticipationRow("Farmers", 0, 1, 1),
        ParticipationRow("Kandahar", 0, 1, 0),
        ParticipationRow("Teachers", 0, 0, 2),
        ParticipationRow(NO_REPORTER_GROUP, 1, 0, 0),  # Dan is in no tracked group: still counted
    )
    assert result.total == ParticipationRow("Total", 1, 1, 2)  # four people, not seven group memberships
    assert (result.respondents, result.non_respondents) == (2, 2)
    assert [row.completion for row in result.rows] == ["100%", "50%", "0%", "100%", "0%"]
    assert result.total.completion == "50%"


def test_by_region_each_contact_counts_in_its_own_region(db, data):
    pollrun = f.PollRunFactory(poll=data.poll)
    for name, status in (("Ann", C), ("Bob", C), ("Eve", P)):
        f.ResponseFactory(pollrun=pollrun, contact=data.contacts[name], status=status)
    db.flush()
    result = participation(db, data.scope(), pollrun.id, group_by="region")
    assert result.rows == (ParticipationRow("Kandahar", 0, 0, 2), ParticipationRow("Kunar", 0, 1, 0))
    assert ParticipationRow("x", 1, 0, 2).completion == "66%"  # floor, as TracPro showed it
    assert ParticipationRow("x").completion == ""
