"""Creating and editing users (the original TracPro's messages), and changing one's own password."""

from __future__ import annotations

import pytest

from tests import actors
from tests import factories as f
from tracpro.auth.actor import Actor
from tracpro.auth.passwords import check_password
from tracpro.auth.users import (
    UserDraft,
    change_own_password,
    create_user,
    set_own_language,
    update_user,
)
from tracpro.db.models import Role
from tracpro.forms import GENERAL, FormErrors

NOW = f.NOW


@pytest.fixture
def org(db):
    org = f.OrgFactory()
    db.flush()
    return org


def _errors(call) -> dict[str, list[str]]:
    with pytest.raises(FormErrors) as raised:
        call()
    return raised.value.errors


def test_creating_a_supervisor_reports_every_problem_in_tracpros_words(db, org):
    f.UserFactory(login="taken@example.org")
    db.flush()
    assert _errors(lambda: create_user(db, actors.admin(org.id), UserDraft("", "", Role.SUPERVISOR), NOW)) == {
        "name": ["This field is required."],
        "email": ["This field is required."],
        "regions": ["This field is required."],
        "password": ["This field is required."],
    }
    region = f.RegionFactory(org=org)
    db.flush()
    assert _errors(
        lambda: create_user(
            db,
            actors.admin(org.id),
            UserDraft("Mo", "mo@example.org", Role.SUPERVISOR, (region.id,), "123", "123"),
            NOW,
        )
    ) == {"password": ["Ensure this value has at least 8 characters (it has 3)."]}
    assert _errors(
        lambda: create_user(
            db,
            actors.admin(org.id),
            UserDraft("Mo", "mo@example.org", Role.SUPERVISOR, (region.id,), "password1", "password2"),
            NOW,
        )
    ) == {"confirm_password": ["Passwords don't match."]}
    assert _errors(
        lambda: create_user(
            db,
            actors.admin(org.id),
            UserDraft("Mo", " Taken@Example.org ", Role.SUPERVISOR, (region.id,), "password1", "password1"),
            NOW,
        )
    ) == {"email": ["Email address already taken."]}
    assert _errors(
        lambda: create_user(
            db, actors.admin(org.id), UserDraft("Mo", "not-an-address", Role.ADMIN, (), "password1", "password1"), NOW
        )
    ) == {"email": ["Enter a valid email address."]}


def test_a_new_user_signs_in_with_the_lower_case_email_and_must_change_the_password(db, org):
    region = f.RegionFactory(org=org)
    db.flush()
    user = create_user(
        db,
        actors.admin(org.id),
        UserDraft(" Mo Salah ", "Mo@Example.org", Role.SUPERVISOR, (region.id,), "password1", "password1"),
        NOW,
    )
    assert (user.login, user.email, user.name) == ("mo@example.org", "mo@example.org", "Mo Salah")
    assert user.must_change_password and check_password("password1", user.password_hash)
    assert [m.role for m in user.memberships] == [Role.SUPERVISOR]
    assert [r.id for r in user.memberships[0].regions] == [region.id]


def test_regions_must_belong_to_the_org(db, org):
    foreign = f.RegionFactory()
    db.flush()
    draft = UserDraft("Mo", "mo@example.org", Role.SUPERVISOR, (foreign.id,), "password1", "password1")
    assert _errors(lambda: create_user(db, actors.admin(org.id), draft, NOW)) == {
        "regions": ["Choose regions of this organisation only."]
    }


def test_setting_a_password_forces_a_change_signs_out_everywhere_and_unlocks(db, org):
    admin = f.MembershipFactory(org=org, role=Role.ADMIN).user
    member = f.MembershipFactory(org=org, role=Role.ADMIN)
    target = member.user
    target.locked_until, target.failed_login_count = NOW, 5
    live = f.LoginRecordFactory(user=target)
    db.flush()
    draft = UserDraft(target.name, target.login, Role.ADMIN, (), "new password", "new password")
    update_user(db, actors.admin(org.id, admin.id), target.id, draft, NOW)
    assert target.must_change_password and check_password("new password", target.password_hash)
    assert (target.failed_login_count, target.locked_until) == (0, None)
    db.refresh(live)
    assert live.revoked_at == NOW


