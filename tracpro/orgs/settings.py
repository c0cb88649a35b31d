"""An org's settings, as its administrators edit them. Bad input raises FormErrors with every problem in
words and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import available_timezones

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tracpro.answers import recompute_values_to_use
from tracpro.db.models import DataField, Org, SameDayMode
from tracpro.forms import REQUIRED, FormErrors, text_problem
from tracpro.i18n import LANGUAGES, _
from tracpro.orgs.connection import TOKEN_FOR_THIS_HOST, encrypted_token, host_problem, token_needed

# Each language named in itself, never translated (a French speaker looks for "Français").
UI_LANGUAGES = LANGUAGES  # the languages TracPro has catalogs for (tracpro.i18n)
LOGO_TYPES = {"image/png", "image/jpeg", "image/svg+xml", "image/webp"}
MAX_LOGO_BYTES = 500_000


@dataclass(frozen=True)
class OrgSettings:
    name: str | None
    timezone: str | None
    language: str | None
    available_languages: tuple[str, ...]
    rapidpro_host: str | None
    rapidpro_token: str | None  # None keeps the current token (it is never shown back) if the host stays
    sameday_mode: str | None
    show_spoof_data: bool = False
    visible_fields: tuple[str, ...] = ()
    logo: bytes | None = None  # None keeps the current logo
    logo_content_type: str | None = None
    remove_logo: bool = False


def validate_settings(session: Session, org_id: int, data: OrgSettings) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def problem(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if message := text_problem(data.name, max_length=255):
        problem("name", message)
    if not data.timezone:
        problem("timezone", _(REQUIRED))
    elif data.timezone not in available_timezones():
        problem("timezone", _("Select a valid timezone."))
    if not data.available_languages or any(code not in UI_LANGUAGES for code in data.available_languages):
        problem("available_languages", _("Choose the languages from the list."))
    if data.language not in UI_LANGUAGES:
        problem("language", _(REQUIRED) if not data.language else _("Select a valid choice."))
    elif data.language not in data.available_languages:
        problem("language", _("Default language must be one of the languages available for this organization."))
    host = (data.rapidpro_host or "").strip()
    bad_host = host_problem(host) if host else None
    if bad_host:
        problem("rapidpro_host", bad_host)
    if data.rapidpro_token is not None and (message := text_problem(data.rapidpro_token, required=False,
                                                                     max_length=255)):
        problem("rapidpro_token", message)
    elif not bad_host and token_needed(session.get_one(Org, org_id), host, data.rapidpro_token):
        problem("rapidpro_token", _(TOKEN_FOR_THIS_HOST))
    if data.sameday_mode not in {mode.value for mode in SameDayMode}:
        problem("sameday_mode", _("Select a valid choice."))
    known = set(session.scalars(select(DataField.key).where(DataField.org_id == org_id, DataField.is_active)))
    if set(data.visible_fields) - known:
        problem("visible_fields", _("Choose contact fields from the list."))
    if data.logo is not None:
        if data.logo_content_type not in LOGO_TYPES:
            problem("logo", _("The logo must be a PNG, JPEG, SVG or WebP image."))
        elif len(data.logo) > MAX_LOGO_BYTES:
            problem("logo", _("The logo must be at most {size} KB.").format(size=MAX_LOGO_BYTES // 1000))
        elif not _looks_like(data.logo, data.logo_content_type):
            problem("logo", _("This file is not a PNG, JPEG, SVG or WebP image, whatever its name says."))
    return errors


def _looks_like(content: bytes, content_type: str) -> bool:
    """Whether the file starts as its type says: the browser names the type from the file's name,
    and a file that is not the image it claims would break every page that shows the logo."""
    if content_type == "image/png":
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    if content_type == "image/jpeg":
        return content.startswith(b"\xff\xd8\xff")
    if content_type == "image/webp":
        return content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    return b"<svg" in content[:4096]


def save_settings(session: Session, org_id: int, data: OrgSettings) -> Org:
    """Save the org's settings, or raise FormErrors with every problem and change nothing.

    The token is kept encrypted; another host needs its token typed with it, and an emptied host
    drops the token (tracpro.orgs.connection)."""
    errors = validate_settings(session, org_id, data)
    if errors:
        raise FormErrors(errors)
    token = encrypted_token(data.rapidpro_token) if data.rapidpro_token is not None else None
    # validate_settings refused a missing name, timezone, language or same-day mode.
    assert data.name is not None and data.timezone is not None and data.language is not None
    assert data.sameday_mode is not None
    org = session.get_one(Org, org_id)
    mode_changed = org.sameday_mode != SameDayMode(data.sameday_mode)
    org.name, org.timezone, org.language = data.name.strip(), data.timezone, data.language
    org.available_languages = list(data.available_languages)
    org.rapidpro_host = (data.rapidpro_host or "").strip()
    if token is not None:
        org.rapidpro_token_encrypted = token
    elif not org.rapidpro_host:
        org.rapidpro_token_encrypted = ""
    org.sameday_mode, org.show_spoof_data = SameDayMode(data.sameday_mode), data.show_spoof_data
    if data.remove_logo:
        org.logo = org.logo_content_type = None
    elif data.logo is not None:
        org.logo, org.logo_content_type = data.logo, data.logo_content_type
    session.execute(update(DataField).where(DataField.org_id == org_id)
                    .values(is_visible=DataField.key.in_(list(data.visible_fields))))
    session.flush()
    if mode_changed:  # every same-day group of answers follows the new rule at once
        recompute_values_to_use(session, org_id)
    return org


def parse_days(text: str | int | None) -> int:
    """The "fetch older runs" number of days: a whole number, 1 or more."""
    value = str(text if text is not None else "").strip()
    if not value.isdecimal() or int(value) < 1:
        raise FormErrors({"days": [_("Enter a whole number of days, 1 or more.")]})
    return int(value)

