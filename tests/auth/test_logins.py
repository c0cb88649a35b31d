"""Login records: a cookie signs someone in only while its row is live."""

from __future__ import annotations

from datetime import timedelta

import jwt
from sqlalchemy import select

from tests import factories as f
from tracpro.auth import logins
from tracpro.db.models import LoginRecord, Role

KEY = "k" * 16 + "0123456789abcdef-login-tests"
NOW = f.NOW


def _member(**user_fields):
    membership = f.MembershipFactory(role=Role.SUPERVISOR, user__login="sam@example.org", **user_fields)
    return membership.user


def test_the_token_is_what_streamlit_authenticator_reads_back():
    token = logins.issue_token("sam@example.org", KEY, NOW + logins.LIFETIME)
    # models/cookie_model.py decodes with these exact arguments and needs these two claims.
    claims = jwt.decode(token, KEY, algorithms=["HS256"])
    assert claims["username"] == "sam@example.org"
    assert claims["exp_date"] == (NOW + logins.LIFETIME).timestamp()
    assert token != logins.issue_token("sam@example.org", KEY, NOW + logins.LIFETIME)  # a nonce each time


def test_only_a_hash_of_the_cookie_is_stored_and_it_finds_the_login_record(db):
    user = _member()
    token = logins.issue_token(user.login, KEY, NOW + logins.LIFETIME)
    row = logins.start(db, user.id, token, NOW)
    stored = db.scalars(select(LoginRecord.token_hash)).all()
    assert token not in stored and logins.token_hash(token) in stored
    assert row.expires_at == NOW + logins.LIFETIME
    assert logins.find_live(db, token, NOW + timedelta(hours=1)) == row
    assert logins.find_live(db, token + "x", NOW) is None


def test_a_revoked_or_expired_login_record_is_not_live(db):
    user = _member()
    token = logins.issue_token(user.login, KEY, NOW + logins.LIFETIME)
    row = logins.start(db, user.id, token, NOW)
    assert logins.find_live(db, token, NOW + logins.LIFETIME) is None  # expired
    logins.revoke(db, row.id, NOW)
    db.expire_all()
    assert logins.find_live(db, token, NOW) is None
    assert logins.check(db, row.id, NOW).refusal == logins.SIGNED_OUT


def test_check_says_why_a_login_ends(db):
    user = _member()
    row = f.LoginRecordFactory(user=user)
    db.flush()
    assert logins.check(db, row.id, NOW).user.login == "sam@example.org"
    assert logins.check(db, row.id, row.expires_at).refusal == logins.EXPIRED
    user.locked_until = NOW + timedelta(minutes=10)
    assert "locked until" in logins.check(db, row.id, NOW).refusal
    user.locked_until, user.is_active = None, False
    assert logins.check(db, row.id, NOW).refusal == logins.DEACTIVATED
    assert logins.check(db, None, NOW).refusal == logins.SIGNED_OUT


def test_someone_in_no_org_is_signed_out_but_a_superuser_needs_none(db):
    loner = f.UserFactory()
    superuser = f.UserFactory(is_superuser=True)
    rows = f.LoginRecordFactory(user=loner), f.LoginRecordFactory(user=superuser)
    db.flush()
    assert logins.check(db, rows[0].id, NOW).refusal == logins.NO_ORG
    assert logins.check(db, rows[1].id, NOW).user is not None


def test_checks_touch_the_login_record_at_most_every_few_minutes(db):
    row = f.LoginRecordFactory(user=_member())
    db.flush()
    logins.check(db, row.id, NOW + timedelta(minutes=1))
    assert row.last_seen_at == NOW
    logins.check(db, row.id, NOW + logins.TOUCH_EVERY)
    assert row.last_seen_at == NOW + logins.TOUCH_EVERY


def test_revoke_all_can_keep_the_current_login(db):
    user = _member()
    current, other = f.LoginRecordFactory(user=user), f.LoginRecordFactory(user=user)
    db.flush()
    assert logins.revoke_all(db, user.id, NOW, keep=current.id) == 1
    db.expire_all()
    assert current.revoked_at is None and other.revoked_at == NOW


def test_login_records_dead_for_a_month_are_purged(db):
    user = _member()
    old = f.LoginRecordFactory(user=user, expires_at=NOW - timedelta(days=31))
    recent = f.LoginRecordFactory(user=user, expires_at=NOW - timedelta(days=1))
    db.flush()
    assert logins.purge(db, NOW) == 1
    assert db.get(LoginRecord, recent.id) is not None
    db.expire_all()
    assert db.scalars(select(LoginRecord.id).where(LoginRecord.id == old.id)).first() is None
