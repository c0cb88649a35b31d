"""Looking a send up in RapidPro's lists as RapidPro orders them: flow starts newest-modified first
(a start's modified_on moves as it runs), one item a page here so the walk crosses pages."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from temba_client.v2 import types

from tests import factories as f
from tests.sync.fake_rapidpro import FakeRapidPro, iso, new_uuid
from tracpro.db.models import OutboxAction, OutboxStatus
from tracpro.outbox.pusher import SENDING_LEASE, push_action, push_pending
from tracpro.rapidpro import Page

NOW = f.NOW
POLL, OTHER = "9b6e1a52-2f0f-4a43-9d3c-1f6f1b0e0001", "9b6e1a52-2f0f-4a43-9d3c-1f6f1b0e0002"


class Recording(FakeRapidPro):
    """Also takes flow starts and broadcasts, recording them (a lookup that misses sends again)."""

    def __init__(self) -> None:
        super().__init__()
        self.page_size = 1
        self.sent: list[tuple[str, Any]] = []

    def _select(self, resource: str, filters: dict[str, Any]) -> list[dict[str, Any]]:
        if resource != "broadcasts":
            return super()._select(resource, filters)
        after = iso(filters["after"]) if filters.get("after") else ""  # broadcasts: by created_on
        return [item for item in self.data[resource] if item["created_on"] >= after]

    def start_flow(self, flow_uuid: str, contact_uuids: list[str], params: dict | None = None) -> Any:
        self.sent.append(("flow_start", params))
        return types.FlowStart.deserialize(_start(flow_uuid, created=NOW, params=params))

    def send_broadcast(self, text: str, contact_uuids: list[str]) -> Any:
        self.sent.append(("broadcast", text))
        return types.Broadcast.deserialize(_broadcast(text, contact_uuids, created=NOW))


def _start(flow: str, *, created: datetime, modified: datetime | None = None, params: dict | None = None) -> dict:
    return {"uuid": new_uuid(), "flow": {"uuid": flow, "name": "Poll"}, "status": "completed",
            "groups": [], "contacts": [{"uuid": new_uuid(), "name": "Ann"}], "params": params or {},
            "restart_participants": True, "exclude_active": False,
            "created_on": iso(created), "modified_on": iso(modified or created)}


def _broadcast(text: str, contacts: list[str], *, created: datetime) -> dict:
    return {"uuid": new_uuid(), "status": "completed", "urns": [], "groups": [], "text": {"eng": text},
            "contacts": [{"uuid": uuid, "name": None} for uuid in contacts], "created_on": iso(created)}


@pytest.fixture
def org(db):
    return f.OrgFactory()


def _interrupted(db, org, kind: str, **payload) -> OutboxAction:
    """An action stored at NOW whose push died while sending (its lease ran out)."""
    action = f.OutboxActionFactory(org=org, kind=kind, payload=payload, created_at=NOW, status=OutboxStatus.SENDING,
                                   attempts=1, updated_at=NOW - SENDING_LEASE - timedelta(minutes=1))
    db.flush()
    return action


def test_a_start_is_found_behind_a_later_modified_start_created_long_before(db, org):
    rapidpro = Recording()
    action = _interrupted(db, org, "start_flow", flow=POLL, contacts=["c-1"])
    ours = _start(POLL, created=NOW + timedelta(seconds=1), params={"tracpro_action": action.id})
    rapidpro.data["flow_starts"] = [  # as RapidPro lists them: by modified_on, newest first
        _start(OTHER, created=NOW - timedelta(days=3), modified=NOW + timedelta(hours=1)),
        ours,
        _start(POLL, created=NOW - timedelta(days=2)),
        _start(POLL, created=NOW - timedelta(days=5)),
    ]
    assert push_action(rapidpro, action.id, NOW) == OutboxStatus.DONE
    db.expire_all()
    assert db.get(OutboxAction, action.id).result == {"flow_start_uuid": ours["uuid"]}
    assert rapidpro.sent == []
    assert rapidpro.pages_served == 3  # stopped at the first start modified before the action (less a margin)


def test_a_start_modified_before_the_action_by_our_clock_is_still_found(db, org):
    """RapidPro's clock is behind TracPro's: its start seems older than the action that made it."""
    rapidpro = Recording()
    action = _interrupted(db, org, "start_flow", flow=POLL, contacts=["c-1"], ref="ref-1")
    ours = _start(POLL, created=NOW - timedelta(hours=5), params={"tracpro_action": action.id, "tracpro_ref": "ref-1"})
    rapidpro.data["flow_starts"] = [ours]
    assert push_action(rapidpro, action.id, NOW) == OutboxStatus.DONE
    assert rapidpro.sent == []


def test_a_start_of_another_tracpro_with_the_same_action_id_is_not_ours(db, org):
    rapidpro = Recording()
    action = _interrupted(db, org, "start_flow", flow=POLL, contacts=["c-1"], ref="ours")
    rapidpro.data["flow_starts"] = [_start(POLL, created=NOW, params={"tracpro_action": action.id,
                                                                       "tracpro_ref": "someone-elses"})]
    assert push_action(rapidpro, action.id, NOW) == OutboxStatus.DONE
    assert rapidpro.sent == [("flow_start", {"tracpro_action": action.id, "tracpro_ref": "ours"})]


def test_maybe_sent_actions_share_one_read_of_rapidpros_lists(db, org):
    rapidpro = Recording()
    rapidpro.page_size = 250
    actions = [_interrupted(db, org, "start_flow", flow=POLL, contacts=[f"c-{k}"], ref=f"ref-{k}") for k in range(3)]
    rapidpro.data["flow_starts"] = [
        _start(POLL, created=NOW, params={"tracpro_action": a.id, "tracpro_ref": f"ref-{k}"})
        for k, a in enumerate(actions[:2])]
    pushed = push_pending(rapidpro, org.id, NOW)
    assert (pushed.done, rapidpro.sent) == (3, [("flow_start", {"tracpro_action": actions[2].id,
                                                                 "tracpro_ref": "ref-2"})])
    assert [call for call, _filters in rapidpro.calls] == ["flow_starts"]


def test_a_broadcast_is_found_by_its_text_and_contacts_and_an_unreadable_one_keeps_it_maybe_sent(db, org):
    rapidpro = Recording()
    action = _interrupted(db, org, "send_broadcast", text="Hello", contacts=["c-1", "c-2"])
    rapidpro.data["broadcasts"] = [_broadcast("Hello", ["c-1"], created=NOW),  # other contacts
                                   _broadcast("Hello", ["c-2", "c-1"], created=NOW)]
    assert push_action(rapidpro, action.id, NOW) == OutboxStatus.DONE
    db.expire_all()
    assert db.get(OutboxAction, action.id).result == {"broadcast_uuid": rapidpro.data["broadcasts"][1]["uuid"]}

    unreadable = _interrupted(db, org, "send_broadcast", text="Bye", contacts=["c-3"])
    # An item temba_client cannot read (contacts null): TracPro cannot tell whose it is either.
    raw = {"uuid": new_uuid(), "text": {"eng": "Bye"}, "contacts": None, "created_on": iso(NOW)}
    rapidpro.pages = lambda resource, resume_cursor=None, **filters: iter(  # type: ignore[method-assign]
        [Page([], [(raw, "TembaSerializationException")], None)])
    assert push_action(rapidpro, unreadable.id, NOW) == OutboxStatus.MAYBE_SENT
    assert rapidpro.sent == []
