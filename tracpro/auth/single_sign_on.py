"""Single sign-on: an identity vouched for by the org's OpenID Connect provider signs in the
TracPro account whose sign-in email the provider verified.

The provider is spoken to by Streamlit (st.login, configured in the `[auth]` section of its
secrets); this module gets the ID token's claims as Streamlit hands them over and decides, below
the pages, whether they open a login. Roles and regions stay in TracPro: the provider says who
someone is, never what they may see.

- **Matched by verified email only.** The claims' `email` must be marked `email_verified: true`
  and be the sign-in email (login) of an account; a provider that does not verify emails signs no
  one in, as an unverified address could be anyone's.
- **Each identity once.** Streamlit keeps the identity in a cookie for 30 days and hands it to
  every new session of that browser. Each ID token (its issuer, subject, issue time and nonce)
  opens one login at most, accepted or refused: it is stored as spent (ProviderSignIn) in the
  transaction that acts on it, and a spent one signs no one in. So a login that ended (signing
  out, expiry, a lock) does not come back at the next reload.
- The same refusals as for a password apply (deactivated, locked, no organisation), and the
  audit trail records the sign-in, or its failure, with the method.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from tracpro.audit.trail import Acting, person, record
from tracpro.auth import lockout, logins
from tracpro.auth.users import find_by_login
from tracpro.db.models import AuditKind, ProviderSignIn, User
from tracpro.db.results import rowcount
from tracpro.i18n import N_, _
from tracpro.text import escape_markdown

# The audit trail's word for how someone signed in (tracpro.queries.audit_words).
METHOD = "single sign-on"
# Streamlit's identity cookie lives 30 days; a spent identity is kept a day longer, then purged.
KEEP_SPENT_FOR = timedelta(days=31)

UNVERIFIED = N_(
    "Your organisation's sign-in did not confirm your email address, so it cannot be matched to a "
    "TracPro account. Sign in with your password, or ask your administrator."
)
NO_ACCOUNT = N_(
    "No TracPro account signs in with {email}. Ask your administrator to add you, then sign in again."
)


@dataclass(frozen=True)
class ProviderIdentity:
    """What TracPro reads from the ID token's claims."""

    issuer: str
    subject: str
    issued_at: str
    nonce: str
    email: str | None
    email_verified: bool

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> ProviderIdentity:
        email = claims.get("email")
        return cls(
            issuer=str(claims.get("iss", "")),
            subject=str(claims.get("sub", "")),
            issued_at=str(claims.get("iat", "")),
            nonce=str(claims.get("nonce", "")),
            email=email.strip() if isinstance(email, str) and email.strip() else None,
            # Only the JSON value true: some providers send the string "false".
            email_verified=claims.get("email_verified") is True,
        )

    @property
    def digest(self) -> str:
        """Names this one ID token: a new sign-in at the provider gives a new nonce and time."""
        parts = [self.issuer, self.subject, self.issued_at, self.nonce]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


@dataclass(frozen=True)
class ProviderLogin:
    """What acting on an identity came to: a login opened (its record and cookie), or a refusal
    to show, or neither when the identity was already spent."""

    login_id: int | None = None
    token: str | None = None
    expires_at: datetime | None = None
    # A sentence for the sign-in page, which shows Markdown: the provider's email in it is escaped.
    refusal: str | None = None


def _spend(session: Session, identity: ProviderIdentity, user_id: int | None, now: datetime) -> bool:
    """Mark the identity spent (on `user_id`, None when refused); False when it already was, by
    this or another process."""
    inserted = session.execute(
        insert(ProviderSignIn)
        .values(identity_digest=identity.digest, user_id=user_id, at=now)
        .on_conflict_do_nothing(index_elements=[ProviderSignIn.identity_digest])
    )
    return rowcount(inserted) == 1


def _refusal(session: Session, identity: ProviderIdentity, user: User | None, now: datetime) -> str | None:
    """Why `identity` may not sign in `user` (its email's account, if any), recorded in the trail."""
    details: dict[str, Any] = {"method": METHOD}
    refusal: str | None
    if not identity.email_verified or identity.email is None:
        refusal, details["email_verified"] = _(UNVERIFIED), False
    elif user is None:
        refusal, details["account"] = _(NO_ACCOUNT).format(email=escape_markdown(identity.email)), "none"
    else:
        refusal = logins.refusal_for(session, user, now)
    if refusal is not None:
        who = person(session, user.id, now) if user else Acting(None, (identity.email or identity.subject)[:254], now)
        record(session, AuditKind.SIGN_IN_FAILED, None, details, by=who)
    return refusal


def sign_in(session: Session, identity: ProviderIdentity, cookie_key: str, now: datetime) -> ProviderLogin:
    """Act on `identity` once: open a login for its account (the caller commits, then hands the
    cookie to the browser), or say why not. A spent identity gives ProviderLogin(): nothing."""
    user = find_by_login(session, identity.email) if identity.email_verified and identity.email else None
    accepted = user is not None and logins.refusal_for(session, user, now) is None
    if not _spend(session, identity, user.id if accepted and user else None, now):
        return ProviderLogin()
    refusal = _refusal(session, identity, user, now)
    if refusal is not None or user is None:
        return ProviderLogin(refusal=refusal)
    lockout.record_success(session, user, now)
    token = logins.issue_token(user.login, cookie_key, now + logins.LIFETIME)
    row = logins.start(session, user.id, token, now, method=METHOD)
    logins.purge(session, now)
    purge(session, now)
    return ProviderLogin(row.id, token, row.expires_at)


def purge(session: Session, now: datetime) -> int:
    """Forget spent identities older than any identity cookie Streamlit still holds."""
    return rowcount(session.execute(delete(ProviderSignIn).where(ProviderSignIn.at < now - KEEP_SPENT_FOR)))
