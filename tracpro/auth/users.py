"""Creating and editing users, with the original TracPro's validation messages.

The email is the login, stored lower-case (a unique index on lower(login) backs this up).
When someone other than the user sets a password, the user must choose a new one at their
next sign-in. Deactivating a user, changing their email or setting their password signs them
out everywhere (their login records are revoked).

An org's administrators add, edit and unlock its people; everyone changes their own password and
language. Each of these is a write (tracpro.auth.writes), checked against the actor who makes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracpro.auth import lockout, logins, user_events
from tracpro.auth.actor import Actor, NotAllowed
from tracpro.auth.passwords import REQUIRED, check_password, hash_password, new_password_errors
from tracpro.auth.writes import Allowed, write
from tracpro.db.models import Membership, Region, Role, User
from tracpro.forms import GENERAL, FormErrors, text_problem
from tracpro.i18n import LANGUAGES, N_, _

EMAIL_TAKEN = N_("Email address already taken.")
INVALID_EMAIL = N_("Enter a valid email address.")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
@dataclass(frozen=True)
class UserDraft:
    """What a user form submits."""

    name: str
    email: str
    role: Role = Role.SUPERVISOR
    region_ids: tuple[int, ...] = ()
    password: str = ""
    confirm_password: str = ""
    is_active: bool = True


def normalise_login(email: str) -> str:
    return email.strip().lower()


def find_by_login(session: Session, login: str) -> User | None:
    return session.scalars(select(User).where(func.lower(User.login) == normalise_login(login))).one_or_none()


def account_errors(session: Session, name: str, email: str, *, editing: User | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if problem := text_problem(name, max_length=255):
        errors["name"] = problem
    login = normalise_login(email)
    if not login:
        errors["email"] = _(REQUIRED)
    elif not _EMAIL.match(login) or len(login) > 254:
        errors["email"] = _(INVALID_EMAIL)
    else:
        other = find_by_login(session, login)
        if other is not None and (editing is None or other.id != editing.id):
            errors["email"] = _(EMAIL_TAKEN)
    return errors


def _region_errors(session: Session, org_id: int, draft: UserDraft) -> dict[str, str]:
    if draft.role == Role.ADMIN:
        return {}
    if not draft.region_ids:
        return {"regions": _(REQUIRED)}
    known = set(
        session.scalars(
            select(Region.id).where(
                Region.org_id == org_id, Region.is_active, Region.id.in_(draft.region_ids)
            )
        )
    )
    if known != set(draft.region_ids):
        return {"regions": _("Choose regions of this organisation only.")}
    return {}


def _set_regions(session: Session, membership: Membership, draft: UserDraft) -> None:
    ids = [] if draft.role == Role.ADMIN else list(draft.region_ids)
    membership.regions = list(session.scalars(select(Region).where(Region.id.in_(ids)))) if ids else []


def _set_password(
    session: Session, user: User, password: str, now: datetime, *, by_someone_else: bool
) -> None:
    """Store a new password; signs the user out everywhere and ends any lock."""
    user.password_hash = hash_password(password)
    user.must_change_password = by_someone_else
    lockout.unlock(session, user)
    logins.revoke_all(session, user.id, now)


@write(Allowed.ADMINS)
def create_user(session: Session, actor: Actor, draft: UserDraft, now: datetime) -> User:
    """A new user in the actor's org with the draft's role and regions; they change the password first."""
    org_id = actor.org_id
    errors = account_errors(session, draft.name, draft.email)
    errors |= _region_errors(session, org_id, draft)
    errors |= new_password_errors(draft.password, draft.confirm_password)
    if errors:
        raise FormErrors(errors)
    user = User(
        login=normalise_login(draft.email),
        email=normalise_login(draft.email),
        name=draft.name.strip(),
        password_hash=hash_password(draft.password),
        must_change_password=True,
        is_active=True,
    )
    membership = Membership(user=user, org_id=org_id, role=draft.role)
    session.add_all([user, membership])
    _set_regions(session, membership, draft)
    session.flush()
    user_events.record_created(session, org_id, user, draft.role, [region.name for region in membership.regions])
    return user


def create_superuser(session: Session, login: str, name: str, password: str, confirmation: str) -> User:
    """A superuser (every org, as admin): the first account of a deployment."""
    errors = account_errors(session, name, login) | new_password_errors(password, confirmation)
    if errors:
        raise FormErrors(errors)
    user = User(
        login=normalise_login(login),
        email=normalise_login(login),
        name=name.strip(),
        password_hash=hash_password(password),
        is_superuser=True,
        is_active=True,
    )
    session.add(user)
    session.flush()
    user_events.record_created(session, None, user, None, [])
    return user


def can_manage_account(session: Session, actor: Actor, target: User) -> bool:
    """An org admin may change the name, email, password and status only of people who work
    in no org but theirs: otherwise one org's admin could lock someone out of another org."""
    if actor.is_superuser or actor.user_id == target.id:
        return True
    if target.is_superuser:
        return False
    admin_of = set(session.scalars(
        select(Membership.org_id).where(Membership.user_id == actor.user_id, Membership.role == Role.ADMIN)
    ))
    orgs = set(session.scalars(select(Membership.org_id).where(Membership.user_id == target.id)))
    return orgs <= admin_of


