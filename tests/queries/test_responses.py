"""The Responses tab and its download (the original TracPro's CSV columns and raw values)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests import factories as f
from tests.queries.tracpro_data import build_data
from tracpro.db.models import ResponseStatus
from tracpro.queries.responses import pollrun_responses, responses_export

E, P, C = ResponseStatus.EMPTY, ResponseStatus.PARTIAL, ResponseStatus.COMPLETE


@pytest.fixture
def data(db):
    return build_data(db)


@pytest.fixture
def pollrun(db, data):
    pollrun = f.PollRunFactory(poll=data.poll)
    sheep, weather = data.questions["sheep"], data.questions["weather"]
    at = datetime(2014, 1, 1, 7, 0, tzinfo=UTC)  # 11:30 in Kabul
    answers = {"Ann": ("3", "Sunny"), "Bob": ("5", None), "Cat": (None, "Rainy"), "Dan": (None, None)}
    for name, status, minutes, superseded in (("Ann", C, 2, False), ("Bob", P, 1, False), ("Cat", C, 3, False),
                                              ("Dan", E, 4, False), ("Ann", P, 0, True)):
        response = f.ResponseFactory(pollrun=pollrun, contact=data.contacts[name], status=status,
                                     updated_on=at.replace(minute=minutes), is_active=not superseded)
        number, words = ("1", None) if superseded else answers[name]
        for question, value in ((sheep, number), (weather, words)):
            if value is not None:
                f.AnswerFactory(response=response, question=question, value=value, category=value.upper(),
                                value_to_use=f"{value}!" if question is sheep else value)
    db.flush()
    return pollrun


def test_the_page_lists_active_partial_and_complete_responses_newest_first(db, data, pollrun):
    table = pollrun_responses(db, data.scope(), pollrun.id)
    assert table.columns.tolist() == ["Date", "Contact", "contact_id", "Region", "Reporter groups",
                                      "Number of sheep", "How is the weather?"]
    assert table[["Contact", "Number of sheep", "How is the weather?"]].values.tolist() == [
        ["Cat", "--", "Rainy"], ["Ann", "3!", "Sunny"], ["Bob", "5!", "--"]]  # values to use; Dan was empty
    assert table["Reporter groups"].tolist() == ["Doctors, Teachers", "Farmers, Teachers", "Farmers, Kandahar"]
    assert table["Date"].tolist()[0] == datetime(2014, 1, 1, 11, 33)  # Kabul time


def test_the_download_has_tracpros_columns_raw_values_categories_and_superseded_responses_marked(db, data, pollrun):
    table = responses_export(db, data.scope("Kandahar"), pollrun.id)
    assert table.columns.tolist() == ["Date", "Name", "URN", "Region", "Reporter groups", "Counted",
                                      "Number of sheep", "Number of sheep (category)",
                                      "How is the weather?", "How is the weather? (category)"]
    leading = ["Date", "Name", "Counted", "Number of sheep", "How is the weather?"]
    assert table[leading].values.tolist() == [
        ["2014-01-01T11:32:00+04:30", "Ann", "yes", "3", "Sunny"],  # Kabul's offset
        ["2014-01-01T11:31:00+04:30", "Bob", "yes", "5", ""],
        ["2014-01-01T11:30:00+04:30", "Ann", "no: a later response replaced it", "1", ""],  # superseded
    ]
    assert table["Number of sheep (category)"].tolist() == ["3", "5", "1"]
    assert table["How is the weather? (category)"].tolist() == ["SUNNY", "", ""]
    french = responses_export(db, data.scope("Kandahar"), pollrun.id, language="fr")
    assert french.columns[7] == "Number of sheep (catégorie)" and french["Counted"].tolist()[0] == "oui"
