"""Server-side sessions: a cookie signs someone in only while its row is live."""

from __future__ import annotations

from datetime import timedelta

import jwt
from sqlalchemy import select

from tests import factories as f
from tracpro.auth import sessions
from tracpro.db.models import Role, UserSession

KEY = "k" * 16 + "0123456789abcdef-session-tests"
NOW = f.NOW


def _member(**user_fields):
    membership = f.MembershipFactory(role=Role.SUPERVISOR, user__login="sam@example.org", **user_fields)
    return membership.user


def test_the_token_is_what_streamlit_authenticator_reads_back():
    token = sessions.issue_token("sam@example.org", KEY, NOW + sessions.LIFETIME)
    # models/cookie_model.py decodes with these exact arguments and needs these two claims.
    claims = jwt.decode(token, KEY, algorithms=["HS256"])
    assert claims["username"] == "sam@example.org"
    assert claims["exp_date"] == (NOW + sessions.LIFETIME).timestamp()
    assert token != sessions.issue_token("sam@example.org", KEY, NOW + sessions.LIFETIME)  # a nonce each time


def test_only_a_hash_of_the_cookie_is_stored_and_it_finds_the_session(db):
    user = _member()
    token = sessions.issue_token(user.login, KEY, NOW + sessions.LIFETIME)
    row = sessions.start(db, user.id, token, NOW)
    stored = db.scalars(select(UserSession.token_hash)).all()
    assert token not in stored and sessions.token_hash(token) in stored
    assert row.expires_at == NOW + sessions.LIFETIME
    assert sessions.find_live(db, token, NOW + timedelta(hours=1)) == row
    assert sessions.find_live(db, token + "x", NOW) is None


def test_a_revoked_or_expired_session_is_not_live(db):
    user = _member()
    token = sessions.issue_token(user.login, KEY, NOW + sessions.LIFETIME)
    row = sessions.start(db, user.id, token, NOW)
    assert sessions.find_live(db, token, NOW + sessions.LIFETIME) is None  # expired
    sessions.revoke(db, row.id, NOW)
    db.expire_all()
    assert sessions.find_live(db, token, NOW) is None
    assert sessions.check(db, row.id, NOW).refusal == sessions.SIGNED_OUT


def test_check_says_why_a_session_ends(db):
    user = _member()
    row = f.UserSessionFactory(user=user)
    db.flush()
    assert sessions.check(db, row.id, NOW).user.login == "sam@example.org"
    assert sessions.check(db, row.id, row.expires_at).refusal == sessions.EXPIRED
    user.locked_until = NOW + timedelta(minutes=10)
    assert "locked until" in sessions.check(db, row.id, NOW).refusal
    user.locked_until, user.is_active = None, False
    assert sessions.check(db, row.id, NOW).refusal == sessions.DEACTIVATED
    assert sessions.check(db, None, NOW).refusal == sessions.SIGNED_OUT


def test_someone_in_no_org_is_signed_out_but_a_superuser_needs_none(db):
    loner = f.UserFactory()
    superuser = f.UserFactory(is_superuser=True)
    rows = f.UserSessionFactory(user=loner), f.UserSessionFactory(user=superuser)
    db.flush()
    assert sessions.check(db, rows[0].id, NOW).refusal == sessions.NO_ORG
    assert sessions.check(db, rows[1].id, NOW).user is not None


def test_checks_touch_the_session_at_most_every_few_minutes(db):
    row = f.UserSessionFactory(user=_member())
    db.flush()
    sessions.check(db, row.id, NOW + timedelta(minutes=1))
    assert row.last_seen_at == NOW
    sessions.check(db, row.id, NOW + sessions.TOUCH_EVERY)
    assert row.last_seen_at == NOW + sessions.TOUCH_EVERY


def test_revoke_all_can_keep_the_current_session(db):
    user = _member()
    current, other = f.UserSessionFactory(user=user), f.UserSessionFactory(user=user)
    db.flush()
    assert sessions.revoke_all(db, user.id, NOW, keep=current.id) == 1
    db.expire_all()
    assert current.revoked_at is None and other.revoked_at == NOW


def test_sessions_dead_for_a_month_are_purged(db):
    user = _member()
    old = f.UserSessionFactory(user=user, expires_at=NOW - timedelta(days=31))
    recent = f.UserSessionFactory(user=user, expires_at=NOW - timedelta(days=1))
    db.flush()
    assert sessions.purge(db, NOW) == 1
    assert db.get(UserSession, recent.id) is not None
    db.expire_all()
    assert db.scalars(select(UserSession.id).where(UserSession.id == old.id)).first() is None
