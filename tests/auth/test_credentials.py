"""A typed email and password against the one account the email names."""

from __future__ import annotations

from datetime import timedelta

from tests import factories as f
from tracpro.auth.credentials import candidate, password_matches


def test_the_right_password_opens_the_account_whatever_the_case_and_spaces_of_the_email(db):
    user = f.UserFactory(login="ann@example.org")
    db.flush()
    found = candidate(db, " ANN@example.org ", f.NOW)
    assert found.user_id == user.id
    assert password_matches(found, f.PASSWORD)
    assert not password_matches(found, "not the password")


def test_an_unknown_or_deactivated_email_is_no_account_and_nothing_opens_it(db):
    f.UserFactory(login="gone@example.org", is_active=False)
    db.flush()
    for login in ("nobody@example.org", "gone@example.org"):
        found = candidate(db, login, f.NOW)
        assert found.user_id is None
        assert not password_matches(found, f.PASSWORD)


def test_a_locked_account_is_found_but_its_password_does_not_open_it_until_the_lock_ends(db):
    user = f.UserFactory(login="ann@example.org", failed_login_count=5, locked_until=f.NOW + timedelta(minutes=1))
    db.flush()
    locked = candidate(db, "ann@example.org", f.NOW)
    assert locked.user_id == user.id and not password_matches(locked, f.PASSWORD)
    assert password_matches(candidate(db, "ann@example.org", f.NOW + timedelta(minutes=1)), f.PASSWORD)
