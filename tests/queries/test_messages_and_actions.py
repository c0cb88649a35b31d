"""The message log and the inbox, a contact's conversation with its replies, and the action list."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories as f
from tests.queries.tracpro_data import build_data
from tracpro.auth.scope import NotFound
from tracpro.db.models import Audience, MessageStatus, OutboxStatus
from tracpro.queries.messages import conversation, inbox, message_log
from tracpro.queries.outbox import recent_actions


@pytest.fixture
def data(db):
    return build_data(db)


def test_the_message_log_newest_first_and_by_selected_region(db, data):
    pollrun = f.PollRunFactory(poll=data.poll)
    c = data.contacts
    f.MessageFactory(org=data.unicef, text="msg1", pollrun_id=pollrun.id, region_id=None,
                     recipients=[c["Ann"], c["Cat"]])
    f.MessageFactory(org=data.unicef, text="msg2", pollrun_id=pollrun.id, region_id=data.regions["Kandahar"].id,
                     audience=Audience.NON_RESPONDENTS, recipients=[c["Bob"]])
    f.MessageFactory(org=data.unicef, text="msg3", pollrun_id=pollrun.id, region_id=data.regions["Khost"].id,
                     recipients=[c["Cat"]], status=MessageStatus.SENT)
    f.MessageFactory(org=data.nyaruka, text="other org", recipients=[c["Norbert"]])
    db.flush()

    admin = message_log(db, data.scope())
    assert admin["Text"].tolist() == ["msg3", "msg2", "msg1"]
    assert admin["Region"].tolist() == ["Khost", "Kandahar", "All"]
    assert admin["Recipients"].tolist() == ["All participants", "Non-respondents", "All participants"]
    assert admin["Status"].tolist() == ["sent", "pending", "pending"]
    assert admin["Recipients in view"].tolist() == [1, 1, 2]
    assert admin["Poll date"].iloc[0] == f"Farm Poll ({pollrun.conducted_date.isoformat()})"

    kandahar = message_log(db, data.scope("Kandahar"))
    assert kandahar["Text"].tolist() == ["msg2", "msg1"]
    # msg1 went to Ann (Kandahar) and Cat (Khost): Kandahar counts only Ann.
    assert kandahar["Recipients in view"].tolist() == [1, 1]
    # Kunar received nothing, not even the message to all regions.
    assert message_log(db, data.scope("Kunar")).empty


def test_the_inbox_shows_the_latest_message_per_contact_of_active_contacts_in_view(db, data):
    c = data.contacts
    f.InboxMessageFactory(contact=c["Ann"], text="Ann older", created_on=f.NOW - timedelta(hours=3))
    f.InboxMessageFactory(contact=c["Ann"], text="Ann newest", created_on=f.NOW - timedelta(hours=1))
    f.InboxMessageFactory(contact=c["Bob"], text="Bob's", created_on=f.NOW - timedelta(hours=2))
    f.InboxMessageFactory(contact=c["Cat"], text="Cat in Khost", created_on=f.NOW)
    dan = f.InboxMessageFactory(contact=c["Dan"], text="Dan is gone", created_on=f.NOW)
    dan.contact.is_active = False
    db.flush()

    assert inbox(db, data.scope("Kandahar"))["Text"].tolist() == ["Ann newest", "Bob's"]
    assert inbox(db, data.scope())["Text"].tolist() == ["Cat in Khost", "Ann newest", "Bob's"]
    assert inbox(db, data.scope(), search="bob")["Contact"].tolist() == ["Bob"]
    newest = inbox(db, data.scope()).iloc[0]
    assert newest["Contact"] == "Cat" and newest["Region"] == "Khost" and newest["Direction"] == "Received"
    # Org-local wall time, as the page shows it (the org is in Asia/Kabul, UTC+04:30).
    assert newest["Created on"] == (f.NOW + timedelta(hours=4, minutes=30)).replace(tzinfo=None)


def test_a_conversation_is_newest_first_with_replies_and_their_status(db, data, admin_user):
    ann = data.contacts["Ann"]
    f.InboxMessageFactory(contact=ann, text="older", created_on=f.NOW - timedelta(hours=3))
    f.InboxMessageFactory(contact=ann, text="newest", created_on=f.NOW - timedelta(hours=1))
    f.MessageFactory(org=data.unicef, text="Thanks Ann", audience=Audience.CONTACT, recipients=[ann],
                     sent_by_id=admin_user.id, created_at=f.NOW - timedelta(hours=2))
    f.MessageFactory(org=data.unicef, text="To everyone", audience=Audience.ALL, recipients=[ann])
    db.flush()

    talk = conversation(db, data.scope("Kandahar"), ann.id)
    assert talk["Text"].tolist() == ["newest", "Thanks Ann", "older"]
    assert talk["From"].tolist() == ["Received", f"Reply by {admin_user.name}", "Received"]
    assert talk["Status"].tolist()[1] == "pending"
    with pytest.raises(NotFound):
        conversation(db, data.scope("Khost"), ann.id)
    with pytest.raises(NotFound):
        conversation(db, data.scope(), data.contacts["Norbert"].id)


@pytest.fixture
def admin_user(db):
    return f.UserFactory(name="Ada Admin")


def test_actions_are_described_with_their_status_and_a_supervisor_sees_only_their_own(db, data, admin_user):
    supervisor = f.UserFactory(name="Sam Supervisor")
    f.OutboxActionFactory(org=data.unicef, created_by_id=supervisor.id, kind="start_flow",
                          payload={"flow": "F-001", "contacts": ["C-001", "C-002"], "pollrun_id": 1})
    f.OutboxActionFactory(org=data.unicef, created_by_id=admin_user.id, kind="update_contact",
                          status=OutboxStatus.FAILED, attempts=1, last_error="urns: Invalid URN",
                          payload={"contact_id": 1, "uuid": "C-003", "contact": {"name": "Cat"}})
    f.OutboxActionFactory(org=data.nyaruka, created_by_id=admin_user.id, kind="delete_contact",
                          payload={"contact_id": 2, "uuid": "C-006", "name": "Norbert"})
    db.flush()

    every = recent_actions(db, data.scope(), admin_user.id)
    assert every["Action"].tolist() == ["Change the contact Cat", "Start the poll for 2 contacts"]
    assert every["Status"].tolist() == ["Refused by RapidPro", "Waiting for RapidPro"]
    assert every["RapidPro said"].tolist() == ["urns: Invalid URN", ""]
    assert every["Asked by"].tolist() == ["Ada Admin", "Sam Supervisor"]

    own = recent_actions(db, data.scope("Kandahar"), supervisor.id)
    assert own["Action"].tolist() == ["Start the poll for 2 contacts"]
