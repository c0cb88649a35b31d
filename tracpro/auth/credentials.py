"""A typed email and password, checked against the one account the email names.

Only that account's row is read: the sign-in form never loads anyone else's password hash.
Every attempt costs one bcrypt check, whether the email names an active account or not and
whether it is locked or not, so how long an answer takes says nothing about which accounts exist.
The password is checked after the session is closed: bcrypt takes a quarter of a second, and no
transaction need stay open meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from tracpro.auth.lockout import is_locked
from tracpro.auth.passwords import check_password, unmatchable_hash
from tracpro.auth.users import find_by_login, normalise_login


@dataclass(frozen=True)
class Candidate:
    """The account an attempt is about, read before its password is checked."""

    user_id: int | None  # the active account the email names; None when there is none
    password_hash: str  # its hash, or one nothing matches when there is no account or it is locked


def candidate(session: Session, login: str, now: datetime) -> Candidate:
    """The active account `login` names (compared case-insensitively, spaces around ignored)."""
    user = find_by_login(session, normalise_login(login))
    if user is None or not user.is_active:
        return Candidate(None, unmatchable_hash())
    return Candidate(user.id, unmatchable_hash() if is_locked(user, now) else user.password_hash)


def password_matches(found: Candidate, password: str) -> bool:
    """Whether `password` opens the account found: never when there is none or it is locked."""
    matches = check_password(password, found.password_hash)
    return matches and found.user_id is not None
