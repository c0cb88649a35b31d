"""Translations: every string a person reads goes through `_` (or `ngettext`), looked up in the
gettext catalog of the viewer's language.

The language is not a global: each browser tab has its own, and a sync job or a test has
none (English). The UI registers where to find it (`set_language_source`, tracpro.ui.language);
`use_language` sets it for code outside the UI (the CLI, tests). A string needed before it can
be translated (a module-level constant) is marked with `N_` and translated where it is shown:
`_(TITLE)`.

Messages carry named placeholders, filled after translation so a translator can move them:
`_("{count} contacts").format(count=n)`. Catalogs live in tracpro/i18n/locale/<code>/LC_MESSAGES/
messages.po, read as they are (no compiled .mo to keep in step); `python -m tracpro.i18n update`
extracts the strings and merges them in, `python -m tracpro.i18n check` lists what is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from datetime import date, datetime

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from tracpro.i18n.catalogs import catalog_for

DEFAULT_LANGUAGE = "en"
# The UI languages, each named in itself (a French speaker looks for "Français", not "French").
LANGUAGES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية"}
RIGHT_TO_LEFT = frozenset({"ar"})

_language: ContextVar[str] = ContextVar("tracpro_language", default=DEFAULT_LANGUAGE)
_language_source: Callable[[], str | None] | None = None


def set_language_source(source: Callable[[], str | None] | None) -> None:
    """Where the current language comes from when there is one (the UI: the tab's choice)."""
    global _language_source
    _language_source = source


def use_language(code: str) -> None:
    """The language for this thread or task, outside the UI (CLI, tests)."""
    _language.set(code if code in LANGUAGES else DEFAULT_LANGUAGE)


def current_language() -> str:
    if _language_source is not None:
        code = _language_source()
        if code in LANGUAGES:
            return code
    return _language.get()


def is_right_to_left(code: str | None = None) -> bool:
    return (code or current_language()) in RIGHT_TO_LEFT


def resolve_language(chosen: str | None, org_default: str | None, offered: tuple[str, ...] = ()) -> str:
    """The viewer's language: their own choice, else the org's default, else English. A choice
    the org no longer offers falls back to the org's default (offered empty: everything is)."""
    if chosen in LANGUAGES and (not offered or chosen in offered):
        return chosen
    if org_default in LANGUAGES:
        return org_default
    return DEFAULT_LANGUAGE


def _(message: str) -> str:
    """`message` in the current language (itself when the catalog has no translation)."""
    if not message:
        return message
    translation = catalog_for(current_language()).get(message)
    return translation or message


def gettext_in(code: str, message: str) -> str:
    """`message` as the catalog of `code` words it, whatever the current language (tests, and
    anything that must word a message for someone other than the viewer)."""
    if not message:
        return message
    return catalog_for(code).get(message) or message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form for `count` in the current language (Arabic has six); fill `{count}` after."""
    language = current_language()
    forms = catalog_for(language).plural(singular)
    if forms:
        chosen = forms[catalog_for(language).plural_index(count)]
        if chosen:
            return chosen
    return singular if count == 1 else plural


# Dates in words, per language: English keeps TracPro's own ("Nov 02, 2026"), the others CLDR's
# patterns through Babel ("2 nov. 2026", "2 نوفمبر 2026"), month names in the viewer's language.
# One format for a day and one for a moment on every page (the original had five).
_DATE_PATTERNS = {
    "day": ("%b %d, %Y", "d MMM y"),
    "day_month": ("%b %d", "d MMM"),
    "moment": ("%b %d, %Y %H:%M", "d MMM y HH:mm"),
}


def format_date(moment: date | datetime, style: str = "day") -> str:
    """`moment` in words in the current language, in one of _DATE_PATTERNS' styles."""
    english, pattern = _DATE_PATTERNS[style]
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return moment.strftime(english)
    if style.endswith("moment"):
        return babel_dates.format_datetime(moment, pattern, locale=language)
    return babel_dates.format_date(moment, pattern, locale=language)


def format_number(value: float, decimals: int | None = None) -> str:
    """A count or a measure with the current language's marks ("4 180" in French, "1.234,5" in
    Spanish), Latin digits everywhere; English as Python writes it ("4,180")."""
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return f"{value:,.{decimals}f}" if decimals is not None else f"{value:,}"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    if decimals is None and not float(value).is_integer():
        pattern = "#,##0.###"
    return babel_numbers.format_decimal(value, format=pattern, locale=language, numbering_system="latn")


def isolated(text: str) -> str:
    """`text` (data: a poll's or a person's name) set apart from the sentence around it in a
    right-to-left language, so its own direction cannot reorder the brackets and dates next to it."""
    return f"\u2068{text}\u2069" if is_right_to_left() else text


def N_(message: str) -> str:  # noqa: N802 — gettext's own name for "mark, translate later"
    """Marks a string for the catalogs without translating it (translated where it is shown)."""
    return message


__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "N_",
    "_",
    "current_language",
    "format_date",
    "format_number",
    "gettext_in",
    "is_right_to_left",
    "isolated",
    "ngettext",
    "resolve_language",
    "set_language_source",
    "use_language",
]
