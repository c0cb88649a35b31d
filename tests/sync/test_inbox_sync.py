"""Inbox messages from RapidPro: named by uuid, or by id on a self-hosted v9 server that gives none."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.clock import ticking_from
from tests.sync.fake_rapidpro import T0, contact, iso
from tracpro.db.models import InboxMessage
from tracpro.rapidpro import RapidPro, RetryPolicy
from tracpro.simulator import Simulator
from tracpro.sync.engine import SyncContext
from tracpro.sync.inbox import inbox_since, sync_inbox
from tracpro.sync.progress import Progress

TOKEN = "inbox-token"


def _message(sender: dict, text: str, created_on: datetime, **naming) -> dict:
    return {**naming, "contact": {"uuid": sender["uuid"], "name": sender["name"]}, "urn": "tel:+250788000001",
            "channel": None, "direction": "in", "type": "text", "status": "handled", "visibility": "visible",
            "text": text, "labels": [], "attachments": [], "flow": None, "created_on": iso(created_on),
            "sent_on": None, "modified_on": iso(created_on)}


def _stored(db, org) -> list[tuple[str | None, int | None, str]]:
    db.expire_all()
    return [tuple(row) for row in db.execute(
        select(InboxMessage.uuid, InboxMessage.rapidpro_id, InboxMessage.text)
        .where(InboxMessage.org_id == org.id).order_by(InboxMessage.text)
    ).all()]


def test_a_v9_message_without_uuid_is_kept_by_its_id(db, org, rapidpro, make_context):
    ann = contact("Ann", [])
    current = _message(ann, "current", T0, uuid="0199c6c4-0000-7000-8000-000000000001", quick_replies=[])
    v9 = _message(ann, "v9", T0 + timedelta(minutes=1), id=4105426)  # no uuid, no quick_replies
    rapidpro.data["messages"] = [current, v9]
    counts = sync_inbox(make_context())
    assert (counts.created, counts.malformed) == (2, 0)
    assert _stored(db, org) == [("0199c6c4-0000-7000-8000-000000000001", None, "current"), (None, 4105426, "v9")]

    rapidpro.data["messages"] = [current, {**v9, "text": "v9, edited"}]
    counts = sync_inbox(make_context())
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 1)
    assert _stored(db, org)[1] == (None, 4105426, "v9, edited")


@pytest.fixture(scope="module")
def v9_server():
    anchor = datetime(2026, 3, 2, tzinfo=ZoneInfo("UTC"))
    with Simulator(tier="demo", seed=17, token=TOKEN, anchor=anchor, message_shape="v9",
                   clock=ticking_from(anchor + timedelta(hours=9))) as simulator:
        yield simulator


def test_a_v9_servers_inbox_syncs_over_http(db, v9_server):
    org = f.OrgFactory(rapidpro_host=v9_server.url, rapidpro_token=TOKEN, timezone="Africa/Kigali")
    db.flush()
    rapidpro = RapidPro(v9_server.url, TOKEN, RetryPolicy(attempts=2, base_wait=0.01))
    context = SyncContext(org.id, org.slug, ZoneInfo(org.timezone), org.sameday_mode, rapidpro, v9_server.now(),
                          Progress(bars=False))
    since = iso(inbox_since(context))
    expected = {message["id"] for message in v9_server.dataset.iter_messages(folder="inbox")
                if message["created_on"] >= since}
    counts = sync_inbox(context)
    assert expected and (counts.created, counts.malformed) == (len(expected), 0)
    stored = _stored(db, org)
    assert {rapidpro_id for _, rapidpro_id, _ in stored} == expected
    assert all(uuid is None for uuid, _, _ in stored)
    assert sync_inbox(context).changed == 0
