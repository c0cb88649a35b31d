"""Validation of write bodies, with the server's error messages and shapes."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .pagination import ApiError
from .timefmt import iso_local, parse_param

SCHEMES = {"tel", "whatsapp", "twitter", "twitterid", "telegram", "facebook", "mailto", "ext", "viber", "line",
           "discord", "instagram", "slack", "webchat", "wechat", "jiochat", "freshchat", "rocketchat", "vk"}
MAX_ITEMS = 100


class Errors:
    """Collects field errors; ``raise_if_any`` raises the 400 the server would send."""

    def __init__(self) -> None:
        self.body: dict = {}

    def add(self, name: str, message: str, index: int | None = None) -> None:
        if index is None:
            self.body.setdefault(name, []).append(message)
        else:
            self.body.setdefault(name, {}).setdefault(str(index), []).append(message)

    def raise_if_any(self) -> None:
        if self.body:
            raise ApiError(400, self.body)


def non_field(message: str) -> ApiError:
    return ApiError(400, {"non_field_errors": [message]})


def require_object(body) -> dict:
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise non_field("Request body should be a single JSON object")
    return body


def normalize_urn(value) -> str | None:
    """Normalised URN, or None when invalid (tel needs +country code digits)."""
    if not isinstance(value, str) or ":" not in value:
        return None
    scheme, _, path = value.strip().partition(":")
    scheme = scheme.lower()
    if scheme not in SCHEMES or not path.strip():
        return None
    path = path.strip()
    if scheme in ("tel", "whatsapp"):
        digits = re.sub(r"[\s\-().]", "", path)
        if scheme == "tel":
            if not re.fullmatch(r"\+\d{7,15}", digits):
                return None
        elif not re.fullmatch(r"\+?\d{7,15}", digits):
            return None
        return f"{scheme}:{digits.lstrip('+') if scheme == 'whatsapp' else digits}"
    if scheme == "twitter":
        handle = path.lstrip("@").lower()
        return f"twitter:{handle}" if re.fullmatch(r"\w{1,15}", handle) else None
    if scheme == "telegram":
        return f"telegram:{path}" if path.isdigit() else None
    return f"{scheme}:{path}"


def urn_error(value) -> str:
    return f"Invalid URN: {value}. Ensure phone numbers contain country codes."


def check_list(errors: Errors, body: dict, name: str) -> list:
    value = body.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        errors.add(name, f'Expected a list of items but got type "{type(value).__name__}".')
        return []
    if len(value) > MAX_ITEMS:
        errors.add(name, f"Ensure this field has no more than {MAX_ITEMS} elements.")
        return []
    return value


def check_urns(errors: Errors, body: dict, name: str = "urns") -> list[str]:
    out = []
    for k, value in enumerate(check_list(errors, body, name)):
        norm = normalize_urn(value)
        if norm is None:
            errors.add(name, urn_error(value), k)
        else:
            out.append(norm)
    return out


def check_language(errors: Errors, value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[a-z]{3}", value):
        errors.add("language", "Not a valid ISO639-3 language code.")
        return None
    return value


def to_bool(value, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    return str(value).strip().lower() in ("1", "true", "y", "yes")


def field_value(ds, ftype: str, value) -> str | None:
    """How a contact field value is stored: invalid numbers or dates silently become null."""
    if value is None:
        return None
    text = str(value).strip()
    if text == "":
        return None
    if ftype == "number":
        try:
            d = Decimal(text)
        except InvalidOperation:
            return None
        if not d.is_finite():
            return None
        out = format(d.normalize(), "f")
        return out
    if ftype == "datetime":
        us = parse_param(text)
        return iso_local(us, 2) if us is not None else None
    if ftype in ("state", "district", "ward"):
        level = {"state": 1, "district": 2, "ward": 3}[ftype]
        for r in ds.org.regions:
            if r.level == level and text.lower() in (r.name.lower(), r.path.lower()):
                return r.path
        return None
    return text
