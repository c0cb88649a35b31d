"""Contact forms, checked with the original TracPro's messages, and contact changes pushed to RapidPro
(the simulator)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from temba_client.v2 import TembaClient

from tests import factories as f
from tests.clock import TickingClock, ticking_from
from tracpro.actions.contact_validation import (
    BAD_HANDLE,
    NOT_A_PHONE,
    ContactInput,
    search_languages,
    validate_contact,
)
from tracpro.actions.contacts import create_contact, delete_contact, update_contact
from tracpro.auth.scope import Scope
from tracpro.db.models import Contact, FieldType, OutboxStatus
from tracpro.forms import FormErrors
from tracpro.outbox.pusher import push_pending
from tracpro.rapidpro import RapidPro
from tracpro.simulator import Simulator


@pytest.fixture
def world(db):
    org = f.OrgFactory()
    kandahar, kunar = f.RegionFactory(org=org, name="Kandahar"), f.RegionFactory(org=org, name="Kunar")
    farmers = f.ReporterGroupFactory(org=org, name="Farmers")
    f.DataFieldFactory(org=org, key="age", label="Age", value_type=FieldType.NUMBER, is_visible=True)
    existing = f.ContactFactory(org=org, region=kandahar, urn="tel:+19102223333")
    db.flush()
    sam = Scope(org.id, frozenset({kandahar.id}), kandahar.id)
    return {"org": org, "kandahar": kandahar, "kunar": kunar, "farmers": farmers, "existing": existing, "sam": sam}


def _form(world, **changes) -> ContactInput:
    values = dict(name="Ann", urn_scheme="tel", urn_path="+250 788 123 456", region_id=world["kandahar"].id,
                  reporter_group_ids=(world["farmers"].id,), language="eng", fields={"age": "34"})
    return ContactInput(**{**values, **changes})


def test_an_empty_form_lists_every_required_field(db, world):
    with pytest.raises(FormErrors) as raised:
        validate_contact(db, world["sam"], ContactInput())
    assert raised.value.errors == {key: ["This field is required."]
                                   for key in ("name", "urn", "region", "groups", "language")}


def test_a_supervisor_cannot_put_a_contact_in_someone_elses_region(db, world):
    with pytest.raises(FormErrors) as raised:
        validate_contact(db, world["sam"], _form(world, region_id=world["kunar"].id))
    assert raised.value.errors == {
        "region": ["Select a valid choice. That choice is not one of the available choices."]
    }


@pytest.mark.parametrize(
    "scheme, path, message",
    [
        ("tel", "qwerty", NOT_A_PHONE),
        ("tel", "2345263746", NOT_A_PHONE),
        ("tel", "+167", "The string supplied is too short to be a phone number."),
        ("tel", "+167823457657364576297", "The string supplied is too long to be a phone number."),
        ("tel", "+1 910 222 3333", "This phone number is already being used by another contact."),
        ("twitter", "88-uu-oo", BAD_HANDLE),
        ("twitterid", "just_a_handle",
         "This is not a valid numeric ID.  The correct format is: <numeric id>#<Twitter handle>"),
        ("twitterid", "aaa123#handle", "This is not a valid numeric ID.  A valid numeric ID has only numbers 0-9."),
    ],
)
def test_urns_are_checked(db, world, scheme, path, message):
    with pytest.raises(FormErrors) as raised:
        validate_contact(db, world["sam"], _form(world, urn_scheme=scheme, urn_path=path))
    assert raised.value.errors == {"urn": [message]}


def test_valid_input_is_normalised(db, world):
    clean = validate_contact(db, world["sam"], _form(world))
    assert (clean["urn"], clean["fields"]) == ("tel:+250788123456", {"age": "34"})
    assert validate_contact(db, world["sam"], _form(world, urn_path="+19102223333"),
                            contact_id=world["existing"].id)["urn"] == "tel:+19102223333"  # its own number
    with pytest.raises(FormErrors) as raised:
        validate_contact(db, world["sam"], _form(world, fields={"age": "old"}))
    assert raised.value.errors == {"age": ["Enter a number."]}


def test_language_lookup():
    assert search_languages("eng", 10)[0] == ("eng", "English")
    assert ("kin", "Kinyarwanda") in search_languages("Kin", 10)
    assert len(search_languages("", 10)) == 10


@pytest.fixture(scope="module")
def rapidpro_clock() -> TickingClock:
    return ticking_from(f.NOW)


@pytest.fixture(scope="module")
def simulator(rapidpro_clock):
    # RapidPro as it behaves, late commits included: a change shows in its API seconds after it is made.
    with Simulator(tier="demo", seed=9, token="contacts-token", clock=rapidpro_clock) as simulator:
        yield simulator


def _a_minute_on(rapidpro_clock: TickingClock) -> None:
    """The user's next step comes a while later: what RapidPro did has reached the replica its API reads."""
    rapidpro_clock.advance(timedelta(minutes=1))


