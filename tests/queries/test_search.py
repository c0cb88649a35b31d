"""Searches find what was typed, letter for letter: `%`, `_` and a backslash are characters, not
patterns, and a NUL, other control characters or an absurdly long term never reach PostgreSQL as such."""

from __future__ import annotations

import ast

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.conftest import ROOT
from tests.queries.tracpro_data import build_data
from tracpro.actions.contact_validation import ContactInput, validate_contact
from tracpro.auth.scope import Scope
from tracpro.db.models import Contact
from tracpro.db.search import MAX_LENGTH, contains, search_text
from tracpro.forms import FormErrors
from tracpro.queries.contacts import contact_count, contact_list
from tracpro.queries.messages import inbox
from tracpro.queries.poll_base import field_filter

# Each name holds one character LIKE reads as a pattern; "Plain" holds none of them.
NAMES = ["50% done", "Jean_Paul", "Back\\slash", "Plain 50 done", "JeanXPaul", "Backslash"]


@pytest.fixture
def data(db):
    data = build_data(db)
    for number, name in enumerate(NAMES):
        contact = f.ContactFactory(org=data.unicef, name=name, urn=f"tel:+250788{number:06d}",
                                   region=data.regions["Kunar"], fields={"district": name})
        f.InboxMessageFactory(contact=contact, text=f"{name} wrote", created_on=f.NOW)
    db.flush()
    return data


@pytest.mark.parametrize(("search", "found"), [
    ("%", ["50% done"]),
    ("50%", ["50% done"]),
    ("_", ["Jean_Paul"]),
    ("n_P", ["Jean_Paul"]),
    ("\\", ["Back\\slash"]),
    ("k\\s", ["Back\\slash"]),
    ("JEAN_paul", ["Jean_Paul"]),  # still ignoring case
])
def test_search_matches_wildcards_and_backslashes_literally(db, data, search, found):
    assert contact_list(db, data.scope(), search=search)["Name"].tolist() == found
    assert contact_count(db, data.scope(), search=search) == len(found)
    assert inbox(db, data.scope(), search=search)["Contact"].tolist() == found
    district = select(Contact.name).where(Contact.org_id == data.unicef.id, field_filter([("district", search)]))
    assert db.scalars(district).all() == found


@pytest.mark.parametrize("search", ["a\x00n", "\x00", "An\x1b[31m", "a\tn", "x" * 100_000])
def test_control_characters_and_long_terms_reach_no_query_as_such(db, data, search):
    # Answered, whatever PostgreSQL would have said of a NUL: control characters read as spaces.
    expected = contact_list(db, data.scope(), search=search_text(search))["Name"].tolist()
    assert contact_list(db, data.scope(), search=search)["Name"].tolist() == expected
    assert contact_count(db, data.scope(), search=search) == len(expected)
    inbox(db, data.scope(), search=search)
    db.scalars(select(Contact.id).where(field_filter([("district", search)]))).all()


def test_search_text_is_what_is_searched_for():
    assert search_text("  Ann\x00Bob\r\n") == "Ann Bob"
    assert search_text("\x00\x01") == search_text(None) == ""
    assert search_text("x" * 100_000) == "x" * MAX_LENGTH
    assert search_text("%_\\") == "%_\\"  # wildcards are kept: the query escapes them
    assert str(contains(Contact.name, " ").compile()) == "true"  # an empty search matches every row


def test_a_twitter_handle_with_an_underscore_is_not_taken_by_one_with_another_letter_there(db):
    org, region = f.OrgFactory(), None
    region = f.RegionFactory(org=org)
    group = f.ReporterGroupFactory(org=org)
    f.ContactFactory(org=org, region=region, urn="twitter:jeanxpaul")
    f.ContactFactory(org=org, region=region, urn="twitterid:123#someone_else")
    db.flush()
    scope = Scope(org.id, None)

    def urn_problems(scheme: str, path: str) -> list[str]:
        form = ContactInput(name="Jean", urn_scheme=scheme, urn_path=path, region_id=region.id,
                            reporter_group_ids=(group.id,), language="eng")
        try:
            validate_contact(db, scope, form)
        except FormErrors as refusal:
            return refusal.errors.get("urn", [])
        return []

    assert urn_problems("twitter", "jean_paul") == []
    assert urn_problems("twitter", "JeanXPaul") == ["This Twitter handle is already being used by another contact."]
    assert urn_problems("twitterid", "12#x") == []  # "12" is no prefix pattern of "123"
    assert urn_problems("twitterid", "123#new_handle") != []


def test_every_like_pattern_in_the_code_is_escaped():
    """A LIKE built anywhere else from what someone typed would read `%` and `_` as wildcards again:
    every like/ilike call names its escape character (tracpro.db.search builds the patterns)."""
    unescaped = []
    for path in sorted((ROOT / "tracpro").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in {"like", "ilike", "not_like", "not_ilike"}
                    and not any(keyword.arg == "escape" for keyword in node.keywords)):
                unescaped.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert unescaped == []
