"""Login records: what makes a login cookie worth something.

streamlit-authenticator's cookie is a signed token that stays valid until it expires, logout
or not. TracPro therefore keeps one row per issued cookie, keyed by a hash of its exact value:
a cookie signs someone in only while its row is live (not revoked, not expired), and logging
out revokes the row, so a copy of the cookie made before logout is worthless.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracpro.db.base import Base, bigintpk, created_at
from tracpro.db.models.users import User


class LoginRecord(Base):
    __tablename__ = "login_records"

    id: Mapped[bigintpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 (hex) of the cookie value; the value itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[created_at]
    last_seen_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<LoginRecord {self.id} of user {self.user_id}>"


class ProviderSignIn(Base):
    """An identity the single sign-on provider vouched for (one ID token, from Streamlit's
    st.login), once TracPro has acted on it: each opens one login at most.

    Streamlit keeps the identity in its own cookie for 30 days and hands it to every new session
    of that browser. Were it honoured each time, a TracPro login that ended (signing out, expiry,
    an administrator's lock) would come back at the next reload; instead, a spent identity signs
    no one in, and the person signs in through the provider again."""

    __tablename__ = "provider_sign_ins"

    # SHA-256 (hex) of the ID token's issuer, subject, issue time and nonce.
    identity_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The account it signed in (None: it was refused, or the account was deleted since).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(index=True)

    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ProviderSignIn {self.identity_digest[:8]} of user {self.user_id}>"
