"""Every form, fed anything at all: it either does what was asked with clean values, or names
each problem in words and changes nothing (property-based, with hypothesis).

Ids come from the form's own choices, another org's or region's objects, and arbitrary
integers; text is any Unicode, including NUL and other control characters PostgreSQL or SMS
cannot take.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests import factories as f
from tests.actors import acting, admin
from tests.queries.tracpro_data import build_data
from tracpro.actions.contact_validation import ContactInput
from tracpro.actions.contacts import create_contact
from tracpro.actions.messages import reply
from tracpro.actions.polls import ActionRefused
from tracpro.auth.actor import NotAllowed
from tracpro.auth.users import UserDraft, create_user
from tracpro.db.models import BaselineTerm, Contact, DataField, FieldType, Message, OutboxAction, Role, User
from tracpro.forms import FormErrors
from tracpro.indicators.editing import IndicatorInput, save_indicator
from tracpro.orgs.polls import QuestionEdit, edit_poll
from tracpro.orgs.settings import OrgSettings, parse_days, save_settings

FORM = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ANY_ID = st.integers(min_value=-(2**31), max_value=2**62)
ANY_TEXT = st.text(max_size=300)


@pytest.fixture
def data(db):
    built = build_data(db)
    f.DataFieldFactory(org=built.unicef, key="age", label="Age", value_type=FieldType.NUMBER, is_visible=True)
    f.DataFieldFactory(org=built.unicef, key="secret", label="Secret", is_visible=False)
    db.flush()
    return built


def counts(db, *models) -> tuple[int, ...]:
    return tuple(db.scalar(select(func.count()).select_from(model)) for model in models)


def attempt(db, action, refusals):
    """Run `action` in a savepoint: returns (result, None) or (None, the refusal); rolled back after."""
    nested = db.begin_nested()
    try:
        return action(), None
    except refusals as refusal:
        return None, refusal
    finally:
        nested.rollback()
        db.expire_all()


def messages_of(refusal) -> list[str]:
    errors = refusal.errors if hasattr(refusal, "errors") else {"": [str(refusal)]}
    return [message for messages in errors.values() for message in messages]


@FORM
@given(
    name=ANY_TEXT,
    scheme=st.sampled_from(["tel", "twitter", "twitterid", "mailto", "", "TEL"]),
    path=st.one_of(ANY_TEXT, st.sampled_from(["+250788123456", "+1 910 222 3333", "good_handle", "12345"])),
    region=st.one_of(st.sampled_from(["Kandahar", "Khost", "Kigali"]), ANY_ID),
    groups=st.lists(st.one_of(st.sampled_from(["Farmers", "Doctors"]), ANY_ID), max_size=3),
    language=st.one_of(st.sampled_from(["eng", "kin", "xx", ""]), ANY_TEXT),
    age=st.one_of(ANY_TEXT, st.sampled_from(["12", "NaN", "Infinity", "1e400"])),
)
@example(name="Nul\x00", scheme="tel", path="+250788123456", region="Kandahar", groups=["Farmers"],
         language="eng", age="12")
@example(name="Ann Two", scheme="tel", path="+250788123457", region="Kandahar", groups=["Farmers"],
         language="kin", age="NaN")
@example(name=" Ann Two ", scheme="tel", path="+250 788 123 457", region="Kandahar", groups=["Farmers"],
         language="kin", age="12")
def test_contact_form(db, data, name, scheme, path, region, groups, language, age):
    scope = data.scope("Kandahar")
    region_id = data.regions[region].id if isinstance(region, str) else region
    group_ids = tuple(data.groups[g].id if isinstance(g, str) else g for g in groups)
    before = counts(db, Contact, OutboxAction)
    draft = ContactInput(name, scheme, path, region_id, group_ids, language, {"age": age})
    contact, refusal = attempt(db, lambda: create_contact(db, acting(scope), draft, f.NOW)[0], (FormErrors,))
    if refusal:
        assert messages_of(refusal) and all(messages_of(refusal))
        assert counts(db, Contact, OutboxAction) == before
    else:
        assert contact.name == name.strip() and "\x00" not in contact.name
        assert scope.sees_region(contact.region_id)
        assert contact.fields["age"] not in ("NaN", "Infinity")


@FORM
@given(text=st.one_of(ANY_TEXT, st.text(min_size=630, max_size=700)),
       contact=st.one_of(st.sampled_from(["Ann", "Cat", "Norbert"]), ANY_ID))
@example(text="Hello\x00", contact="Ann")
@example(text="Thanks for answering,\nsee you next week.", contact="Ann")
def test_reply_form(db, data, text, contact):
    scope = data.scope("Kandahar")
    contact_id = data.contacts[contact].id if isinstance(contact, str) else contact
    before = counts(db, Message, OutboxAction)
    sent, refusal = attempt(db, lambda: reply(db, acting(scope), contact_id, text, f.NOW)[0],
                            (ActionRefused, NotAllowed))
    if refusal:
        assert str(refusal)
        assert counts(db, Message, OutboxAction) == before
    else:
        assert contact == "Ann" and sent.text == text.strip() and 0 < len(sent.text) <= 640


@FORM
@given(name=ANY_TEXT, title=ANY_TEXT, start=st.dates(), end=st.dates(),
       baseline=st.one_of(st.sampled_from(["sheep", "weather", None]), ANY_ID),
       follow_up=st.one_of(st.sampled_from(["sheep", "weather", None]), ANY_ID))
@example(name="Sheep", title="Head", start=date(2026, 1, 1), end=date(2026, 2, 1), baseline="sheep",
         follow_up="weather")
def test_indicator_form(db, data, name, title, start, end, baseline, follow_up):
    def question(value):
        return data.questions[value].id if isinstance(value, str) else value

    draft = IndicatorInput(name, start, end, question(baseline), question(follow_up), title)
    before = counts(db, BaselineTerm)
    indicator, refusal = attempt(db, lambda: save_indicator(db, admin(data.unicef.id), draft), (FormErrors,))
    if refusal:
        assert messages_of(refusal) and all(messages_of(refusal))
        assert counts(db, BaselineTerm) == before
    else:
        assert indicator.name == name.strip() and start <= end and baseline != follow_up


@FORM
@given(name=ANY_TEXT, timezone=st.one_of(ANY_TEXT, st.sampled_from(["Asia/Kabul", "UTC"])),
       language=st.sampled_from(["en", "fr", "xx", ""]),
       languages=st.lists(st.sampled_from(["en", "fr", "ar", "zz"]), max_size=3),
       host=st.one_of(ANY_TEXT, st.sampled_from(["https://rapidpro.example.org", "ftp://x", ""])),
       token=st.one_of(st.none(), ANY_TEXT), mode=st.sampled_from(["use_last", "sum", "max", ""]),
       fields=st.lists(st.sampled_from(["age", "secret", "nope"]), max_size=2))
def test_org_settings_form(db, data, name, timezone, language, languages, host, token, mode, fields):
    org = data.unicef
    before = (org.name, org.timezone, org.rapidpro_host, org.rapidpro_token_encrypted, org.sameday_mode)
    draft = OrgSettings(name, timezone, language, tuple(languages), host, token, mode, visible_fields=tuple(fields))
    def save_and_read_visible_fields():
        save_settings(db, admin(org.id), draft)
        # Read before attempt() rolls the savepoint back: afterwards the fields are as they were.
        return set(db.scalars(select(DataField.key).where(DataField.org_id == org.id, DataField.is_visible)))

    shown, refusal = attempt(db, save_and_read_visible_fields, (FormErrors,))
    if refusal:
        assert messages_of(refusal) and all(messages_of(refusal))
        db.refresh(org)
        assert (org.name, org.timezone, org.rapidpro_host, org.rapidpro_token_encrypted, org.sameday_mode) == before
    else:
        # "secret" is a hidden field of the org: choosing it is how an admin shows it; "nope" is no field.
        assert language in languages and "nope" not in fields
        assert shown == set(fields)


@FORM
@given(name=ANY_TEXT, email=st.one_of(ANY_TEXT, st.emails()), password=ANY_TEXT,
       regions=st.lists(st.one_of(st.sampled_from(["Kandahar", "Kigali"]), ANY_ID), max_size=2))
@example(name="Sam\x00", email="sam@example.org", password="long enough pass", regions=["Kandahar"])
def test_new_supervisor_form(db, data, name, email, password, regions):
    region_ids = tuple(data.regions[r].id if isinstance(r, str) else r for r in regions)
    draft = UserDraft(name, email, Role.SUPERVISOR, region_ids, password, password)
    before = counts(db, User)
    user, refusal = attempt(db, lambda: create_user(db, admin(data.unicef.id), draft, f.NOW), (FormErrors,))
    if refusal:
        assert messages_of(refusal) and all(messages_of(refusal))
        assert counts(db, User) == before
    else:
        assert user.name == name.strip() and len(password) >= 8 and "Kigali" not in regions


@FORM
@given(name=ANY_TEXT, question_name=ANY_TEXT, question_type=st.sampled_from(["numeric", "open", "bogus"]),
       question_id=st.one_of(st.sampled_from(["sheep"]), ANY_ID))
def test_poll_edit_form(db, data, name, question_name, question_type, question_id):
    qid = data.questions[question_id].id if isinstance(question_id, str) else question_id
    edits = [QuestionEdit(qid, question_name, question_type, True)]
    poll, refusal = attempt(db, lambda: edit_poll(db, admin(data.unicef.id), data.poll.id, name, edits), (FormErrors,))
    if refusal:
        assert messages_of(refusal) and all(messages_of(refusal))
        db.refresh(data.poll)
        assert data.poll.custom_name is None
    else:
        assert question_type != "bogus" and "\x00" not in (poll.custom_name or "")


@given(text=st.one_of(ANY_TEXT, st.integers().map(str)))
@example(text="1.1")
@example(text="0")
@example(text="٣")  # an Arabic-Indic three: a whole number in another script
@example(text="²")  # a superscript: str.isdigit() says yes, int() refuses it
def test_fetch_older_runs_days(text):
    try:
        days = parse_days(text)
    except FormErrors as refusal:
        assert refusal.errors == {"days": ["Enter a whole number of days, 1 or more."]}
    else:
        assert days >= 1 and days == int(text.strip())
