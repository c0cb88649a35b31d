"""A table's rows open their pages in the same tab (tracpro.ui.table_view): a click on a row, or on a
cell naming something else (a poll's name), switches page with that page's permalink, the
sidebar's region included. Dates in tables are worded in the viewer's language."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from tests import factories as f
from tests.pages.app import click_cell, click_row, open_page, shown_cells, shown_text
from tests.pages.dashboard_world import ADMIN, SUPERVISOR, build_dashboard
from tracpro.db.models import Contact, Org, User
from tracpro.i18n import gettext_in
from tracpro.ui.sidebar import region_widget_key
from tracpro.ui.table_view import MOST_VISIBLE_ROWS, height


@pytest.fixture
def world(db):
    return build_dashboard(db)


def _on(app, title: str, **params: object) -> None:
    """The app shows the page titled `title`, at an address of exactly these query parameters."""
    assert [element.value for element in app.title] == [title]
    assert app.query_params == {name: str(value) for name, value in params.items()}


def test_home_a_row_opens_its_date_and_a_cell_its_poll_or_the_dates_tab(world):
    app = open_page(SUPERVISOR, "pages/home.py")
    _on(click_row(app, "home-dates", 1), "Attendance (Oct 26, 2026)", pollrun=world.week_ago_id)
    _on(click_cell(open_page(SUPERVISOR, "pages/home.py"), "home-dates", 0, "Date"),
        "Attendance (Nov 02, 2026)", pollrun=world.today_id)
    _on(click_cell(open_page(SUPERVISOR, "pages/home.py"), "home-dates", 0, "Poll"), "Attendance",
        poll=world.poll_id)
    app = click_cell(open_page(SUPERVISOR, "pages/home.py"), "home-dates", 0, "Responses")
    _on(app, "Attendance (Nov 02, 2026)", pollrun=world.today_id, tab="responses")
    assert app.tabs[2].label == "Responses" and app.dataframe  # the responses' tab is the one drawn


def test_the_way_from_a_table_keeps_the_region_chosen_in_the_sidebar(world):
    app = open_page(ADMIN, "pages/home.py")
    app.selectbox(key=region_widget_key(world.org_id)).set_value(world.regions["North"]).run()
    assert app.query_params == {"region": str(world.regions["North"])}
    _on(click_row(app, "home-dates", 0), "Attendance (Nov 02, 2026)", pollrun=world.today_id,
        region=world.regions["North"])
    assert app.sidebar.selectbox[0].value == world.regions["North"]


def test_the_poll_dates_the_polls_and_their_dates_tab(world):
    dates = open_page(ADMIN, "pages/poll.py", poll=world.poll_id, tab="dates")
    assert shown_cells(dates.dataframe[0])["Date"].tolist() == ["Nov 02, 2026", "Nov 01, 2026", "Oct 26, 2026"]
    assert "Click a row to open its poll date." in shown_text(dates)
    _on(click_row(dates, "poll-dates", 1), "Attendance (Nov 01, 2026)", pollrun=world.south_pollrun_id)
    _on(click_row(open_page(ADMIN, "pages/polls.py"), "polls", 0), "Attendance", poll=world.poll_id)
    app = click_cell(open_page(ADMIN, "pages/polls.py"), "polls", 0, "Dates")
    _on(app, "Attendance", poll=world.poll_id, tab="dates")


def test_contacts_and_a_dates_responses_open_the_contact(world):
    contacts = open_page(SUPERVISOR, "pages/contacts.py")
    assert contacts.dataframe[0].value["Name"][1] == "Nina North"
    _on(click_row(contacts, "contacts", 1), "Nina North", contact=world.contacts["Nina North"])
    responses = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id, tab="responses")
    assert responses.dataframe[0].value["Contact"][1] == "Gilbert Gicumbi"
    # Any cell of the row: the whole row opens the contact.
    app = click_cell(responses, "pollrun-responses", 1, "Region")
    _on(app, "Gilbert Gicumbi", contact=world.contacts["Gilbert Gicumbi"])


def test_a_contacts_responses_open_their_date_or_poll_and_a_message_its_date(world):
    nina = world.contacts["Nina North"]
    _on(click_row(open_page(SUPERVISOR, "pages/contact.py", contact=nina), "contact-responses", 1),
        "Attendance (Oct 26, 2026)", pollrun=world.week_ago_id)
    _on(click_cell(open_page(SUPERVISOR, "pages/contact.py", contact=nina), "contact-responses", 0, "Poll"),
        "Attendance", poll=world.poll_id)
    messages = open_page(SUPERVISOR, "pages/contact.py", contact=nina, tab="messages")
    _on(click_row(messages, "contact-messages", 0), "Attendance (Nov 02, 2026)", pollrun=world.today_id)


def test_a_message_for_no_poll_date_opens_nothing(db, world):
    nina = db.get(Contact, world.contacts["Nina North"])
    f.MessageFactory(org_id=world.org_id, pollrun_id=None, region_id=world.regions["North"], text="Hello",
                     recipients=[nina])
    db.flush()
    app = open_page(SUPERVISOR, "pages/contact.py", contact=nina.id, tab="messages")
    table = shown_cells(app.dataframe[1])
    row = table["Text"].tolist().index("Hello")
    assert table["Poll date"][row] == "" and table["Poll date"][1 - row] == "Open"
    _on(click_row(app, "contact-messages", row), "Nina North", contact=nina.id, tab="messages")  # stays


def test_the_inbox_opens_a_conversation_and_the_message_log_its_date(db, world):
    for name, text in (("Nina North", "School closed?"), ("Gilbert Gicumbi", "Where is the form")):
        f.InboxMessageFactory(contact=db.get(Contact, world.contacts[name]), text=text, created_on=f.NOW)
    db.flush()
    inbox = open_page(SUPERVISOR, "pages/inbox.py")
    assert "Click a row to open the conversation." in shown_text(inbox)
    row = inbox.dataframe[0].value["Contact"].tolist().index("Gilbert Gicumbi")
    app = click_cell(inbox, "inbox", row, "Contact")
    _on(app, "Conversation with Gilbert Gicumbi", contact=world.contacts["Gilbert Gicumbi"])
    assert app.dataframe[0].value["Text"].tolist() == ["Where is the form"]
    _on(click_row(open_page(SUPERVISOR, "pages/messages.py"), "message-log", 0), "Attendance (Nov 02, 2026)",
        pollrun=world.today_id)


def test_table_dates_and_moments_are_worded_in_the_viewers_language(db, world):
    db.execute(update(Org).values(available_languages=["en", "fr", "es", "ar"]))
    db.execute(update(User).where(User.login == SUPERVISOR).values(language="fr"))
    db.flush()
    home = shown_cells(open_page(SUPERVISOR, "pages/home.py").dataframe[0])
    assert home["Date"].tolist() == ["2 nov. 2026", "26 oct. 2026"]
    responses = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id, tab="responses")
    # 09:00 UTC less 30 minutes, in Kigali (UTC+2); the cell keeps the moment itself, for sorting.
    assert shown_cells(responses.dataframe[0])["Date"][0] == "2 nov. 2026 11:00"
    assert responses.dataframe[0].value["Date"][0].isoformat() == "2026-11-02T11:00:00"
    db.execute(update(User).where(User.login == SUPERVISOR).values(language="ar"))
    db.flush()
    log = shown_cells(open_page(SUPERVISOR, "pages/messages.py").dataframe[0])
    # The world's message was sent when the test began (the factory's default): its month in Arabic letters.
    assert re.fullmatch(r"[0-9]{1,2} [\u0621-\u064A]+ [0-9]{4} [0-9]{2}:[0-9]{2}", log[gettext_in("ar", "Sent on")][0])


def test_a_table_is_as_tall_as_its_rows_up_to_a_limit():
    assert height(3) == height(MOST_VISIBLE_ROWS) == "content"
    assert height(MOST_VISIBLE_ROWS + 1) == height(1_000) == (MOST_VISIBLE_ROWS + 1) * 35 + 2


def test_a_table_drawn_again_after_its_row_was_opened_has_nothing_chosen(world):
    """As after the browser's Back button: the page with the table again, its row not opened twice."""
    app = click_row(open_page(SUPERVISOR, "pages/contacts.py"), "contacts", 1)
    _on(app, "Nina North", contact=world.contacts["Nina North"])
    app.query_params.clear()
    app.switch_page("pages/contacts.py").run()
    _on(app, "Contacts")
    assert not app.exception and app.dataframe[0].value["Name"][1] == "Nina North"


def test_back_to_the_address_a_switch_left_behind_shows_the_page_that_was_there(world):
    """Streamlit's switch_page leaves an entry of the page left with the new page's query in the
    browser's history ("poll?pollrun=7"); Back lands there, and the page left opens with its own query."""
    app = click_row(open_page(ADMIN, "pages/poll.py", poll=world.poll_id, tab="dates"), "poll-dates", 0)
    _on(app, "Attendance (Nov 02, 2026)", pollrun=world.today_id)
    app.query_params.clear()
    app.query_params["pollrun"] = str(world.today_id)  # what Back brings: the poll's path, the date's query
    app.switch_page("pages/poll.py").run()
    _on(app, "Attendance", poll=world.poll_id, tab="dates")
    assert app.tabs[1].label == "Dates" and app.dataframe  # the dates, as they were
    app.query_params.clear()
    app.query_params["pollrun"] = str(world.today_id)  # once mended, an address like any other
    app.switch_page("pages/poll.py").run()
    assert "No poll chosen: open one from the list." in shown_text(app)
