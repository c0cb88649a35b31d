"""Odd input in an address or a search box (a NUL, other control characters, a page of text, digits
that are not 0-9 or too many of them) is cleaned or refused in words, never a traceback.

The address is anyone's to write, and a link can carry anything; the values below are what a
forged or mangled link may hold. PostgreSQL refuses a NUL in any text; Python's int() refuses "²"
(a digit to str.isdigit) and more than 4,300 digits.
"""

from __future__ import annotations

import pytest

from tests.pages.app import errors, shown_text, signed_in
from tests.pages.hostile_world import ADMIN, build_hostile_world
from tracpro.db.search import MAX_LENGTH
from tracpro.text import as_read

ODD_IDS = {"superscript": "²", "arabic digits": "١٢", "thousands of digits": "9" * 5000, "nul": "1\x00"}
ODD_TEXTS = {"nul": "An\x00n", "escape sequence": "An\x1b[31mn", "a page of text": "x" * 100_000}


@pytest.fixture
def world(db):
    return build_hostile_world(db)


@pytest.fixture
def admin(world):
    return signed_in(ADMIN)


def _open(app, page: str, **params: str):
    app.query_params.clear()
    app.query_params.update(params)
    app.switch_page(page).run()
    assert not app.exception, (page, params, app.exception)
    return app


ID_PAGES = {
    "pages/poll.py": ("poll", "This poll does not exist, or you may not see it."),
    "pages/start_poll.py": ("poll", None),  # a start page offers the polls to choose from instead
    "pages/pollrun.py": ("pollrun", "This poll date does not exist, or you may not see it."),
    "pages/contact.py": ("contact", "This contact does not exist, or you may not see it."),
    "pages/contact_edit.py": ("contact", "This contact does not exist, or you may not see it."),
    "pages/inbox.py": ("contact", "This contact does not exist, or you may not see it."),
    "pages/indicator.py": ("indicator", "This indicator does not exist, or you may not see it."),
}


@pytest.mark.parametrize("value", ODD_IDS.values(), ids=ODD_IDS.keys())
def test_an_odd_id_in_the_address_is_not_found_in_words(admin, value):
    for page, (param, refusal) in ID_PAGES.items():
        _open(admin, page, **{param: value})
        if refusal is not None:
            assert refusal in errors(admin), page
    _open(admin, "pages/home.py", region=value)  # the sidebar's region: all regions instead
    assert admin.sidebar.selectbox[0].value == 0


@pytest.mark.parametrize("value", ODD_TEXTS.values(), ids=ODD_TEXTS.keys())
def test_odd_text_in_a_search_or_a_filter_is_searched_for_cleaned(admin, world, value):
    cleaned = value.replace("\x00", " ").replace("\x1b", " ")[:MAX_LENGTH]
    _open(admin, "pages/contacts.py", search=value)
    assert f"No contact matches “{cleaned}”." in as_read(shown_text(admin))
    assert admin.text_input(key="contact_search").value == cleaned  # the box holds what was searched for
    # Typed: the box takes MAX_LENGTH characters at most (a browser lets no more be typed or pasted).
    _open(admin, "pages/inbox.py").text_input(key="inbox_search").input(value[:MAX_LENGTH]).run()
    assert not admin.exception, admin.exception
    assert f"No conversation matches “{cleaned}”." in as_read(shown_text(admin))
    for page, params in (("pages/poll.py", {"poll": str(world.poll_id)}),
                         ("pages/pollrun.py", {"pollrun": str(world.pollrun_id)})):
        _open(admin, page, contact_district=value, **params)
        assert "1 contact filter" in as_read(shown_text(admin))
        assert admin.text_input(key="poll_filter_contact_district").value == cleaned
