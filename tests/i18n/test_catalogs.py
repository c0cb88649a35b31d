"""The catalogs: every UI string is translated in French, Spanish and Arabic, translations keep
their placeholders, and no page shows a string that never went through `_`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tracpro.i18n import _, ngettext, resolve_language, use_language
from tracpro.i18n.catalogs import CATALOGS, ROOT, catalog_for, extract, read_catalog, untranslated

PLACEHOLDER = re.compile(r"(?<!\{)\{([a-zA-Z_][a-zA-Z0-9_]*)(?:[:!][^}]*)?\}(?!\})")


def _key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


@pytest.fixture(scope="module")
def template():
    return extract()


def test_the_sources_have_ui_strings_to_translate(template):
    # The extraction really looks at the pages: an empty template would make every check below pass.
    ids = {_key(message) for message in template if message.id}
    assert len(ids) > 300
    assert {"Home", "Polls", "Sign in"} <= ids


@pytest.mark.parametrize("code", CATALOGS)
def test_every_ui_string_is_translated(template, code):
    catalog = read_catalog(code)
    translated = {_key(message) for message in catalog if message.id} - set(untranslated(catalog))
    missing = sorted(_key(message) for message in template if message.id and _key(message) not in translated)
    assert not missing, f"{len(missing)} strings missing from the {code} catalog " \
                        f"(run `python -m tracpro.i18n update` and translate them): {missing[:20]}"


@pytest.mark.parametrize("code", CATALOGS)
def test_translations_keep_their_placeholders(code):
    wrong = []
    for message in read_catalog(code):
        if not message.id or not message.string:
            continue
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        strings = (message.string,) if isinstance(message.string, str) else tuple(message.string)
        wanted = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for string in strings:
            found = set(PLACEHOLDER.findall(string))
            # A plural form may leave the count out ("one contact"), never add a name of its own.
            if found - wanted or (isinstance(message.id, str) and found != wanted):
                wrong.append((_key(message), string))
    assert not wrong, wrong[:10]


def test_a_translation_is_used_and_english_is_the_message_itself():
    use_language("fr")
    try:
        assert _("Home") == "Accueil"
        assert _("a message no catalog has") == "a message no catalog has"
    finally:
        use_language("en")
    assert _("Home") == "Home"


def test_arabic_has_six_plural_forms_and_french_counts_zero_as_one():
    arabic = catalog_for("ar")
    assert [arabic.plural_index(n) for n in (0, 1, 2, 5, 11, 100)] == [0, 1, 2, 3, 4, 5]
    assert catalog_for("fr").plural_index(0) == 0
    use_language("en")
    assert ngettext("{count} x", "{count} xs", 1) == "{count} x"
    assert ngettext("{count} x", "{count} xs", 2) == "{count} xs"


@pytest.mark.parametrize(("chosen", "org", "offered", "expected"), [
    ("fr", "en", ("en", "fr"), "fr"),      # the user's own choice
    (None, "ar", ("en", "ar"), "ar"),      # no choice: the org's default
    ("es", "fr", ("en", "fr"), "fr"),      # a choice the org no longer offers
    ("xx", None, (), "en"),                # nothing known: English
    ("es", None, (), "es"),                # no org (a superuser before any): any UI language
])
def test_the_viewer_language(chosen, org, offered, expected):
    assert resolve_language(chosen, org, offered) == expected


# Streamlit calls whose first argument, or these keyword arguments, a person reads.
SHOWN_FIRST = {
    "title", "header", "subheader", "caption", "markdown", "write", "text", "button", "form_submit_button",
    "text_input", "text_area", "number_input", "selectbox", "multiselect", "radio", "checkbox", "toggle",
    "info", "warning", "error", "success", "expander", "download_button", "metric", "date_input",
    "time_input", "link_button", "page_link", "toast", "file_uploader", "slider", "select_slider",
    "segmented_control", "pills", "popover", "dialog", "status", "spinner", "color_picker",
}
SHOWN_KEYWORDS = {"label", "help", "placeholder", "title", "caption", "alt", "body"}
UI_SOURCES = ["app.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py")),
              *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tracpro" / "ui").glob("*.py"))]


# Names and examples that read the same in every language.
SAME_IN_EVERY_LANGUAGE = {"TracPro", "RapidPro"}


def _words(node: ast.AST) -> str | None:
    """The text of a literal a person would read (one with words in it), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    else:
        return None
    if not re.search(r"[A-Za-z]{2}", text) or text.strip() in SAME_IN_EVERY_LANGUAGE:
        return None
    if "://" in text or re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", text):  # an address, a slug
        return None
    return text


def _untranslated_literals(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name = node.func.attr
        candidates = []
        if name in SHOWN_FIRST and node.args:
            candidates.append(node.args[0])
        if name in SHOWN_FIRST or name == "Page":
            candidates += [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
        for candidate in candidates:
            text = _words(candidate)
            if text is not None:
                found.append(
                    f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{candidate.lineno}: {text!r}"
                )
    return found


def test_the_check_finds_a_literal_shown_as_it_is(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('st.title("Hello there")\nst.button(_("Save"), help=f"Saves {x} now")\nst.caption("·")\n'
                    'st.Page("p.py", title="Home")\nst.markdown("RapidPro")\n', encoding="utf-8")
    found = _untranslated_literals(page)
    assert [line.split(": ", 1)[1] for line in found] == ["'Hello there'", "'Saves  now'", "'Home'"]


def test_no_page_shows_a_string_that_is_not_translated():
    found = [line for source in UI_SOURCES for line in _untranslated_literals(ROOT / source)]
    assert not found, "wrap these in _() (tracpro.i18n):\n" + "\n".join(found)


def test_contact_languages_are_named_in_the_viewers_language():
    from tracpro.queries.contacts import language_name

    use_language("fr")
    try:
        assert [language_name(code) for code in ("fra", "eng", "xyz-not-a-code")] == ["Français", "Anglais",
                                                                                    "xyz-not-a-code"]
    finally:
        use_language("en")
    assert language_name("fra") == "French"
    # The names people use (CLDR), not the standard's ("Swahili (macrolanguage)"), in every language.
    assert [language_name(code) for code in ("swa", "kin", "lug")] == ["Swahili", "Kinyarwanda", "Ganda"]
    use_language("ar")
    try:
        assert language_name("swa") == "السواحلية"
    finally:
        use_language("en")
    assert language_name("kdj") == "Karamojong"  # a language CLDR does not name: the standard's name


@pytest.mark.parametrize(("code", "expected"), [
    ("en", ["4,180", "1,234.5", "74.6", "12"]),          # as Python writes them: English pages unchanged
    ("fr", ["4\u202f180", "1\u202f234,5", "74,6", "12"]),  # French marks, narrow no-break space
    ("ar", ["4,180", "1,234.5", "74.6", "12"]),          # Latin digits, as the rest of the page
])
def test_numbers_are_written_with_the_languages_marks(code, expected):
    from tracpro.i18n import format_number

    use_language(code)
    try:
        assert [format_number(4180), format_number(1234.5), format_number(74.56, 1), format_number(12)] == expected
    finally:
        use_language("en")
