"""Every dashboard page opens for an admin and for a supervisor, and shows what it is for."""

from __future__ import annotations

import pytest

from tests.pages.app import figures, open_page, shown_cells, shown_text, texts
from tests.pages.dashboard_world import ADMIN, SUPERVISOR, build_dashboard

ROLES = [ADMIN, SUPERVISOR]


@pytest.fixture
def world(db):
    return build_dashboard(db)


def _titles(app) -> list[str]:
    return [title.value for title in app.title]


@pytest.mark.parametrize("login", ROLES)
def test_home(world, login):
    app = open_page(login, "pages/home.py")
    assert _titles(app) == ["Home"]
    assert [h.value for h in app.subheader][:3] == [
        "Most recent poll dates", "Most active regions", "Most active reporter groups"]
    dates = app.dataframe[0].value
    assert list(dates.columns) == ["Date", "Poll", "Region", "Participants", "Responses"]
    assert shown_cells(app.dataframe[0])["Date"][0] == "Nov 02, 2026"
    assert len(figures(app)) == 2


@pytest.mark.parametrize("login", ROLES)
def test_polls(world, login):
    app = open_page(login, "pages/polls.py")
    assert _titles(app) == ["Polls"]
    table = app.dataframe[0].value
    assert table["Poll"].tolist() == ["Attendance"]
    assert table["Questions"].tolist() == [3]


@pytest.mark.parametrize("login", ROLES)
def test_poll_charts_and_dates(world, login):
    app = open_page(login, "pages/poll.py", poll=world.poll_id)
    assert _titles(app) == ["Attendance"]
    assert texts(app.subheader) == ["1. How many came?", "2. Was the school open?", "3. Anything else?"]
    assert len(figures(app)) == 2 and len(app.image) == 1  # two charts and a word cloud
    app = open_page(login, "pages/poll.py", poll=world.poll_id, tab="dates")
    assert len(app.dataframe[0].value) == (3 if login == ADMIN else 2)  # South's own date is the admin's only
    assert not figures(app)


@pytest.mark.parametrize("login", ROLES)
@pytest.mark.parametrize("tab", ["summary", "participation", "responses"])
def test_pollrun_tabs(world, login, tab):
    app = open_page(login, "pages/pollrun.py", pollrun=world.today_id, tab=tab)
    assert _titles(app)[0].startswith("Attendance (")
    assert "Region: All · Started by: RapidPro" in shown_text(app)
    if tab == "summary":
        assert len(figures(app)) == 2 and len(app.image) == 1
    elif tab == "participation":
        assert app.dataframe[0].value["Reporter group"].tolist()[-1] == "Total"
    else:
        assert "Nina North" in app.dataframe[0].value["Contact"].tolist()
        assert [button.label for button in app.download_button] == ["Download CSV", "Download Excel"]


@pytest.mark.parametrize("login", ROLES)
def test_activity(world, login):
    app = open_page(login, "pages/activity.py")
    assert _titles(app) == ["Activity"]
    assert [h.value for h in app.subheader] == [
        "Most active regions", "Most active reporter groups", "Responses by language", "Responses by channel"]
    assert len(figures(app)) == 4
    assert app.dataframe[0].value["Language"].tolist() == ["English"]


@pytest.mark.parametrize("login", ROLES)
def test_contacts_and_a_contact(world, login):
    app = open_page(login, "pages/contacts.py")
    assert _titles(app) == ["Contacts"]
    names = app.dataframe[0].value["Name"].tolist()
    assert "Nina North" in names
    assert len(names) == (4 if login == ADMIN else 3)
    app = open_page(login, "pages/contact.py", contact=world.contacts["Nina North"])
    assert _titles(app) == ["Nina North"]
    details = dict(app.dataframe[0].value.itertuples(index=False))
    assert details["Phone"] == "+250788000001" and details["District"] == "Gasabo"
    assert len(app.dataframe[1].value) == 2  # her two responses
