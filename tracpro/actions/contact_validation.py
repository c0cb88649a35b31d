"""Checking a contact form the way the original TracPro did, with its messages: required fields, a region
and groups the user may choose, phone numbers and Twitter handles that are valid and no other contact's."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

import phonenumbers
import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracpro.auth.scope import Scope
from tracpro.db.models import Contact, DataField, FieldType, Region, ReporterGroup
from tracpro.db.search import ESCAPE, literal_pattern
from tracpro.forms import REQUIRED, FormErrors, text_problem
from tracpro.i18n import N_, _

# Messages and labels shown on the contact form: marked here, translated where they are used.
INVALID_CHOICE = N_("Select a valid choice. That choice is not one of the available choices.")
SCHEMES = {"tel": N_("Phone"), "twitter": N_("Twitter handle"), "twitterid": N_("Twitter ID")}
NOT_A_PHONE = N_('This is not a valid phone number.  A valid phone number must include "+" and country code / '
                 'region (e.g. "+1" for North America).')
BAD_HANDLE = N_("This is not a valid Twitter handle.  A valid handle has only letters A-Z, numbers 0-9, and "
                "underscores (_), and has up to 15 characters.")
TAKEN = {
    "tel": N_("This phone number is already being used by another contact."),
    "twitter": N_("This Twitter handle is already being used by another contact."),
    "twitterid": N_("This Twitter ID is already being used by another contact."),
}
HANDLE = re.compile(r"^[a-zA-Z0-9_]{1,15}$")


@dataclass(frozen=True)
class ContactInput:
    name: str | None = None
    urn_scheme: str | None = None  # tel | twitter | twitterid
    urn_path: str | None = None
    region_id: int | None = None
    reporter_group_ids: tuple[int, ...] = ()
    language: str | None = None  # ISO 639-3
    fields: dict[str, str] = field(default_factory=dict)  # visible fields only, as typed


def normalise_phone(text: str) -> str:
    """"+1 910 222 3333" → "+19102223333"; raises ValueError with TracPro's message."""
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as error:
        if error.error_type == phonenumbers.NumberParseException.TOO_LONG:
            raise ValueError(_("The string supplied is too long to be a phone number.")) from error
        if error.error_type in (phonenumbers.NumberParseException.TOO_SHORT_NSN,
                                phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD):
            raise ValueError(_("The string supplied is too short to be a phone number.")) from error
        if error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE and text.strip().startswith("+"):
            raise ValueError(_("This phone number has an invalid country code.")) from error
        raise ValueError(_(NOT_A_PHONE)) from error
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == phonenumbers.ValidationResult.TOO_SHORT:
        raise ValueError(_("The string supplied is too short to be a phone number."))
    if reason == phonenumbers.ValidationResult.TOO_LONG:
        raise ValueError(_("The string supplied is too long to be a phone number."))
    if reason == phonenumbers.ValidationResult.INVALID_COUNTRY_CODE:
        raise ValueError(_("This phone number has an invalid country code."))
    if not phonenumbers.is_valid_number(number):
        raise ValueError(_(NOT_A_PHONE))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_urn(scheme: str, path: str) -> tuple[str, str]:
    """The URN as stored ("tel:+250788123456") and the part its uniqueness is checked on."""
    path = path.strip()
    if scheme == "tel":
        number = normalise_phone(path)
        return f"tel:{number}", f"tel:{number}"
    if scheme == "twitter":
        handle = path.removeprefix("@")
        if not HANDLE.match(handle):
            raise ValueError(_(BAD_HANDLE))
        return f"twitter:{handle}", f"twitter:{handle.lower()}"
    if scheme == "twitterid":
        numeric, hash_, handle = path.partition("#")
        if not hash_:
            raise ValueError(_("This is not a valid numeric ID.  The correct format is: <numeric id>#<Twitter "
                               "handle>"))
        if not numeric.isdigit():
            raise ValueError(_("This is not a valid numeric ID.  A valid numeric ID has only numbers 0-9."))
        return f"twitterid:{numeric}#{handle}", f"twitterid:{numeric}"
    raise ValueError(_(INVALID_CHOICE))


