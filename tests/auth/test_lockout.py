"""Failed sign-ins: five in a row lock the account for fifteen minutes (fixed clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests import factories as f
from tracpro.auth.lockout import (
    LOCK_DURATION,
    MAX_FAILURES,
    Attempts,
    after_failure,
    is_locked,
    locked_message,
    record_failure,
    record_success,
)
from tracpro.auth.logins import refusal_for

T0 = datetime(2026, 11, 2, 14, 20, tzinfo=UTC)
KIGALI = ZoneInfo("Africa/Kigali")  # UTC+2 all year


FRESH = Attempts(0, None)


def _fail(times: int, start: Attempts = FRESH, at: datetime = T0) -> Attempts:
    attempts = start
    for _ in range(times):
        attempts = after_failure(attempts, at)
    return attempts


def test_four_failures_count_without_locking():
    assert _fail(4) == Attempts(4, None)
    assert not _fail(4).is_locked(T0)


def test_the_fifth_failure_locks_for_fifteen_minutes():
    attempts = _fail(MAX_FAILURES)
    assert attempts == Attempts(5, T0 + LOCK_DURATION)
    assert attempts.is_locked(T0 + timedelta(minutes=14, seconds=59))
    assert not attempts.is_locked(T0 + timedelta(minutes=15))


def test_failures_while_locked_neither_count_nor_extend_the_lock():
    locked = _fail(5)
    assert after_failure(locked, T0 + timedelta(minutes=10)) == locked


def test_after_the_lock_the_count_starts_again():
    later = T0 + timedelta(minutes=16)
    assert after_failure(_fail(5), later) == Attempts(1, None)
    assert _fail(4, _fail(5), later) == Attempts(4, None)


def test_the_message_says_until_when_in_words_in_the_orgs_time():
    assert locked_message(datetime(2026, 11, 2, 14, 35, tzinfo=UTC), KIGALI) == (
        "Too many failed sign-in attempts. This account is locked until 16:35 — "
        "try again then or ask your administrator."
    )
    # Rounded up: saying 16:35 when the lock ends at 16:35:30 would send people back too early.
    assert "until 16:36 —" in locked_message(datetime(2026, 11, 2, 14, 35, 30, tzinfo=UTC), KIGALI)


def test_a_lock_ending_a_login_is_told_in_the_time_of_the_users_org(db):
    user = f.MembershipFactory(org=f.OrgFactory(timezone="Africa/Kigali"), user__locked_until=T0).user
    db.flush()
    assert "locked until 16:20 —" in refusal_for(db, user, T0 - timedelta(minutes=5))
    superuser = f.UserFactory(is_superuser=True, locked_until=T0)  # the first org the sidebar opens
    db.flush()
    assert "locked until 16:20 —" in refusal_for(db, superuser, T0 - timedelta(minutes=5))


def test_failures_and_success_are_stored_on_the_user(db):
    user = f.UserFactory()
    db.flush()
    for _ in range(4):
        record_failure(db, user.id, T0)
    db.refresh(user)
    assert (user.failed_login_count, user.locked_until) == (4, None)
    record_failure(db, user.id, T0)
    db.refresh(user)
    assert user.locked_until == T0 + LOCK_DURATION and is_locked(user, T0)
    record_success(db, user, T0 + timedelta(hours=1))
    assert (user.failed_login_count, user.locked_until, user.last_login_at) == (
        0,
        None,
        T0 + timedelta(hours=1),
    )
