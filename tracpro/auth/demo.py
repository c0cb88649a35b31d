"""Demo accounts, with known passwords: an admin and two supervisors of different regions of the
demo org, and a superuser who works in every org (the demo has two) and switches between them.

Only for demo mode: the demo setup calls `ensure_demo_users` and `ensure_demo_superuser` and prints
the logins, and the login page lists them, each with what it shows, when (and only when)
TRACPRO_DEMO is on. Running it again resets the accounts (password, lock, forced change, regions),
so the printed logins always work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracpro.auth.passwords import check_password, hash_password
from tracpro.auth.users import find_by_login
from tracpro.db.models import Membership, Org, Region, Role, User
from tracpro.i18n import _


@dataclass(frozen=True)
class DemoLogin:
    login: str
    password: str
    name: str
    role: Role | None  # None for the superuser, who needs no membership
    regions: tuple[str, ...]  # names of the regions given; empty for the admin (all regions)
    org: str = ""  # the org's name (the superuser's: none)

    def __str__(self) -> str:
        return f"{self.login} / {self.password} ({self.description})"

    @property
    def description(self) -> str:
        """What signing in as this account shows, in the viewer's language."""
        return self.describe()

    def describe(self, name: Callable[[str], str] = str) -> str:
        """The description, the org's and regions' names (as admins and RapidPro wrote them) passed
        through `name`: escape_markdown where it is shown as Markdown."""
        if self.role is None:
            return _("superuser: every organization, switch between them in the sidebar")
        if self.role == Role.ADMIN:
            return _("administrator of {org}: all its regions, settings, indicators").format(org=name(self.org))
        return _("supervisor in {org}: only {regions}").format(
            org=name(self.org), regions=", ".join(name(region) for region in self.regions))


ADMIN = ("admin@demo.tracpro", "demo-admin-pass", "Ada Admin")
SUPERVISORS = (
    ("supervisor1@demo.tracpro", "demo-super-1-pass", "Sam Supervisor"),
    ("supervisor2@demo.tracpro", "demo-super-2-pass", "Sue Supervisor"),
)
SUPERUSER = ("superuser@demo.tracpro", "demo-superuser-pass", "Sol Superuser")
# bcrypt's cheapest cost is plenty for passwords printed on the screen.
_DEMO_ROUNDS = 4


def _top_regions(session: Session, org_id: int) -> list[Region]:
    regions = session.scalars(
        select(Region)
        .where(Region.org_id == org_id, Region.is_active, Region.parent_id.is_(None))
        .order_by(Region.name, Region.id)
    ).all()
    if len(regions) < len(SUPERVISORS):
        raise ValueError(
            f"The demo supervisors need an org with at least {len(SUPERVISORS)} top-level regions; "
            f"org {org_id} has {len(regions)}."
        )
    return list(regions[: len(SUPERVISORS)])


def _reset(session: Session, login: str, password: str, name: str, *, superuser: bool = False) -> User:
    user = find_by_login(session, login)
    if user is None:
        user = User(login=login, email=login, name=name, password_hash="")
        session.add(user)
    user.name, user.is_active, user.is_superuser = name, True, superuser
    user.password_hash = hash_password(password, rounds=_DEMO_ROUNDS)
    user.must_change_password, user.failed_login_count, user.locked_until = False, 0, None
    session.flush()
    return user


def _give(session: Session, user: User, org_id: int, role: Role, regions: list[Region]) -> None:
    membership = session.scalars(
        select(Membership).where(Membership.user_id == user.id, Membership.org_id == org_id)
    ).one_or_none()
    if membership is None:
        membership = Membership(user=user, org_id=org_id, role=role)
        session.add(membership)
    membership.role = role
    membership.regions = regions


def ensure_demo_users(session: Session, org_id: int) -> list[DemoLogin]:
    """Create or reset the demo accounts of org `org_id`; the org's regions must exist."""
    org = session.get(Org, org_id)
    if org is None:
        raise ValueError(f"There is no org {org_id} to add demo users to.")
    regions = _top_regions(session, org_id)
    logins = []
    login, password, name = ADMIN
    _give(session, _reset(session, login, password, name), org_id, Role.ADMIN, [])
    logins.append(DemoLogin(login, password, name, Role.ADMIN, (), org.name))
    for (login, password, name), region in zip(SUPERVISORS, regions, strict=True):
        _give(session, _reset(session, login, password, name), org_id, Role.SUPERVISOR, [region])
        logins.append(DemoLogin(login, password, name, Role.SUPERVISOR, (region.name,), org.name))
    session.flush()
    return logins


def ensure_demo_superuser(session: Session) -> DemoLogin:
    """Create or reset the demo superuser: no membership, an administrator in every org."""
    login, password, name = SUPERUSER
    _reset(session, login, password, name, superuser=True)
    session.flush()
    return DemoLogin(login, password, name, None, ())


def _still_has_demo_password(user: User, password: str) -> bool:
    # A password changed in the app is hashed at full cost: skip the slow check, it cannot match.
    return user.password_hash.startswith(f"$2b${_DEMO_ROUNDS:02d}$") and check_password(
        password, user.password_hash
    )


def present_demo_logins(session: Session) -> list[DemoLogin]:
    """The demo accounts that exist and are active, for the login page in demo mode."""
    found = []
    for login, password, _name in (ADMIN, *SUPERVISORS, SUPERUSER):
        user = find_by_login(session, login)
        if user is None or not user.is_active or not _still_has_demo_password(user, password):
            continue
        if user.is_superuser:
            found.append(DemoLogin(login, password, user.name, None, ()))
            continue
        membership = session.scalars(select(Membership).where(Membership.user_id == user.id)).first()
        if membership is None:
            continue
        regions = tuple(sorted(region.name for region in membership.regions))
        org = session.get_one(Org, membership.org_id)
        found.append(DemoLogin(login, password, user.name, membership.role, regions, org.name))
    return found


def format_demo_logins(logins: list[DemoLogin]) -> str:
    """The lines the demo prints: who can sign in, with which password."""
    width = max(len(login.login) for login in logins)
    return "\n".join(
        f"  {login.login:<{width}}  {login.password:<18}  {login.description}" for login in logins
    )
