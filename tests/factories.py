"""Factories for every model: a test states only what matters to it.

Rows are flushed (not committed) into the test's session, which lives inside the
per-test transaction. `use_session()` is called by the `db` fixture.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime, timedelta

import bcrypt
import factory
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy.orm import Session

from tracpro.db import models
from tracpro.db.token_cipher import encrypt_token

_session: Session | None = None


def use_session(session: Session | None) -> None:
    global _session
    _session = session


def _current_session() -> Session:
    if _session is None:
        raise RuntimeError("Factories need the `db` fixture: it gives them the test's session.")
    return _session


def _uuid() -> factory.LazyFunction:
    return factory.LazyFunction(lambda: str(uuid.uuid4()))


NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
PASSWORD = "correct horse battery"
# bcrypt at its lowest cost: a real hash, made once, cheap to check in tests.
PASSWORD_HASH = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()


class Factory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = _current_session
        sqlalchemy_session_persistence = "flush"


class OrgFactory(Factory):
    class Meta:
        model = models.Org

    name = factory.Sequence(lambda n: f"Org {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    timezone = "Africa/Kigali"
    language = "en"
    available_languages = ["en", "fr"]
    rapidpro_host = "http://127.0.0.1:9"
    rapidpro_token_encrypted = factory.LazyAttribute(lambda obj: encrypt_token(obj.rapidpro_token))
    sameday_mode = models.SameDayMode.USE_LAST

    class Params:
        rapidpro_token = "test-token"  # the API token: stored encrypted, as the app stores it


class OrgOwnedFactory(Factory):
    """Rows that belong to an org: pass `org=` (or `org_id=`), or a new org is made."""

    class Meta:
        abstract = True

    class Params:
        org = factory.SubFactory(OrgFactory)

    org_id = factory.LazyAttribute(lambda obj: obj.org.id)


class DataFieldFactory(OrgOwnedFactory):
    class Meta:
        model = models.DataField

    key = factory.Sequence(lambda n: f"field_{n}")
    label = factory.Sequence(lambda n: f"Field {n}")
    value_type = models.FieldType.TEXT


class UserFactory(Factory):
    class Meta:
        model = models.User

    login = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Sequence(lambda n: f"User {n}")
    email = factory.SelfAttribute("login")
    password_hash = PASSWORD_HASH


class MembershipFactory(Factory):
    class Meta:
        model = models.Membership

    class Params:
        org = factory.SubFactory(OrgFactory)

    user = factory.SubFactory(UserFactory)
    org_id = factory.LazyAttribute(lambda obj: obj.org.id)
    role = models.Role.SUPERVISOR


class LoginRecordFactory(Factory):
    """A live login record; `token` (not stored) is the cookie value it was issued for."""

    class Meta:
        model = models.LoginRecord

    class Params:
        token = factory.Sequence(lambda n: f"test-cookie-{n}-{uuid.uuid4().hex}")

    user = factory.SubFactory(UserFactory)
    token_hash = factory.LazyAttribute(lambda obj: hashlib.sha256(obj.token.encode()).hexdigest())
    created_at = NOW
    last_seen_at = NOW
    expires_at = NOW + timedelta(days=3)


class ProviderSignInFactory(Factory):
    """A single sign-on identity TracPro has spent, on the account it signed in."""

    class Meta:
        model = models.ProviderSignIn

    identity_digest = factory.Sequence(lambda n: hashlib.sha256(f"identity-{n}".encode()).hexdigest())
    user = factory.SubFactory(UserFactory)
    at = NOW


class AuditEventFactory(Factory):
    """An event of the org's trail, by a user, at NOW (tracpro.audit.trail.record writes the real ones)."""

    class Meta:
        model = models.AuditEvent

    class Params:
        org = factory.SubFactory(OrgFactory)
        user = factory.SubFactory(UserFactory)

    at = NOW
    org_id = factory.LazyAttribute(lambda obj: obj.org.id if obj.org else None)
    user_id = factory.LazyAttribute(lambda obj: obj.user.id if obj.user else None)
    email = factory.LazyAttribute(lambda obj: obj.user.login if obj.user else None)
    kind = models.AuditKind.SYNC_REQUESTED
    details = factory.LazyFunction(dict)


class ContactGroupFactory(OrgOwnedFactory):
    class Meta:
        model = models.ContactGroup

    uuid = _uuid()
    name = factory.Sequence(lambda n: f"Group {n}")