@pytest.fixture
def on_rapidpro(db, world, simulator):
    """The world's region and reporter group are real groups of the simulator's workspace."""
    uuids = [uuid for uuid, *_ in simulator.dataset.region_plan]
    world["kandahar"].uuid, world["kunar"].uuid = uuids[0], uuids[1]
    world["farmers"].uuid = simulator.dataset.reporter_group_uuids[0]
    for group in simulator.dataset.groups():
        f.ContactGroupFactory(org=world["org"], uuid=group["uuid"], name=group["name"], query=group["query"],
                              is_system=group["system"])
    db.flush()
    return RapidPro(simulator.url, "contacts-token")


def _remote(simulator, uuid):
    return next((c for c in simulator.dataset.iter_contacts() if c["uuid"] == uuid), None)


def test_a_new_contact_reaches_rapidpro_and_takes_its_uuid(db, world, simulator, on_rapidpro):
    contact, action = create_contact(db, world["sam"], None, _form(world, urn_path="+250 788 555 001"), f.NOW)
    assert contact.rapidpro_status == "pending" and contact.is_active  # in TracPro at once
    assert push_pending(on_rapidpro, world["org"].id, f.NOW).done == 1
    db.expire_all()
    contact = db.get(Contact, contact.id)
    assert contact.rapidpro_status == "active"
    remote = _remote(simulator, contact.uuid)
    assert remote["name"] == "Ann" and remote["urns"] == ["tel:+250788555001"]
    assert {g["uuid"] for g in remote["groups"]} == {world["kandahar"].uuid, world["farmers"].uuid}
    assert remote["fields"]["age"] == "34"


def test_an_edit_reaches_rapidpro_and_a_refused_one_is_undone(db, world, simulator, on_rapidpro, rapidpro_clock):
    contact, _ = create_contact(db, world["sam"], None, _form(world, urn_path="+250 788 555 002"), f.NOW)
    push_pending(on_rapidpro, world["org"].id, f.NOW)
    _a_minute_on(rapidpro_clock)
    db.expire_all()
    update_contact(db, world["sam"], None, contact.id, _form(world, name="Ann Smith", urn_path="+250 788 555 002"))
    push_pending(on_rapidpro, world["org"].id, f.NOW)
    _a_minute_on(rapidpro_clock)
    db.expire_all()
    assert _remote(simulator, db.get(Contact, contact.id).uuid)["name"] == "Ann Smith"

    # Another contact already has this number in RapidPro (not in TracPro): RapidPro refuses.
    taken = next(c for c in simulator.dataset.iter_contacts()
                 if c["urns"] and c["urns"][0].startswith("tel:") and not c["urns"][0].startswith("tel:+250788555"))
    action = update_contact(db, world["sam"], None, contact.id, _form(world, name="Ann", urn_path=taken["urns"][0][4:]))
    push_pending(on_rapidpro, world["org"].id, f.NOW)
    db.expire_all()
    assert db.get(type(action), action.id).status == OutboxStatus.FAILED
    assert "URN belongs to another contact" in db.get(type(action), action.id).last_error
    restored = db.get(Contact, contact.id)
    assert (restored.name, restored.urn) == ("Ann Smith", "tel:+250788555002")


def test_a_deleted_contact_is_deleted_in_rapidpro(db, world, simulator, on_rapidpro, rapidpro_clock):
    contact, _ = create_contact(db, world["sam"], None, _form(world, urn_path="+250 788 555 003"), f.NOW)
    push_pending(on_rapidpro, world["org"].id, f.NOW)
    _a_minute_on(rapidpro_clock)
    db.expire_all()
    uuid = db.get(Contact, contact.id).uuid
    delete_contact(db, world["sam"], None, contact.id)
    assert push_pending(on_rapidpro, world["org"].id, f.NOW).done == 1
    assert _remote(simulator, uuid) is None
    assert uuid in {c["uuid"] for c in simulator.dataset.iter_contacts(deleted=True)}
    assert db.scalars(select(Contact.is_active).where(Contact.id == contact.id)).one() is False


@pytest.fixture
def synced(db, world, simulator):
    """A RapidPro contact with two URNs (a phone first), in a region and a reporter group, as the last
    sync stored it: the world's Kandahar and Farmers are its groups, Kunar another region."""
    regions = [uuid for uuid, *_ in simulator.dataset.region_plan]
    remote = next(
        c for c in simulator.dataset.iter_contacts()
        if len(c["urns"]) == 2 and c["urns"][0].startswith("tel:") and c["status"] == "active" and c["language"]
        and c["fields"]["age"] and not any(c["urns"][0] == u for u in ("tel:+250788555001", "tel:+250788555002"))
        and any(g["uuid"] in regions for g in c["groups"])
        and any(g["uuid"] in simulator.dataset.reporter_group_uuids for g in c["groups"]))
    groups = [g["uuid"] for g in remote["groups"]]
    world["kandahar"].uuid = next(uuid for uuid in groups if uuid in regions)
    world["kunar"].uuid = next(uuid for uuid in regions if uuid not in groups)
    world["farmers"].uuid = next(uuid for uuid in groups if uuid in simulator.dataset.reporter_group_uuids)
    contact = f.ContactFactory(org=world["org"], uuid=remote["uuid"], name=remote["name"], urn=remote["urns"][0],
                               language=remote["language"], fields=dict(remote["fields"]), group_uuids=sorted(groups),
                               region=world["kandahar"], reporter_groups=[world["farmers"]])
    db.flush()
    return contact, remote


