"""Adding, editing and deleting contacts from the contact pages.

RapidPro is unreachable (the world's org points at 127.0.0.1:9), so saves stay pending for the
sync job, except in the one test about the page's "sent to RapidPro" notice, which replaces
the push (tested for real against the simulator in tests/outbox).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.pages.app import errors, open_page, shown_text
from tests.pages.dashboard_world import SUPERVISOR, build_dashboard
from tracpro.db.models import Contact, OutboxAction, OutboxStatus, ReporterGroup
from tracpro.outbox import immediate


@pytest.fixture
def world(db):
    return build_dashboard(db)


def _actions(db, kind: str) -> list[OutboxAction]:
    return list(db.scalars(select(OutboxAction).where(OutboxAction.kind == kind)))


def _language_box(app):
    (box,) = [box for box in app.selectbox if box.label == "Language"]
    return box


def test_the_region_choice_is_limited_to_the_supervisors_regions(world):
    app = open_page(SUPERVISOR, "pages/contact_new.py")
    assert [label.strip() for label in app.selectbox(key="contact_new.region").options] == ["North", "Gicumbi"]
    assert app.multiselect(key="contact_new.groups").options == ["Farmers", "Teachers"]
    # The org's languages come first (en, fr); English is the default.
    assert _language_box(app).options == ["English (eng)", "French (fra)"]
    assert _language_box(app).value == "eng"


def test_the_language_list_follows_the_search(world):
    app = open_page(SUPERVISOR, "pages/contact_new.py")
    app.text_input(key="contact_new.language_search").input("kinyar").run()
    box = _language_box(app)
    assert box.options == ["English (eng)", "Kinyarwanda (kin)"]  # the chosen one stays on the list
    box.set_value("kin").run()
    app.text_input(key="contact_new.language_search").input("").run()
    assert _language_box(app).value == "kin"
    app.text_input(key="contact_new.language_search").input("swahili").run()
    assert "Swahili (swa)" in _language_box(app).options  # the name people use, not "Swahili (macrolanguage)"


def test_a_new_contact_is_stored_with_its_outbox_action_and_opens(db, world):
    app = open_page(SUPERVISOR, "pages/contact_new.py")
    teachers = _teachers_id(db, world)
    app.text_input(key="contact_new.name").input("Nadia New")
    app.text_input(key="contact_new.path").input("+250 788 123 456")
    app.selectbox(key="contact_new.region").set_value(world.regions["Gicumbi"])
    app.multiselect(key="contact_new.groups").set_value([teachers])
    app.text_input(key="contact_new.field.district").input("Rulindo")
    app.button(key="contact_new.save").click().run()
    assert not app.exception, app.exception

    contact = db.scalars(select(Contact).where(Contact.name == "Nadia New")).one()
    assert contact.urn == "tel:+250788123456" and contact.region_id == world.regions["Gicumbi"]
    assert contact.language == "eng" and contact.fields == {"district": "Rulindo"}
    assert [g.id for g in contact.reporter_groups] == [teachers]
    (action,) = _actions(db, "create_contact")
    assert action.payload["contact_id"] == contact.id and action.status == OutboxStatus.PENDING
    assert app.title[0].value == "Nadia New"  # the new contact's page
    assert "Saved Nadia New; RapidPro did not answer, so it will be sent with the next sync." in shown_text(app)


def _teachers_id(db, world):
    return db.scalars(select(ReporterGroup.id).where(ReporterGroup.org_id == world.org_id,
                                                     ReporterGroup.name == "Teachers")).one()


def test_bad_input_shows_each_problem_and_stores_nothing(db, world):
    app = open_page(SUPERVISOR, "pages/contact_new.py")
    app.text_input(key="contact_new.path").input("0788")
    app.button(key="contact_new.save").click().run()
    assert errors(app) == [
        "**Name**: This field is required.",
        '**Phone or handle**: This is not a valid phone number.  A valid phone number must include "+" and '
        'country code / region (e.g. "+1" for North America).',
        "**Reporter groups**: This field is required.",
    ]
    assert not db.scalars(select(Contact).where(Contact.urn.like("%788"))).all()
    assert not _actions(db, "create_contact")
    # A number already used by another contact.
    app.text_input(key="contact_new.name").input("Copy of Nina")
    app.text_input(key="contact_new.path").input("+250788000001")
    app.selectbox(key="contact_new.region").set_value(world.regions["North"])
    app.multiselect(key="contact_new.groups").set_value([_teachers_id(db, world)])
    app.text_input(key="contact_new.field.district").input("x" * 300)
    app.button(key="contact_new.save").click().run()
    assert errors(app) == [
        "**Phone or handle**: This phone number is already being used by another contact.",
        "**District**: Ensure this value has at most 255 characters (it has 300).",
    ]
    assert not db.scalars(select(Contact).where(Contact.name == "Copy of Nina")).all()


def test_editing_a_contact_changes_it_and_says_it_reached_rapidpro(db, world, monkeypatch):
    # About the page's notice only: RapidPro accepting the change is tested in tests/outbox.
    monkeypatch.setattr(immediate, "try_now", lambda org_id, ids, now: dict.fromkeys(ids, OutboxStatus.DONE))
    nina = world.contacts["Nina North"]
    app = open_page(SUPERVISOR, "pages/contact_edit.py", contact=nina)
    key = f"contact_edit_{nina}"
    assert app.title[0].value == "Edit Nina North"
    assert app.text_input(key=f"{key}.path").value == "+250788000001"
    assert app.selectbox(key=f"{key}.region").value == world.regions["North"]
    assert app.text_input(key=f"{key}.field.district").value == "Gasabo"
    app.text_input(key=f"{key}.name").input("Nina Umutoni")
    app.button(key=f"{key}.save").click().run()
    assert not app.exception, app.exception
    db.expire_all()
    assert db.get(Contact, nina).name == "Nina Umutoni"
    (action,) = _actions(db, "update_contact")
    # Only what was changed goes to RapidPro.
    assert action.payload["change"] == {"name": "Nina Umutoni"} and action.payload["before"] == {"name": "Nina North"}
    assert app.title[0].value == "Nina Umutoni"
    assert "Saved Nina Umutoni; sent to RapidPro." in shown_text(app)


def test_deleting_a_contact_asks_first(db, world):
    gilbert = world.contacts["Gilbert Gicumbi"]
    app = open_page(SUPERVISOR, "pages/contact_edit.py", contact=gilbert)
    app.button(key="contact_delete.ask").click().run()
    assert "Delete Gilbert Gicumbi? This cannot be undone from TracPro." in shown_text(app)
    assert db.get(Contact, gilbert).is_active and not _actions(db, "delete_contact")
    app.button(key=f"contact_delete.{gilbert}.confirm").click().run()
    assert not app.exception, app.exception
    db.expire_all()
    assert not db.get(Contact, gilbert).is_active
    (action,) = _actions(db, "delete_contact")
    assert action.payload["contact_id"] == gilbert
    assert app.title[0].value == "Contacts"
    assert "Deleted Gilbert Gicumbi; RapidPro did not answer" in shown_text(app)


def test_a_contact_outside_the_scope_cannot_be_edited(world):
    app = open_page(SUPERVISOR, "pages/contact_edit.py", contact=world.contacts["Sam South"])
    assert errors(app) == ["This contact does not exist, or you may not see it."]
    assert not app.text_input


def test_the_contact_pages_link_to_the_forms(world):
    contacts = open_page(SUPERVISOR, "pages/contacts.py")
    assert any(link.label == "Add a contact" for link in contacts.get("page_link"))
    contact = open_page(SUPERVISOR, "pages/contact.py", contact=world.contacts["Nina North"])
    assert any(link.label == "Edit or delete" for link in contact.get("page_link"))
