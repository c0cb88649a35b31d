"""The action pages: starting a poll, messaging and restarting a poll date's contacts, the inbox
with its replies, and the Messages page.

RapidPro is unreachable here: the dashboard world's org points at 127.0.0.1:9, where nothing
listens, so the page's immediate push fails at once and leaves the actions pending (the push
itself is tested against the simulator in tests/outbox).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.pages.app import errors, open_page, shown_text
from tests.pages.dashboard_world import ADMIN, SUPERVISOR, build_dashboard
from tracpro.actions.messages import recipients
from tracpro.auth.scope import Scope
from tracpro.db.models import (
    Audience,
    Contact,
    Message,
    OutboxAction,
    OutboxStatus,
    PollRun,
    PollRunType,
    ReporterGroup,
    User,
)
from tracpro.ui.action_forms import push_outcome


@pytest.fixture
def world(db):
    return build_dashboard(db)


def _actions(db, kind: str) -> list[OutboxAction]:
    return list(db.scalars(select(OutboxAction).where(OutboxAction.kind == kind).order_by(OutboxAction.id)))


def _uuids(db, *contact_ids: int) -> set[str]:
    return {db.get(Contact, contact_id).uuid for contact_id in contact_ids}


def test_the_audiences_offered_count_each_contact_once_as_the_message_would_reach_them(db, world):
    # Nina in two reporter groups: participation counts her in each, a message reaches her once.
    nina = db.get(Contact, world.contacts["Nina North"])
    nina.reporter_groups = list(db.scalars(select(ReporterGroup).where(ReporterGroup.org_id == world.org_id)))
    db.flush()
    app = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id)
    assert app.radio(key="message.audience").options == ["All participants (3)", "Respondents (1)",
                                                         "Non-respondents (2)"]
    north = Scope(world.org_id, frozenset({world.regions["North"], world.regions["Gicumbi"]}),
                  world.regions["North"])
    assert [len(recipients(db, north, world.today_id, audience)) for audience in
            (Audience.ALL, Audience.RESPONDENTS, Audience.NON_RESPONDENTS)] == [3, 1, 2]
    # An admin sees South's Sam too.
    admin = open_page(ADMIN, "pages/pollrun.py", pollrun=world.today_id)
    assert admin.radio(key="message.audience").options == ["All participants (4)", "Respondents (2)",
                                                           "Non-respondents (2)"]


def test_a_message_to_the_non_respondents_is_stored_with_its_outbox_action_after_confirmation(db, world):
    app = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id)
    app.radio(key="message.audience").set_value(Audience.NON_RESPONDENTS)
    app.text_area(key="message.text.0").input("Please answer today's poll")
    app.button(key="FormSubmitter:pollrun_message-Review the message").click().run()
    assert "Send “Please answer today's poll” to 2 contacts (non-respondents)?" in shown_text(app)
    assert not db.scalars(select(Message).where(Message.text == "Please answer today's poll")).all()
    app.button(key=f"message.confirm.{world.today_id}.confirm").click().run()
    assert not app.exception, app.exception

    message = db.scalars(select(Message).where(Message.text == "Please answer today's poll")).one()
    assert message.audience == Audience.NON_RESPONDENTS and message.pollrun_id == world.today_id
    assert {c.id for c in message.recipients} == {world.contacts["Gilbert Gicumbi"], world.contacts["Nobody Grouped"]}
    (action,) = _actions(db, "send_broadcast")
    assert set(action.payload["contacts"]) == _uuids(db, world.contacts["Gilbert Gicumbi"],
                                                     world.contacts["Nobody Grouped"])
    db.refresh(action)
    assert action.status == OutboxStatus.PENDING and action.attempts == 1
    text = shown_text(app)
    assert "Message to 2 contacts: RapidPro did not answer, so it will be sent with the next sync." in text
    table = app.dataframe[0].value
    assert table["Action"].tolist() == ["Send a message to 2 contacts"]
    assert table["Status"].tolist() == ["Waiting for RapidPro"]
    assert app.text_area(key="message.text.1").value == ""  # ready for the next message


def test_an_empty_message_is_refused_and_nothing_is_stored(db, world):
    app = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id)
    app.text_area(key="message.text.0").input("   ")
    app.button(key="FormSubmitter:pollrun_message-Review the message").click().run()
    assert errors(app) == ["Please enter some message text."]
    assert not _has_button(app, f"message.confirm.{world.today_id}.confirm")
    assert db.scalars(select(Message.text)).all() == ["Thank you, North!"]  # the world's own
    assert not _actions(db, "send_broadcast")


def test_a_message_longer_than_640_characters_is_kept_in_the_box_and_its_length_said(db, world):
    """The box has no browser limit, which would drop a longer paste whole and leave it empty."""
    app = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id)
    assert app.text_area(key="message.text.0").max_chars == 0  # no limit (AppTest reads an unset one as 0)
    long_text = "Please answer. " * 48  # 720 characters, 719 once trimmed
    app.text_area(key="message.text.0").input(long_text)
    app.button(key="FormSubmitter:pollrun_message-Review the message").click().run()
    assert errors(app) == ["A message has at most 640 characters (this one has 719)."]
    assert app.text_area(key="message.text.0").value == long_text  # there to be shortened
    assert not _has_button(app, f"message.confirm.{world.today_id}.confirm")
    assert not _actions(db, "send_broadcast")


def _has_button(app, key: str) -> bool:
    return any(button.key == key for button in app.button)


def test_restarting_the_non_respondents_starts_the_flow_for_them_only(db, world):
    app = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id)
    assert "Start the flow again for the 2 contacts whose response is empty or partial." in shown_text(app)
    app.button(key="restart.ask").click().run()
    assert not _actions(db, "start_flow")
    app.button(key=f"restart.confirm.{world.today_id}.confirm").click().run()
    assert not app.exception, app.exception
    (action,) = _actions(db, "start_flow")
    assert action.payload["pollrun_id"] == world.today_id
    assert set(action.payload["contacts"]) == _uuids(db, world.contacts["Gilbert Gicumbi"],
                                                     world.contacts["Nobody Grouped"])
    assert "Restarted the poll for 2 contacts" in shown_text(app)


def test_a_supervisor_starts_a_poll_only_in_their_regions_and_the_new_date_opens_waiting(db, world):
    app = open_page(SUPERVISOR, "pages/start_poll.py")
    assert app.selectbox(key="start.poll").options == ["Attendance"]
    regions = app.selectbox(key="start.region")
    assert [option.strip() for option in regions.options] == ["North (3 contacts)", "Gicumbi (1 contact)"]
    assert app.checkbox(key="start.propagate").value is True
    assert "RapidPro starts the flow for the 3 contacts of North and its sub-regions" in shown_text(app)
    app.checkbox(key="start.propagate").uncheck().run()
    assert "RapidPro starts the flow for the 2 contacts of North" in shown_text(app)
    app.button(key="start.submit").click().run()  # reviewed for North alone ...
    assert "Start “Attendance” for the 2 contacts of North?" in shown_text(app)
    app.checkbox(key="start.propagate").check().run()  # ... then the choice changed: a new review
    assert not _has_button(app, "start.confirm.confirm")
    app.button(key="start.submit").click().run()
    assert "Start “Attendance” for the 3 contacts of North and its sub-regions?" in shown_text(app)
    assert not _actions(db, "start_flow")  # nothing started before the second step
    assert app.button(key="start.confirm.confirm").label == "Start the poll for 3 contacts"
    app.button(key="start.confirm.confirm").click().run()
    assert not app.exception, app.exception

    pollrun = db.scalars(select(PollRun).where(PollRun.pollrun_type == PollRunType.PROPAGATED)).one()
    assert pollrun.region_id == world.regions["North"] and pollrun.poll_id == world.poll_id
    (action,) = _actions(db, "start_flow")
    assert set(action.payload["contacts"]) == _uuids(
        db, world.contacts["Nina North"], world.contacts["Gilbert Gicumbi"], world.contacts["Nobody Grouped"]
    )
    # The new poll date is open, waiting for its first responses.
    assert app.title[0].value.startswith("Attendance")
    text = shown_text(app)
    assert "Started Attendance for the 3 contacts of North and its sub-regions" in text
    assert "Waiting for responses: the poll was started for 3 contacts." in text
    assert app.query_params["pollrun"] == str(pollrun.id)


def test_the_poll_page_and_home_lead_to_the_start_form(db, world):
    poll = open_page(SUPERVISOR, "pages/poll.py", poll=world.poll_id)
    assert any(link.label == "Start this poll" for link in poll.get("page_link"))
    start = open_page(SUPERVISOR, "pages/start_poll.py", poll=world.poll_id)
    assert "Poll: **Attendance**" in shown_text(start) and not _has_selectbox(start, "start.poll")
    home = open_page(SUPERVISOR, "pages/home.py")
    assert any(link.label == "Start a poll" for link in home.get("page_link"))


def _has_selectbox(app, key: str) -> bool:
    return any(box.key == key for box in app.selectbox)


@pytest.fixture
def inbox(db, world):
    def contact(name):
        return db.get(Contact, world.contacts[name])

    now = f.NOW
    f.InboxMessageFactory(contact=contact("Nina North"), text="School closed?", created_on=now - timedelta(hours=3))
    f.InboxMessageFactory(contact=contact("Nina North"), text="Rain again today", created_on=now - timedelta(hours=1))
    f.InboxMessageFactory(contact=contact("Gilbert Gicumbi"), text="Where is the form",
                          created_on=now - timedelta(hours=2))
    f.InboxMessageFactory(contact=contact("Sam South"), text="South news", created_on=now)
    db.flush()
    return world


def test_the_inbox_shows_the_latest_message_per_contact_in_view_and_searches(db, inbox):
    app = open_page(SUPERVISOR, "pages/inbox.py")
    table = app.dataframe[0].value
    assert table["Text"].tolist() == ["Rain again today", "Where is the form"]
    assert table["Contact"].tolist() == ["Nina North", "Gilbert Gicumbi"]
    app.text_input(key="inbox_search").input("form").run()
    assert app.dataframe[0].value["Text"].tolist() == ["Where is the form"]
    admin = open_page(ADMIN, "pages/inbox.py")
    assert admin.dataframe[0].value["Text"].tolist() == ["South news", "Rain again today", "Where is the form"]


def test_a_reply_is_stored_and_shows_in_the_conversation_with_its_status(db, inbox):
    nina = inbox.contacts["Nina North"]
    app = open_page(SUPERVISOR, "pages/inbox.py", contact=nina)
    assert app.title[0].value == "Conversation with Nina North"
    assert app.dataframe[0].value["Text"].tolist() == ["Rain again today", "School closed?"]
    app.text_area(key=f"reply_{nina}.text.0").input("We will check, thank you")
    app.button(key=f"FormSubmitter:reply_{nina}-Send reply").click().run()
    assert not app.exception, app.exception
    message = db.scalars(select(Message).where(Message.audience == Audience.CONTACT)).one()
    assert message.text == "We will check, thank you" and [c.id for c in message.recipients] == [nina]
    (action,) = _actions(db, "send_broadcast")
    assert action.payload["contacts"] == [db.get(Contact, nina).uuid]
    conversation = app.dataframe[0].value
    reply = conversation[conversation["Text"] == "We will check, thank you"]
    assert reply["From"].tolist() == ["Reply by Sam Supervisor"] and reply["Status"].tolist() == ["pending"]
    assert "Reply to Nina North: RapidPro did not answer" in shown_text(app)
    assert app.text_area(key=f"reply_{nina}.text.1").value == ""


def test_an_empty_reply_is_refused(db, inbox):
    nina = inbox.contacts["Nina North"]
    app = open_page(SUPERVISOR, "pages/inbox.py", contact=nina)
    app.button(key=f"FormSubmitter:reply_{nina}-Send reply").click().run()
    assert errors(app) == ["Please enter some message text."]
    assert not db.scalars(select(Message).where(Message.audience == Audience.CONTACT)).all()


def test_a_reply_longer_than_640_characters_is_refused_with_its_length_and_kept(db, inbox):
    nina = inbox.contacts["Nina North"]
    app = open_page(SUPERVISOR, "pages/inbox.py", contact=nina)
    assert app.text_area(key=f"reply_{nina}.text.0").max_chars == 0  # no limit (AppTest reads an unset one as 0)
    app.text_area(key=f"reply_{nina}.text.0").input("x" * 700)
    app.button(key=f"FormSubmitter:reply_{nina}-Send reply").click().run()
    assert errors(app) == ["A message has at most 640 characters (this one has 700)."]
    assert app.text_area(key=f"reply_{nina}.text.0").value == "x" * 700
    assert not db.scalars(select(Message).where(Message.audience == Audience.CONTACT)).all()


def test_a_conversation_outside_the_scope_is_not_found(db, inbox):
    app = open_page(SUPERVISOR, "pages/inbox.py", contact=inbox.contacts["Sam South"])
    assert errors(app) == ["This contact does not exist, or you may not see it."]
    assert not app.dataframe


def _user_id(db, login: str) -> int:
    return db.scalars(select(User.id).where(User.login == login)).one()


def test_the_messages_page_lists_sent_messages_and_my_actions(db, world):
    f.OutboxActionFactory(org_id=world.org_id, kind="send_broadcast", status=OutboxStatus.FAILED,
                          last_error="Text is too long", created_by_id=_user_id(db, ADMIN),
                          payload={"text": "x", "contacts": ["a", "b"]})
    f.OutboxActionFactory(org_id=world.org_id, kind="start_flow", created_by_id=_user_id(db, SUPERVISOR),
                          payload={"flow": "f", "contacts": ["a"], "pollrun_id": world.today_id})
    db.flush()
    app = open_page(SUPERVISOR, "pages/messages.py")
    log = app.dataframe[0].value
    assert log["Text"].tolist() == ["Thank you, North!"]
    assert log["Recipients in view"].tolist() == [1] and log["Status"].tolist() == ["Pending"]
    mine = open_page(SUPERVISOR, "pages/messages.py", tab="my recent actions")
    assert [tab.label for tab in mine.tabs] == ["Sent messages", "My recent actions"]
    actions = mine.dataframe[0].value
    assert actions["Action"].tolist() == ["Start the poll for 1 contact"]
    assert actions["Status"].tolist() == ["Waiting for RapidPro"]
    admin = open_page(ADMIN, "pages/messages.py", tab="recent actions")
    actions = admin.dataframe[0].value
    assert actions["Status"].tolist() == ["Waiting for RapidPro", "Refused by RapidPro"]
    assert actions["RapidPro said"].tolist() == ["", "Text is too long"]


def test_the_push_outcome_says_what_became_of_the_actions():
    done, sending, pending, failed = (OutboxStatus.DONE, OutboxStatus.SENDING, OutboxStatus.PENDING,
                                      OutboxStatus.FAILED)
    assert push_outcome({1: done, 2: done}) == ("success", "sent to RapidPro")
    # The sync job claimed one first: it is sending it now.
    assert push_outcome({1: done, 2: sending}) == ("success", "being sent to RapidPro")
    assert push_outcome({1: done, 2: pending})[1] == "RapidPro did not answer, so it will be sent with the next sync"
    assert push_outcome({1: done, 2: failed})[0] == "warning"


def test_the_same_message_again_minutes_later_asks_once_more_naming_when_and_by_whom(db, world):
    def review_and_send(app, sent: int):
        app.radio(key="message.audience").set_value(Audience.NON_RESPONDENTS)
        app.text_area(key=f"message.text.{sent}").input("Please answer today's poll")  # a new box after each send
        app.button(key="FormSubmitter:pollrun_message-Review the message").click().run()
        app.button(key=f"message.confirm.{world.today_id}.confirm").click().run()

    app = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id)
    review_and_send(app, 0)
    review_and_send(app, 1)
    assert not app.exception, app.exception
    # RapidPro is unreachable here, so the first is still waiting: sending again would reach them twice.
    warning = " ".join(w.value for w in app.warning)
    assert ("The same message to 2 contacts is still waiting to be sent: Sam Supervisor asked for it at "
            "Nov 02, 2026 11:3") in warning  # the org's time (Kigali), to the minute the test ran in
    assert len(db.scalars(select(Message).where(Message.text == "Please answer today's poll")).all()) == 1
    assert app.button(key=f"message.repeat.{world.today_id}.confirm").label == "Send it again to 2 contacts"
    app.button(key=f"message.repeat.{world.today_id}.confirm").click().run()
    assert not app.exception, app.exception
    assert len(db.scalars(select(Message).where(Message.text == "Please answer today's poll")).all()) == 2
    assert "Message to 2 contacts" in shown_text(app)


def test_starting_the_same_poll_again_for_the_same_contacts_asks_once_more(db, world):
    app = open_page(SUPERVISOR, "pages/start_poll.py")
    app.button(key="start.submit").click().run()
    app.button(key="start.confirm.confirm").click().run()
    again = open_page(SUPERVISOR, "pages/start_poll.py")
    again.button(key="start.submit").click().run()
    again.button(key="start.confirm.confirm").click().run()
    assert "This poll's start for 3 contacts is still waiting to be sent: Sam Supervisor asked for it" in (
        " ".join(w.value for w in again.warning))
    assert len(_actions(db, "start_flow")) == 1
    again.button(key="start.repeat.cancel").click().run()  # thought better of it
    assert len(_actions(db, "start_flow")) == 1 and not _has_button(again, "start.repeat.confirm")


def test_the_action_list_shows_one_line_per_action_with_all_its_recipients(db, world):
    for batch in (100, 1):  # RapidPro takes 100 contacts a call: one message to 101 is two calls
        f.OutboxActionFactory(org_id=world.org_id, kind="send_broadcast", created_by_id=_user_id(db, ADMIN),
                              payload={"text": "x", "contacts": [f"c{i}" for i in range(batch)], "request": "r1"})
    db.flush()
    actions = open_page(ADMIN, "pages/messages.py", tab="recent actions").dataframe[0].value
    assert actions["Action"].tolist() == ["Send a message to 101 contacts"]


def test_the_same_reply_again_asks_once_more(db, inbox):
    nina = inbox.contacts["Nina North"]
    app = open_page(SUPERVISOR, "pages/inbox.py", contact=nina)
    for sent in (0, 1):
        app.text_area(key=f"reply_{nina}.text.{sent}").input("We will check, thank you")
        app.button(key=f"FormSubmitter:reply_{nina}-Send reply").click().run()
    assert "The same message to 1 contact is still waiting to be sent: Sam Supervisor asked for it at" in (
        " ".join(w.value for w in app.warning))
    assert len(_actions(db, "send_broadcast")) == 1
    app.button(key=f"reply.repeat.{nina}.confirm").click().run()
    assert not app.exception, app.exception
    assert len(_actions(db, "send_broadcast")) == 2


def test_restarting_again_minutes_later_asks_once_more_and_a_new_review_starts_over(db, world):
    app = open_page(SUPERVISOR, "pages/pollrun.py", pollrun=world.today_id)
    for _attempt in range(2):
        app.button(key="restart.ask").click().run()
        app.button(key=f"restart.confirm.{world.today_id}.confirm").click().run()
    assert "This poll's start for 2 contacts is still waiting to be sent: Sam Supervisor asked for it" in (
        " ".join(w.value for w in app.warning))
    assert len(_actions(db, "start_flow")) == 1
    app.button(key="restart.ask").click().run()  # asked afresh: the first question again, then the repeat's
    assert not _has_button(app, f"restart.repeat.{world.today_id}.confirm")
    app.button(key=f"restart.confirm.{world.today_id}.confirm").click().run()
    app.button(key=f"restart.repeat.{world.today_id}.confirm").click().run()
    assert not app.exception, app.exception
    assert len(_actions(db, "start_flow")) == 2