def _as_shown(world, contact, **changes) -> ContactInput:
    """The edit form as it opens on the contact, with what the user changed."""
    scheme, _colon, path = contact.urn.partition(":")
    values = dict(name=contact.name, urn_scheme=scheme, urn_path=path, region_id=contact.region_id,
                  reporter_group_ids=(world["farmers"].id,), language=contact.language,
                  fields={"age": str(contact.fields["age"])})
    return ContactInput(**{**values, **changes})


def test_renaming_a_contact_keeps_its_other_urns_and_what_changed_in_rapidpro_since_the_sync(
        db, world, simulator, synced, rapidpro_clock):
    contact, remote = synced
    rapidpro = RapidPro(simulator.url, "contacts-token")
    older = str(int(remote["fields"]["age"]) + 1)
    rapidpro.update_contact(contact.uuid, {"fields": {"age": older}})  # in RapidPro, after our last sync
    _a_minute_on(rapidpro_clock)
    action = update_contact(db, world["sam"], None, contact.id, _as_shown(world, contact, name="Grace Uwase"))
    assert push_pending(rapidpro, world["org"].id, f.NOW).done == 1
    after = _remote(simulator, contact.uuid)
    assert after["name"] == "Grace Uwase"
    assert after["urns"] == remote["urns"]  # both
    assert after["fields"]["age"] == older
    assert [g["uuid"] for g in after["groups"]] == [g["uuid"] for g in remote["groups"]]
    assert action.payload["change"] == {"name": "Grace Uwase"}  # only what the user changed


def test_changing_the_number_and_the_region_keeps_the_other_urn_and_the_groups_tracpro_does_not_manage(
        db, world, simulator, synced, rapidpro_clock):
    contact, remote = synced
    rapidpro = RapidPro(simulator.url, "contacts-token")
    opt_outs = next(g["uuid"] for g in simulator.dataset.groups() if g["name"] == "Opt-Outs")
    TembaClient(simulator.url, "contacts-token").bulk_add_contacts([contact.uuid], opt_outs)  # since our sync
    _a_minute_on(rapidpro_clock)
    admin = Scope(world["org"].id, None)
    update_contact(db, admin, None, contact.id, _as_shown(world, contact, urn_path="+250 788 555 010",
                                                          region_id=world["kunar"].id))
    assert push_pending(rapidpro, world["org"].id, f.NOW).done == 1
    after = _remote(simulator, contact.uuid)
    assert after["urns"] == ["tel:+250788555010", remote["urns"][1]]  # the edited one, in its place
    expected = {g["uuid"] for g in remote["groups"]} - {world["kandahar"].uuid} | {world["kunar"].uuid, opt_outs}
    assert {g["uuid"] for g in after["groups"]} - {simulator.dataset.smart_group_uuid} == expected
    db.expire_all()
    local = db.get(Contact, contact.id)
    assert (local.urn, local.region_id) == ("tel:+250788555010", world["kunar"].id)


def test_an_edit_stored_whole_before_the_upgrade_is_sent_as_its_change_only(db, world, simulator, synced,
                                                                            rapidpro_clock):
    """An edit queued by the previous version holds the whole contact (its first URN only, every field)."""
    contact, remote = synced
    rapidpro = RapidPro(simulator.url, "contacts-token")
    older = str(int(remote["fields"]["age"]) + 2)
    rapidpro.update_contact(contact.uuid, {"fields": {"age": older}})  # in RapidPro, after our last sync
    _a_minute_on(rapidpro_clock)
    before = {"name": contact.name, "urn": contact.urn, "language": contact.language, "fields": dict(contact.fields),
              "group_uuids": list(contact.group_uuids), "region_id": contact.region_id,
              "reporter_group_ids": [world["farmers"].id]}
    whole = {"name": "Grace Mukamana", "language": contact.language, "urns": [contact.urn],
             "groups": list(contact.group_uuids), "fields": dict(contact.fields)}
    f.OutboxActionFactory(org=world["org"], kind="update_contact", created_at=f.NOW,
                          payload={"contact_id": contact.id, "uuid": contact.uuid, "before": before, "contact": whole})
    db.flush()
    assert push_pending(rapidpro, world["org"].id, f.NOW).done == 1
    after = _remote(simulator, contact.uuid)
    assert (after["name"], after["urns"], after["fields"]["age"]) == ("Grace Mukamana", remote["urns"], older)
