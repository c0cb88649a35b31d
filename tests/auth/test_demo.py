"""Demo accounts: an admin and two supervisors of different top-level regions, and a superuser of
every org, reset on each call; each says what signing in as it shows."""

from __future__ import annotations

import pytest

from tests import factories as f
from tracpro.auth.access import org_choices
from tracpro.auth.demo import ensure_demo_superuser, ensure_demo_users, format_demo_logins, present_demo_logins
from tracpro.auth.passwords import check_password
from tracpro.auth.users import find_by_login
from tracpro.db.models import Role


@pytest.fixture
def demo_org(db):
    org = f.OrgFactory(name="Demo")
    east = f.RegionFactory(org=org, name="East")
    f.RegionFactory(org=org, name="East district", parent=east)
    f.RegionFactory(org=org, name="West")
    db.flush()
    return org


def test_three_accounts_with_the_printed_passwords(db, demo_org):
    logins = ensure_demo_users(db, demo_org.id)
    assert [(d.role, d.regions) for d in logins] == [
        (Role.ADMIN, ()),
        (Role.SUPERVISOR, ("East",)),
        (Role.SUPERVISOR, ("West",)),
    ]
    for demo in logins:
        user = find_by_login(db, demo.login)
        assert check_password(demo.password, user.password_hash) and not user.must_change_password
    assert "supervisor in Demo: only West" in format_demo_logins(logins)
    assert logins[0].description == "administrator of Demo: all its regions, settings, indicators"


def test_calling_again_resets_the_accounts(db, demo_org):
    admin = ensure_demo_users(db, demo_org.id)[0]
    user = find_by_login(db, admin.login)
    user.is_active, user.failed_login_count, user.password_hash = False, 5, "changed"
    db.flush()
    ensure_demo_users(db, demo_org.id)
    assert (
        user.is_active and user.failed_login_count == 0 and check_password(admin.password, user.password_hash)
    )
    assert len(user.memberships) == 1


def test_the_login_page_lists_only_demo_accounts_that_still_work(db, demo_org):
    logins = ensure_demo_users(db, demo_org.id)
    assert present_demo_logins(db) == logins
    find_by_login(db, logins[1].login).is_active = False
    db.flush()
    assert [d.login for d in present_demo_logins(db)] == [logins[0].login, logins[2].login]


def test_an_org_without_two_top_level_regions_is_refused_in_words(db):
    org = f.OrgFactory()
    f.RegionFactory(org=org)
    db.flush()
    with pytest.raises(ValueError, match="at least 2 top-level regions"):
        ensure_demo_users(db, org.id)


def test_the_demo_superuser_works_in_every_org_and_is_listed_last(db, demo_org):
    other = f.OrgFactory(name="Health")
    db.flush()
    logins = ensure_demo_users(db, demo_org.id)
    superuser = ensure_demo_superuser(db)
    user = find_by_login(db, superuser.login)
    assert user.is_superuser and not user.memberships and check_password(superuser.password, user.password_hash)
    assert {choice.id for choice in org_choices(db, user.id, is_superuser=True)} >= {demo_org.id, other.id}
    assert present_demo_logins(db) == [*logins, superuser]
    assert superuser.description == "superuser: every organization, switch between them in the sidebar"
    user.is_superuser = False  # a demo account changed in the app is no longer the superuser
    ensure_demo_superuser(db)
    assert user.is_superuser