def test_deactivating_signs_the_user_out_everywhere(db, org):
    admin = f.MembershipFactory(org=org, role=Role.ADMIN).user
    target = f.MembershipFactory(org=org, role=Role.ADMIN).user
    live = f.LoginRecordFactory(user=target)
    db.flush()
    update_user(
        db,
        actors.admin(org.id, admin.id),
        target.id,
        UserDraft(target.name, target.login, Role.ADMIN, is_active=False),
        NOW,
    )
    db.refresh(live)
    assert not target.is_active and live.revoked_at == NOW


def test_admins_cannot_lock_themselves_out(db, org):
    admin = f.MembershipFactory(org=org, role=Role.ADMIN).user
    region = f.RegionFactory(org=org)
    db.flush()
    actor = actors.admin(org.id, admin.id)
    errors = _errors(
        lambda: update_user(
            db,
            actor,
            admin.id,
            UserDraft(admin.name, admin.login, Role.SUPERVISOR, (region.id,), is_active=False),
            NOW,
        )
    )
    assert errors == {
        "is_active": ["You can't deactivate your own account."],
        "role": ["You can't remove your own administrator role."],
    }


def test_an_org_admin_cannot_change_the_account_of_someone_working_in_another_org(db, org):
    admin = f.MembershipFactory(org=org, role=Role.ADMIN).user
    region = f.RegionFactory(org=org)
    shared = f.MembershipFactory(org=org, role=Role.SUPERVISOR, regions=[region]).user
    f.MembershipFactory(user=shared, role=Role.SUPERVISOR)  # also in another org
    other_region = f.RegionFactory(org=org)
    db.flush()
    actor = actors.admin(org.id, admin.id)
    draft = UserDraft(shared.name, shared.login, Role.SUPERVISOR, (region.id,), is_active=False)
    assert GENERAL in _errors(lambda: update_user(db, actor, shared.id, draft, NOW))
    # ... but may still change what they do in this org.
    draft = UserDraft(shared.name, shared.login, Role.SUPERVISOR, (other_region.id,))
    update_user(db, actor, shared.id, draft, NOW)
    assert shared.is_active
    # A superuser may change anyone's account.
    update_user(
        db,
        actors.superuser(admin.id, org.id),
        shared.id,
        UserDraft(shared.name, shared.login, Role.SUPERVISOR, (region.id,), is_active=False),
        NOW,
    )
    assert not shared.is_active


def test_changing_ones_own_password_needs_the_current_one_and_keeps_this_login(db, org):
    user = f.MembershipFactory(org=org, role=Role.ADMIN, user__must_change_password=True).user
    here, elsewhere = f.LoginRecordFactory(user=user), f.LoginRecordFactory(user=user)
    db.flush()

    def change(current: str, new: str, again: str) -> None:
        change_own_password(db, Actor(user.id), current, new, again, NOW, keep_login=here.id)

    assert _errors(lambda: change("wrong", "new password", "new password")) == {
        "current_password": ["Your current password was entered incorrectly."]
    }
    assert _errors(lambda: change(f.PASSWORD, f.PASSWORD, f.PASSWORD)) == {
        "password": ["Choose a password different from your current one."]
    }
    assert _errors(lambda: change(f.PASSWORD, "short", "short")) == {
        "password": ["Ensure this value has at least 8 characters (it has 5)."]
    }
    change(f.PASSWORD, "new password", "new password")
    db.refresh(here), db.refresh(elsewhere)
    assert not user.must_change_password and check_password("new password", user.password_hash)
    assert here.revoked_at is None and elsewhere.revoked_at == NOW


def test_a_user_chooses_their_own_language_or_the_orgs_default(db, org):
    user = f.UserFactory(login="lang@example.org")
    db.flush()
    assert user.language is None  # the org's default until they choose
    set_own_language(db, Actor(user.id), "fr")
    db.refresh(user)
    assert user.language == "fr"
    set_own_language(db, Actor(user.id), None)  # back to the org's default
    db.refresh(user)
    assert user.language is None


def test_a_language_tracpro_has_no_translation_for_is_refused_and_nothing_changes(db, org):
    user = f.UserFactory(login="lang@example.org", language="es")
    db.flush()
    for code in ("xx", "", "FR", "fr-CA"):
        refused = _errors(lambda code=code: set_own_language(db, Actor(user.id), code))
        assert refused == {"language": ["Select a valid choice."]}
    db.refresh(user)
    assert user.language == "es"