def _member(session: Session, actor: Actor, user_id: int) -> tuple[User, Membership]:
    """A person who works in the actor's org, with their place there; NotAllowed for anyone else."""
    user = session.get(User, user_id)
    membership = session.scalars(
        select(Membership).where(Membership.user_id == user_id, Membership.org_id == actor.org_id)
    ).one_or_none()
    if user is None or membership is None:
        raise NotAllowed(_("This user is not a member of this organisation."))
    return user, membership


@write(Allowed.ADMINS)
def update_user(session: Session, actor: Actor, user_id: int, draft: UserDraft, now: datetime) -> User:
    """Apply an admin's edit of a member of the actor's org; raises FormErrors."""
    org_id = actor.org_id
    user, membership = _member(session, actor, user_id)
    login = normalise_login(draft.email)
    errors = account_errors(session, draft.name, draft.email, editing=user)
    errors |= _region_errors(session, org_id, draft)
    errors |= new_password_errors(draft.password, draft.confirm_password, required=False)
    if user.id == actor.user_id and not draft.is_active:
        errors["is_active"] = _("You can't deactivate your own account.")
    if (
        user.id == actor.user_id
        and membership.role == Role.ADMIN
        and draft.role != Role.ADMIN
        and not actor.is_superuser
    ):
        errors["role"] = _("You can't remove your own administrator role.")
    account_changed = (
        draft.name.strip() != user.name
        or login != user.login
        or draft.password
        or draft.is_active != user.is_active
    )
    if account_changed and not can_manage_account(session, actor, user):
        errors[GENERAL] = _(
            "This person also works in another organisation, so only a superuser can change "
            "their name, email, password or status. You can still change their role and regions here."
        )
    if errors:
        raise FormErrors(errors)
    if login != user.login or (user.is_active and not draft.is_active):
        logins.revoke_all(session, user.id, now)
    user_events.record_edit(session, org_id, user, membership, draft)
    user.name, user.login, user.email, user.is_active = draft.name.strip(), login, login, draft.is_active
    membership.role = draft.role
    _set_regions(session, membership, draft)
    if draft.password:
        _set_password(session, user, draft.password, now, by_someone_else=user.id != actor.user_id)
    session.flush()
    return user


@write(Allowed.ADMINS)
def unlock_member(session: Session, actor: Actor, user_id: int) -> User:
    """End the lock of a member of the actor's org (after too many failed sign-ins) before it runs out."""
    user, _membership = _member(session, actor, user_id)
    user_events.record_unlocked(session, actor.require_scope().org_id, user)
    lockout.unlock(session, user)
    return user


@write(Allowed.OWN_ACCOUNT)
def change_own_password(
    session: Session,
    actor: Actor,
    current: str,
    password: str,
    confirmation: str,
    now: datetime,
    *,
    keep_login: int | None,
) -> None:
    """The actor's own change: their current password first; their other logins end, `keep_login` stays."""
    user = session.get(User, actor.user_id)
    if not current:
        raise FormErrors({"current_password": _(REQUIRED)})
    if user is None or not check_password(current, user.password_hash):
        raise FormErrors({"current_password": _("Your current password was entered incorrectly.")})
    errors = new_password_errors(password, confirmation)
    if not errors and password == current:
        errors["password"] = _("Choose a password different from your current one.")
    if errors:
        raise FormErrors(errors)
    user.password_hash = hash_password(password)
    user.must_change_password = False
    logins.revoke_all(session, user.id, now, keep=keep_login)
    user_events.record_own_password(session, user)
    session.flush()


@write(Allowed.OWN_ACCOUNT)
def set_own_language(session: Session, actor: Actor, code: str | None) -> User:
    """The actor's own UI language (None: their org's default); raises FormErrors for a code
    TracPro has no translation for, and then changes nothing."""
    if code is not None and code not in LANGUAGES:
        raise FormErrors({"language": _("Select a valid choice.")})
    user = session.get(User, actor.user_id)
    if user is None:
        raise FormErrors({GENERAL: _("This user does not exist.")})
    user_events.record_own_language(session, user, code)
    user.language = code
    session.flush()
    return user
