"""Contacts (the list, details, responses) and activity, counted only within the user's scope."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests import factories as f
from tests.queries.tracpro_data import build_data
from tracpro.auth.scope import NotFound
from tracpro.db.models import ResponseStatus
from tracpro.queries.activity import most_active, responses_by
from tracpro.queries.contacts import contact_count, contact_detail, contact_list, contact_responses
from tracpro.sync.summaries import refresh_summaries

E, P, C = ResponseStatus.EMPTY, ResponseStatus.PARTIAL, ResponseStatus.COMPLETE


@pytest.fixture
def data(db):
    return build_data(db)


def test_the_contact_list_search_and_recent_participation(db, data):
    pollrun = f.PollRunFactory(poll=data.poll, conducted_on=datetime(2014, 12, 1, tzinfo=UTC),
                               conducted_date=datetime(2014, 12, 1).date())
    f.ResponseFactory(pollrun=pollrun, contact=data.contacts["Ann"], status=E)
    db.flush()
    admin = contact_list(db, data.scope())
    assert admin["Name"].tolist() == ["Ann", "Bob", "Cat", "Dan", "Eve"]  # not Nyaruka's Norbert
    assert "Farm Poll (2014-12-01)" not in admin.columns  # no region selected: no participation columns
    assert contact_list(db, data.scope(), search="an")["Name"].tolist() == ["Ann", "Dan"]  # name or URN
    supervisor = contact_list(db, data.scope("Kandahar"))
    assert supervisor["Name"].tolist() == ["Ann", "Bob"]
    assert supervisor["Farm Poll (2014-12-01)"].tolist() == [False, False]  # Ann's response is empty


def test_the_contact_list_is_cut_in_sql_and_counted_whole(db, data):
    first_two = contact_list(db, data.scope(), limit=2)
    assert first_two["Name"].tolist() == ["Ann", "Bob"]
    assert first_two.loc[0, "Reporter groups"] == "Farmers, Teachers"  # active groups, by name
    assert first_two.loc[0, "Region"] == "Kandahar"
    assert contact_count(db, data.scope()) == 5
    assert contact_count(db, data.scope(), search="an") == 2
    assert contact_count(db, data.scope("Kandahar")) == 2


def test_contact_details_are_not_found_outside_the_scope_or_the_org(db, data):
    detail = contact_detail(db, data.scope("Kandahar"), data.contacts["Ann"].id)
    assert (detail.urn_label, detail.urn, detail.region, detail.language) == ("Phone", "1234", "Kandahar", "English")
    assert detail.reporter_groups == ("Farmers", "Teachers")
    for name in ("Eve", "Norbert"):
        with pytest.raises(NotFound):
            contact_detail(db, data.scope("Kandahar"), data.contacts[name].id)


def test_a_contacts_responses_show_categories_and_open_values(db, data):
    pollrun = f.PollRunFactory(poll=data.poll)
    response = f.ResponseFactory(pollrun=pollrun, contact=data.contacts["Ann"])
    f.AnswerFactory(response=response, question=data.questions["sheep"], value="4", category="1 - 5")
    f.AnswerFactory(response=response, question=data.questions["weather"], value="Sunny", value_to_use="Sunny",
                    category=None)
    f.ResponseFactory(pollrun=f.PollRunFactory(poll=data.poll, conducted_on=f.NOW - timedelta(days=7),
                                               conducted_date=(f.NOW - timedelta(days=7)).date()),
                      contact=data.contacts["Ann"], status=E, updated_on=f.NOW - timedelta(days=7))
    db.flush()
    table = contact_responses(db, data.scope(), data.contacts["Ann"].id)
    assert table["Answers"].tolist() == ["1. Number of sheep: 1 - 5\n2. How is the weather?: Sunny", "No response"]


def test_most_active_counts_answered_responses_in_the_users_scope_only(db, data):
    now, today = f.NOW, f.NOW.date()  # 14:00 in Kabul
    pollrun = f.PollRunFactory(poll=data.poll, conducted_on=now, conducted_date=now.date())
    for name, status, days_ago in (("Ann", C, 1), ("Bob", P, 2), ("Cat", C, 3), ("Dan", E, 1), ("Eve", C, 40)):
        f.ResponseFactory(pollrun=pollrun, contact=data.contacts[name], status=status,
                          updated_on=now - timedelta(days=days_ago))
    db.flush()
    refresh_summaries(db, data.unicef.id)
    everyone = most_active(db, data.scope(), today=today)
    assert everyone.regions.values.tolist() == [["Kandahar", 2], ["Khost", 1]]  # Dan empty, Eve too old
    assert everyone.reporter_groups.values.tolist() == [["Farmers", 2], ["Teachers", 2], ["Doctors", 1],
                                                        ["Kandahar", 1]]
    kandahar = most_active(db, data.scope("Kandahar"), today=today)
    assert kandahar.regions.values.tolist() == [["Kandahar", 2]]  # Khost is out of scope: not counted
    assert kandahar.reporter_groups["responses"].sum() == 4  # Ann twice, Bob twice; Cat is out of scope


def test_responses_by_language_and_channel_per_org_local_day(db, data):
    now = datetime(2026, 11, 2, 22, 0, tzinfo=UTC)  # 02:30 on Nov 3 in Kabul
    pollrun = f.PollRunFactory(poll=data.poll, conducted_on=now, conducted_date=now.date())
    data.contacts["Cat"].language = "fra"
    for name in ("Ann", "Cat", "Dan"):
        f.ResponseFactory(pollrun=pollrun, contact=data.contacts[name], status=C, updated_on=now)
    db.flush()
    refresh_summaries(db, data.unicef.id)
    by_language = responses_by(db, data.scope(), "language", today=date(2026, 11, 3))
    assert by_language[["value", "responses"]].values.tolist() == [["eng", 2], ["fra", 1]]
    assert {day.isoformat() for day in by_language["day"]} == {"2026-11-03"}
    by_channel = responses_by(db, data.scope(), "channel", today=date(2026, 11, 3))
    assert by_channel[["value", "responses"]].values.tolist() == [["tel", 2], ["twitter", 1]]
