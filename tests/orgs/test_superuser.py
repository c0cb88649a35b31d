"""Superuser org management: create with validation, deactivate (hidden, not synced), reactivate."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests import factories as f
from tracpro.auth.access import org_choices
from tracpro.db.models import Membership, Org, Role
from tracpro.db.token_cipher import decrypt_token
from tracpro.forms import REQUIRED, FormErrors
from tracpro.orgs.superuser import SLUG, NewOrg, create_org, org_overview, set_org_active


def test_a_new_org_is_created_active_with_its_rapidpro_connection(db):
    org = create_org(db, NewOrg(" UNICEF Rwanda ", "unicef-rwanda", "Africa/Kigali", "https://rapidpro.example.org",
                                " secret-token "))
    assert (org.name, org.slug, org.timezone, decrypt_token(org.rapidpro_token_encrypted), org.is_active) == (
        "UNICEF Rwanda", "unicef-rwanda", "Africa/Kigali", "secret-token", True)
    assert "secret-token" not in org.rapidpro_token_encrypted
    overview = org_overview(db).set_index("Slug")
    assert overview.loc["unicef-rwanda", "Status"] == "Active"
    assert overview.loc["unicef-rwanda", "Members"] == 0


def test_every_problem_is_named_and_nothing_is_created(db):
    f.OrgFactory(slug="taken")
    before = db.scalar(select(func.count()).select_from(Org))
    with pytest.raises(FormErrors) as refused:
        create_org(db, NewOrg("", "Not A Slug!", "Mars/Olympus", "ftp:/nowhere", "x" * 300))
    assert refused.value.errors == {
        "name": [REQUIRED],
        "slug": ["Use lowercase letters, digits and hyphens (at most 64), such as “unicef-rwanda”."],
        "timezone": ["Select a valid timezone."],
        "rapidpro_host": ["Enter a valid URL, such as https://app.rapidpro.io."],
        "rapidpro_token": ["Ensure this value has at most 255 characters (it has 300)."],
    }
    with pytest.raises(FormErrors) as duplicate:
        create_org(db, NewOrg("Another", "taken"))
    assert duplicate.value.errors == {"slug": ["Another org already uses this short name."]}
    assert db.scalar(select(func.count()).select_from(Org)) == before


def test_a_deactivated_org_leaves_its_members_org_lists_and_comes_back(db):
    org = f.OrgFactory(name="Closing")
    user = f.UserFactory()
    f.MembershipFactory(user=user, org=org, role=Role.ADMIN)
    db.flush()
    assert [choice.id for choice in org_choices(db, user.id, is_superuser=False)] == [org.id]
    set_org_active(db, org.id, False)
    assert org_choices(db, user.id, is_superuser=False) == []
    assert org_overview(db).set_index("org_id").loc[org.id, "Status"] == "Deactivated"
    assert db.scalar(select(func.count()).select_from(Membership).where(Membership.org_id == org.id)) == 1
    set_org_active(db, org.id, True)
    assert [choice.id for choice in org_choices(db, user.id, is_superuser=False)] == [org.id]
    with pytest.raises(FormErrors):
        set_org_active(db, 10**9, False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=200), slug=st.one_of(st.text(max_size=80), st.from_regex(SLUG, fullmatch=True)),
       timezone=st.one_of(st.text(max_size=40), st.sampled_from(["UTC", "Africa/Kigali", "Asia/Kabul"])))
@example(name="Nul\x00here", slug="nul-here", timezone="UTC")  # PostgreSQL refuses NUL characters
def test_any_input_either_creates_a_valid_org_or_names_its_problems(db, name, slug, timezone):
    nested = db.begin_nested()
    try:
        org = create_org(db, NewOrg(name, slug, timezone))
    except FormErrors as refused:
        assert refused.errors and all(messages for messages in refused.errors.values())
    else:
        assert org.name == name.strip() and 0 < len(org.name) <= 255 and org.slug == slug.strip()
    finally:
        nested.rollback()
