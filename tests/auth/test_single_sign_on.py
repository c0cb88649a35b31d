"""Single sign-on: an identity from the provider signs in the account its verified email names, once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests import factories as f
from tracpro.auth import logins, single_sign_on
from tracpro.auth.single_sign_on import ProviderIdentity
from tracpro.db.models import AuditEvent, AuditKind, LoginRecord, ProviderSignIn, Role
from tracpro.queries.audit_words import details_in_words

KEY = "k" * 16 + "0123456789abcdef-sso-tests"
NOW = f.NOW


def _claims(email="sam@example.org", verified=True, nonce="n-1", **more):
    claims = {"iss": "https://id.example.org", "sub": "user-42", "aud": "tracpro", "iat": 1796000000,
              "exp": 1796003600, "nonce": nonce, "email": email, "email_verified": verified, **more}
    return {key: value for key, value in claims.items() if value is not None}


def _identity(**claims) -> ProviderIdentity:
    return ProviderIdentity.from_claims(_claims(**claims))


def _supervisor(login="sam@example.org", **user_fields):
    return f.MembershipFactory(role=Role.SUPERVISOR, user__login=login, **user_fields).user


def _events(db, kind):
    return db.scalars(select(AuditEvent).where(AuditEvent.kind == kind)).all()


def test_a_verified_email_signs_in_its_account_whatever_its_case(db):
    user = _supervisor()
    opened = single_sign_on.sign_in(db, _identity(email="Sam@Example.org"), KEY, NOW)
    assert opened.refusal is None and opened.login_id is not None
    record = db.get(LoginRecord, opened.login_id)
    assert (record.user_id, record.token_hash, record.expires_at) == (
        user.id, logins.token_hash(opened.token), NOW + logins.LIFETIME)
    assert logins.check(db, opened.login_id, NOW).user.login == "sam@example.org"
    (event,) = _events(db, AuditKind.SIGNED_IN)
    assert (event.user_id, event.details) == (user.id, {"method": "single sign-on"})
    assert details_in_words(event.kind, event.details) == "Method: single sign-on"
    assert user.last_login_at == NOW


def test_an_identity_opens_one_login_at_most(db):
    _supervisor()
    first = single_sign_on.sign_in(db, _identity(), KEY, NOW)
    again = single_sign_on.sign_in(db, _identity(), KEY, NOW + timedelta(minutes=1))
    assert first.login_id is not None
    assert again == single_sign_on.ProviderLogin()  # spent: no login and nothing to say
    # A new sign-in at the provider is a new ID token (a new nonce): it opens a new login.
    fresh = single_sign_on.sign_in(db, _identity(nonce="n-2"), KEY, NOW + timedelta(minutes=2))
    assert fresh.login_id not in (None, first.login_id)
    assert db.scalar(select(func.count()).select_from(LoginRecord)) == 2


def test_an_email_the_provider_did_not_verify_signs_no_one_in(db):
    _supervisor()
    for number, verified in enumerate([False, "true", None]):  # only JSON true counts
        refused = single_sign_on.sign_in(db, _identity(verified=verified, nonce=f"u-{number}"), KEY, NOW)
        assert (refused.login_id, refused.refusal) == (None, single_sign_on.UNVERIFIED)
    assert db.scalar(select(func.count()).select_from(LoginRecord)) == 0
    failed = _events(db, AuditKind.SIGN_IN_FAILED)
    assert [event.details for event in failed] == [{"method": "single sign-on", "email_verified": False}] * 3
    assert failed[0].email == "sam@example.org" and failed[0].user_id is None


def test_an_email_of_no_account_is_told_so_as_text(db):
    _supervisor()
    email = "**boss**](http://evil.example)@example.org"
    refused = single_sign_on.sign_in(db, _identity(email=email), KEY, NOW)
    assert refused.login_id is None
    assert "\\*\\*boss\\*\\*" in refused.refusal and "**boss**" not in refused.refusal
    (event,) = _events(db, AuditKind.SIGN_IN_FAILED)
    assert (event.email, event.details) == (email, {"method": "single sign-on", "account": "none"})
    # Spent too: the same identity at the next reload is not refused (and recorded) again.
    assert single_sign_on.sign_in(db, _identity(email=email), KEY, NOW) == single_sign_on.ProviderLogin()
    assert len(_events(db, AuditKind.SIGN_IN_FAILED)) == 1


def test_the_password_refusals_hold_for_single_sign_on_too(db):
    locked = _supervisor(user__locked_until=NOW + timedelta(minutes=10))
    _supervisor("off@example.org", user__is_active=False)
    f.UserFactory(login="nobody@example.org")  # an account in no org
    for email, refusal_starts in [
        (locked.login, None), ("off@example.org", logins.DEACTIVATED), ("nobody@example.org", logins.NO_ORG)
    ]:
        refused = single_sign_on.sign_in(db, _identity(email=email, nonce=email), KEY, NOW)
        assert refused.login_id is None and refused.refusal
        if refusal_starts:
            assert refused.refusal == refusal_starts
    assert db.scalar(select(func.count()).select_from(LoginRecord)) == 0
    spent = db.scalars(select(ProviderSignIn.user_id)).all()
    assert spent == [None, None, None]  # refused identities are spent on no account


def test_spent_identities_are_forgotten_after_streamlit_forgets_them(db):
    _supervisor()
    single_sign_on.sign_in(db, _identity(), KEY, NOW)
    assert single_sign_on.purge(db, NOW + single_sign_on.KEEP_SPENT_FOR) == 0
    assert single_sign_on.purge(db, NOW + single_sign_on.KEEP_SPENT_FOR + timedelta(seconds=1)) == 1
    assert db.scalar(select(func.count()).select_from(ProviderSignIn)) == 0


def test_the_identity_is_named_by_issuer_subject_time_and_nonce():
    base = _identity()
    assert base.digest == _identity(email="other@example.org").digest  # the email is not what names it
    assert len({base.digest, _identity(nonce="n-9").digest,
                ProviderIdentity.from_claims(_claims(iat=1796000001)).digest,
                ProviderIdentity.from_claims(_claims(sub="user-43")).digest}) == 4
