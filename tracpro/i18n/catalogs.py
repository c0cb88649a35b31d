"""The gettext catalogs: read from the .po files once per process, extracted and merged with Babel."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parent
LOCALE_DIR = PACKAGE / "locale"
ROOT = PACKAGE.parent.parent
DOMAIN = "messages"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
TRANSLATED = ("fr", "es", "ar")
# English is the source language: `update` fills its catalog with the messages themselves, and a
# wording changed there (a product decision, not a code change) is what English speakers read.
CATALOGS = ("en", *TRANSLATED)
# Where UI strings live: the pages, the app and the whole package (validation messages, chart labels).
SOURCES = ("app.py", "pages", "tracpro")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
# The simulator, the sync job's logs and the benchmark speak to developers, not to users.
NOT_UI = ("tracpro/simulator", "tracpro/sync", "tracpro/rapidpro", "tracpro/db")
# GNU gettext's Arabic rule, whose forms translators know (0, 1, 2, 3-10, 11-99, 100-102...); Babel's
# own puts 100-102 before 11-99.
PLURAL_FORMS = {"ar": (6, "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5)")}


def po_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@dataclass
class Translations:
    """One language's messages: singular ones by msgid, plural ones by their singular."""

    messages: dict[str, str] = field(default_factory=dict)
    plurals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    plural_rule: Callable[[int], int] | None = None

    def get(self, message: str) -> str | None:
        return self.messages.get(message)

    def plural(self, singular: str) -> tuple[str, ...] | None:
        return self.plurals.get(singular)

    def plural_index(self, count: int) -> int:
        return self.plural_rule(count) if self.plural_rule is not None else int(count != 1)


@cache
def catalog_for(code: str) -> Translations:
    path = po_path(code)
    if code not in CATALOGS or not path.exists():
        return Translations()
    catalog = read_catalog(code)
    translations = Translations(plural_rule=_plural_rule(catalog.plural_expr))
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple | list):
            if isinstance(message.string, tuple | list) and all(message.string):
                translations.plurals[message.id[0]] = tuple(message.string)
        elif isinstance(message.string, str) and message.string:
            translations.messages[message.id] = message.string
    return translations


def _plural_rule(expression: str) -> Callable[[int], int]:
    """gettext's C plural expression (Arabic: `n==0 ? 0 : n==1 ? 1 : ...`) as a function of n."""
    return gettext.c2py(expression)


def extract() -> Catalog:
    """Every translatable string in the sources, with where it is used."""
    template = Catalog(project="TracPro", domain=DOMAIN, fuzzy=False)
    for source in SOURCES:
        path = ROOT / source
        if path.is_file():
            entries = _extract_file(path)
        else:
            entries = (
                (str(path.relative_to(ROOT) / filename), lineno, message, comments, context)
                for filename, lineno, message, comments, context in extract_from_dir(
                    path, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("Translators:",),
                )
            )
        for filename, lineno, message, comments, context in entries:
            if filename.startswith(NOT_UI):
                continue
            template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def _extract_file(path: Path):
    for lineno, message, comments, context in extract_from_file(
        "python", str(path), keywords=KEYWORDS, comment_tags=("Translators:",),
    ):
        yield str(path.relative_to(ROOT)), lineno, message, comments, context


def update() -> dict[str, int]:
    """Write the template and merge it into each language's catalog; the count missing per language."""
    template = extract()
    LOCALE_DIR.mkdir(parents=True, exist_ok=True)
    with TEMPLATE.open("wb") as handle:
        write_po(handle, template, width=100, omit_header=False, sort_output=True)
    missing = {}
    for code in CATALOGS:
        path = po_path(code)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=code)
        else:
            catalog = Catalog(locale=code, domain=DOMAIN, project="TracPro", fuzzy=False)
        # No fuzzy matching: a guessed translation of a changed message is worse than none.
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        _standard_plurals(catalog, code)
        if code == "en":
            _fill_with_the_messages(catalog)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=True, ignore_obsolete=True)
        missing[code] = len(untranslated(catalog))
    catalog_for.cache_clear()
    return missing


def _fill_with_the_messages(catalog: Catalog) -> None:
    """English words each message as written in the code, unless someone reworded it here."""
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, str):
            message.string = message.string or message.id
        elif isinstance(message.string, tuple | list) and not all(message.string):
            message.string = (message.id[0], message.id[1])


def untranslated(catalog: Catalog) -> list[str]:
    """msgids with no translation (or a fuzzy one) in `catalog`."""
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def read_catalog(code: str) -> Catalog:
    with po_path(code).open("rb") as handle:
        return _standard_plurals(read_po(handle, locale=code), code)


def _standard_plurals(catalog: Catalog, code: str) -> Catalog:
    if code in PLURAL_FORMS:
        count, expression = PLURAL_FORMS[code]
        catalog.mime_headers = [("Plural-Forms", f"nplurals={count}; plural={expression};")]
    return catalog