class BoundaryFactory(OrgOwnedFactory):
    class Meta:
        model = models.Boundary

    osm_id = factory.Sequence(lambda n: f"R{1000 + n}")
    name = factory.Sequence(lambda n: f"Boundary {n}")
    level = 1
    geometry = factory.LazyFunction(
        lambda: {"type": "MultiPolygon", "coordinates": [[[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]]}
    )


class RegionFactory(OrgOwnedFactory):
    class Meta:
        model = models.Region

    uuid = _uuid()
    name = factory.Sequence(lambda n: f"Region {n}")


class ReporterGroupFactory(OrgOwnedFactory):
    class Meta:
        model = models.ReporterGroup

    uuid = _uuid()
    name = factory.Sequence(lambda n: f"Reporters {n}")


class ContactFactory(OrgOwnedFactory):
    class Meta:
        model = models.Contact

    uuid = _uuid()
    name = factory.Sequence(lambda n: f"Contact {n}")
    urn = factory.Sequence(lambda n: f"tel:+25078800{n:04d}")
    language = "eng"
    region = None
    created_on = NOW
    modified_on = NOW


class PollFactory(OrgOwnedFactory):
    class Meta:
        model = models.Poll

    flow_uuid = _uuid()
    rapidpro_name = factory.Sequence(lambda n: f"Poll {n}")
    is_active = True


class QuestionFactory(Factory):
    class Meta:
        model = models.Question

    poll = factory.SubFactory(PollFactory)
    org_id = factory.SelfAttribute("poll.org_id")
    key = factory.Sequence(lambda n: f"question_{n}")
    rapidpro_name = factory.Sequence(lambda n: f"Question {n}")
    question_type = models.QuestionType.NUMERIC
    order = factory.Sequence(lambda n: n)


class PollRunFactory(Factory):
    class Meta:
        model = models.PollRun

    poll = factory.SubFactory(PollFactory)
    org_id = factory.SelfAttribute("poll.org_id")
    pollrun_type = models.PollRunType.UNIVERSAL
    conducted_on = NOW
    conducted_date = factory.LazyAttribute(lambda obj: obj.conducted_on.date())


class FlowStartFactory(Factory):
    class Meta:
        model = models.FlowStart

    pollrun = factory.SubFactory(PollRunFactory, pollrun_type=models.PollRunType.REGIONAL)
    org_id = factory.SelfAttribute("pollrun.org_id")
    uuid = _uuid()
    contact_count = 1


class ResponseFactory(Factory):
    class Meta:
        model = models.Response

    pollrun = factory.SubFactory(PollRunFactory)
    org_id = factory.SelfAttribute("pollrun.org_id")
    contact = factory.SubFactory(ContactFactory, org_id=factory.SelfAttribute("..org_id"), org=None)
    run_uuid = _uuid()
    status = models.ResponseStatus.COMPLETE
    created_on = NOW
    updated_on = NOW


class AnswerFactory(Factory):
    class Meta:
        model = models.Answer

    response = factory.SubFactory(ResponseFactory)
    org_id = factory.SelfAttribute("response.org_id")
    question = factory.SubFactory(QuestionFactory, poll=factory.SelfAttribute("..response.pollrun.poll"))
    contact_id = factory.SelfAttribute("response.contact_id")
    value = "4"
    value_number = 4.0
    value_to_use = factory.SelfAttribute("value")
    value_to_use_number = factory.SelfAttribute("value_number")
    submitted_on = NOW
    submitted_date = factory.LazyAttribute(lambda obj: obj.submitted_on.date())


class OutboxActionFactory(OrgOwnedFactory):
    class Meta:
        model = models.OutboxAction

    kind = "send_broadcast"
    payload = factory.LazyFunction(lambda: {"text": "Hello", "contacts": []})


class MessageFactory(OrgOwnedFactory):
    class Meta:
        model = models.Message

    text = "Thank you for answering."
    audience = models.Audience.ALL


class InboxMessageFactory(Factory):
    class Meta:
        model = models.InboxMessage

    contact = factory.SubFactory(ContactFactory)
    org_id = factory.SelfAttribute("contact.org_id")
    uuid = _uuid()
    text = "Hello"
    direction = models.Direction.IN
    created_on = NOW


class BaselineTermFactory(Factory):
    class Meta:
        model = models.BaselineTerm

    baseline_question = factory.SubFactory(QuestionFactory)
    follow_up_question = factory.SubFactory(
        QuestionFactory, poll=factory.SubFactory(PollFactory, org=None, org_id=factory.SelfAttribute("...org_id"))
    )
    org_id = factory.SelfAttribute("baseline_question.org_id")
    baseline_poll_id = factory.SelfAttribute("baseline_question.poll_id")
    follow_up_poll_id = factory.SelfAttribute("follow_up_question.poll_id")
    name = factory.Sequence(lambda n: f"Indicator {n}")
    start_date = date(2026, 9, 1)
    end_date = date(2026, 11, 30)


class SyncRequestFactory(OrgOwnedFactory):
    class Meta:
        model = models.SyncRequest


class SyncStateFactory(OrgOwnedFactory):
    class Meta:
        model = models.SyncState

    resource = factory.Sequence(lambda n: f"resource_{n}")


class MalformedItemFactory(OrgOwnedFactory):
    class Meta:
        model = models.MalformedItem

    resource = "runs:F-001"
    item_key = factory.LazyFunction(lambda: str(uuid.uuid4()))
    uuid = factory.SelfAttribute("item_key")
    raw = factory.LazyAttribute(lambda item: {"uuid": item.item_key, "path": None})
    reason = "TembaSerializationException: Value 'None' field is not a list"
    first_seen_at = NOW
    last_seen_at = NOW


FACTORIES: dict[type, type[Factory]] = {
    factory_class._meta.model: factory_class
    for factory_class in list(globals().values())
    if isinstance(factory_class, type)
    and issubclass(factory_class, Factory)
    and not factory_class._meta.abstract
}