def _taken(session: Session, org_id: int, key: str, contact_id: int | None) -> bool:
    scheme, _colon, rest = key.partition(":")
    # A numeric Twitter id is the same account whatever handle follows it. Handles hold "_": literal.
    pattern = f"{literal_pattern(key)}#%" if scheme == "twitterid" else literal_pattern(key)
    same = Contact.urn == key if scheme == "tel" else Contact.urn.ilike(pattern, escape=ESCAPE)
    query = select(Contact.id).where(Contact.org_id == org_id, Contact.is_active, same)
    if contact_id is not None:
        query = query.where(Contact.id != contact_id)
    return session.scalars(query.limit(1)).first() is not None


def same_field_value(kind: FieldType, stored: object, clean: str | None) -> bool:
    """Whether a field's cleaned form value is what the contact holds already (as RapidPro wrote
    it, e.g. "34.0" or a date in another notation): such a field was not changed by the user."""
    if stored is None or str(stored).strip() == "":
        return clean is None
    try:
        return clean == _field_value(kind, str(stored).strip())
    except ValueError:
        return clean == str(stored)


def _field_value(kind: FieldType, text: str) -> str:
    if kind == FieldType.NUMBER:
        try:
            number = Decimal(text)
        except InvalidOperation as error:
            raise ValueError(_("Enter a number.")) from error
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        return format(number, "f")
    if kind == FieldType.DATETIME:
        try:
            return datetime.fromisoformat(text).isoformat()
        except ValueError as error:
            raise ValueError(_("Enter a valid date/time.")) from error
    if problem := text_problem(text, max_length=255):
        raise ValueError(problem)
    return text


def validate_contact(session: Session, scope: Scope, data: ContactInput, contact_id: int | None = None) -> dict:
    """Clean values for a contact, or FormErrors with every problem by field."""
    errors: dict[str, list[str]] = {}
    clean: dict = {}

    def problem(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    name = (data.name or "").strip()
    if message := text_problem(name, max_length=128):
        problem("name", message)
    clean["name"] = name
    if not data.urn_scheme or not (data.urn_path or "").strip():
        problem("urn", _(REQUIRED))
    elif data.urn_scheme not in SCHEMES:
        problem("urn", _(INVALID_CHOICE))
    else:
        try:
            clean["urn"], key = normalise_urn(data.urn_scheme, data.urn_path or "")
            if _taken(session, scope.org_id, key, contact_id):
                problem("urn", _(TAKEN[data.urn_scheme]))
        except ValueError as error:
            problem("urn", str(error))
    region = session.get(Region, data.region_id) if data.region_id is not None else None
    if data.region_id is None:
        problem("region", _(REQUIRED))
    elif region is None or region.org_id != scope.org_id or not region.is_active or not scope.sees_region(region.id):
        problem("region", _(INVALID_CHOICE))
    clean["region_id"] = data.region_id
    groups = session.scalars(select(ReporterGroup).where(
        ReporterGroup.id.in_(data.reporter_group_ids), ReporterGroup.org_id == scope.org_id,
        ReporterGroup.is_active)).all()
    if not data.reporter_group_ids:
        problem("groups", _(REQUIRED))
    elif len(groups) != len(set(data.reporter_group_ids)):
        problem("groups", _(INVALID_CHOICE))
    clean["reporter_groups"] = list(groups)
    if not data.language:
        problem("language", _(REQUIRED))
    elif pycountry.languages.get(alpha_3=data.language) is None:
        problem("language", _(INVALID_CHOICE))
    clean["language"] = data.language
    visible = {f.key: f for f in session.scalars(select(DataField).where(
        DataField.org_id == scope.org_id, DataField.is_visible, DataField.is_active))}
    clean["fields"] = {}
    for key, text in data.fields.items():
        if key not in visible:
            problem(key, _("This field cannot be edited here."))
            continue
        if (text or "").strip():
            try:
                clean["fields"][key] = _field_value(visible[key].value_type, text.strip())
            except ValueError as error:
                problem(key, str(error))
        else:
            clean["fields"][key] = None
    if errors:
        raise FormErrors(errors)
    return clean


def search_languages(text: str, limit: int = 10) -> list[tuple[str, str]]:
    """(ISO 639-3 code, name) of languages whose name or code starts a word with `text`."""
    text = text.strip().lower()

    def rank(language) -> int | None:
        name = language.name.lower()
        if not text:
            return 0
        if language.alpha_3 == text or name == text:
            return 0
        if name.startswith(text):
            return 1
        return 2 if any(word.startswith(text) for word in name.split()) else None

    ranked = [(rank(language), language.name, language.alpha_3) for language in pycountry.languages]
    return [(code, name) for _rank, name, code in sorted(r for r in ranked if r[0] is not None)][:limit]
