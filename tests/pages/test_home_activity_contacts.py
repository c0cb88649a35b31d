"""Home's recent dates and rankings, Activity, the contact list's search, and a contact's page."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.pages.app import errors, figures, open_page, shown_cells, shown_text, values
from tests.pages.dashboard_world import ADMIN, SUPERVISOR, build_dashboard
from tracpro.db.models import Role


@pytest.fixture
def world(db):
    return build_dashboard(db)


def _ranking(figure) -> dict[str, int]:
    trace = figure["data"][0]
    return dict(zip(values(trace["y"]), values(trace["x"]), strict=True))


def test_home_lists_the_newest_dates_with_links_and_the_rankings_of_the_last_30_days(world):
    app = open_page(SUPERVISOR, "pages/home.py")
    dates = shown_cells(app.dataframe[0])
    assert dates["Date"].tolist() == ["Nov 02, 2026", "Oct 26, 2026"]
    assert dates["Region"].tolist() == ["All", "All"]  # South's own date is not North's
    assert dates["Poll"].tolist() == ["Attendance", "Attendance"]
    assert app.dataframe[0].value["Participants"].tolist() == [3, 1]
    assert dates["Responses"].tolist() == ["1 (1)", "1"]  # complete (partial)
    assert "Click a row to open its poll date, or a poll's name to open the poll." in shown_text(app)
    regions, groups = figures(app)
    assert _ranking(regions) == {"North": 2, "Gicumbi": 1}  # answered responses, empty ones aside
    assert _ranking(groups) == {"Teachers": 2, "Farmers": 1}
    assert shown_text(app).count("Responses in the last 30 days") == 2


def test_home_without_any_poll_date_says_what_happens_next(db):
    org = f.OrgFactory(name="Empty Org")
    region = f.RegionFactory(org=org, name="East")
    f.ContactFactory(org=org, region=region)
    f.MembershipFactory(org=org, role=Role.SUPERVISOR, regions=[region], user__login="east@example.org")
    db.flush()
    app = open_page("east@example.org", "pages/home.py")
    text = shown_text(app)
    assert "No poll dates yet." in text and "No responses in the last 30 days." in text
    assert not app.dataframe and not figures(app)


def test_activity_counts_languages_and_channels_within_the_scope(world):
    supervisor = open_page(SUPERVISOR, "pages/activity.py")
    languages, channels = (frame.value for frame in supervisor.dataframe)
    assert languages[["Language", "Total"]].values.tolist() == [["English", 3]]  # Nina twice, Gilbert once
    assert channels[["Channel", "Total"]].values.tolist() == [["Phone", 3]]  # the scheme tel, named
    admin = open_page(ADMIN, "pages/activity.py")
    assert admin.dataframe[0].value["Total"].tolist() == [6]  # and Sam South's three


def test_the_contact_search_lives_in_the_address(world):
    app = open_page(SUPERVISOR, "pages/contacts.py")
    table = app.dataframe[0].value
    assert table["Name"].tolist() == ["Gilbert Gicumbi", "Nina North", "Nobody Grouped"]
    completed = [column for column in table.columns if column.startswith("Attendance (")]
    assert len(completed) == 2 and table[completed[0]].tolist() == [False, True, False]  # Nina completed today
    app.text_input(key="contact_search").input("gil").run()
    assert app.dataframe[0].value["Name"].tolist() == ["Gilbert Gicumbi"]
    assert app.query_params == {"search": "gil"}
    app.text_input(key="contact_search").input("zzz").run()
    assert "No contact matches “zzz”." in shown_text(app) and not app.dataframe
    shared = open_page(SUPERVISOR, "pages/contacts.py", search="0003")  # by phone number
    assert shared.dataframe[0].value["Name"].tolist() == ["Nobody Grouped"]


def test_a_contacts_page_links_their_responses_and_lists_the_messages_sent_to_them(world):
    app = open_page(SUPERVISOR, "pages/contact.py", contact=world.contacts["Nina North"])
    details = dict(app.dataframe[0].value.itertuples(index=False))
    assert details["Region"] == "North" and details["Reporter groups"] == "Teachers"
    assert details["Language"] == "English"
    responses = shown_cells(app.dataframe[1])
    assert responses["Date"].tolist() == ["Nov 02, 2026", "Oct 26, 2026"] and responses["Poll"][0] == "Attendance"
    assert (
        responses["Answers"][0]
        == "1. How many came?: 3 · 2. Was the school open?: Yes · 3. Anything else?: rain in the north"
    )
    messages = open_page(SUPERVISOR, "pages/contact.py", contact=world.contacts["Nina North"], tab="messages")
    table = shown_cells(messages.dataframe[1])
    assert table["Text"].tolist() == ["Thank you, North!"]
    assert table["Poll date"].tolist() == ["Open"]  # sent for a poll date: its row opens it


def test_a_contact_outside_the_scope_is_not_found(world):
    app = open_page(SUPERVISOR, "pages/contact.py", contact=world.contacts["Sam South"])
    assert errors(app) == ["This contact does not exist, or you may not see it."]
    assert not app.title and not app.dataframe
    assert open_page(ADMIN, "pages/contact.py", contact=world.contacts["Sam South"]).title[0].value == "Sam South"


def test_a_long_contact_list_shows_its_first_rows_and_says_so(world, monkeypatch):
    monkeypatch.setattr("tracpro.ui.tables.MOST_ROWS", 2)
    app = open_page(SUPERVISOR, "pages/contacts.py")
    assert app.dataframe[0].value["Name"].tolist() == ["Gilbert Gicumbi", "Nina North"]
    assert "3 contacts (the first 2 below: search to find the others)" in shown_text(app)
