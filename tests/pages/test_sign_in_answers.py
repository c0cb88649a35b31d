"""What a failed sign-in and a lock tell, and to whom.

A failed sign-in tells nothing of the login tried: an account, a locked one, a deactivated one or
no account at all get the same page, after the same password check, attempt after attempt. When a
lock ends is for the org's administrators, in the org's time.
"""

from __future__ import annotations

from datetime import timedelta

import bcrypt
import pytest
from sqlalchemy import select

from tests import factories as f
from tests.pages.app import open_app, signed_in, submit_login, texts
from tracpro.db.models import AuditEvent, AuditKind, Role, User

ACCOUNT, DEACTIVATED, NOBODY = "ann@example.org", "dan@example.org", "nobody@example.org"
ADMIN = "ada@example.org"


@pytest.fixture
def accounts(db):
    org = f.OrgFactory(timezone="Africa/Kigali")
    region = f.RegionFactory(org=org, name="North")
    f.MembershipFactory(org=org, role=Role.SUPERVISOR, regions=[region], user__login=ACCOUNT)
    f.MembershipFactory(org=org, role=Role.SUPERVISOR, regions=[region], user__login=DEACTIVATED,
                        user__is_active=False)
    f.MembershipFactory(org=org, role=Role.ADMIN, user__login=ADMIN)
    db.flush()


@pytest.fixture
def password_checks(monkeypatch) -> list[str]:
    """The hashes bcrypt checked a password against (the library's check and TracPro's alike)."""
    checked: list[str] = []
    original = bcrypt.checkpw

    def checkpw(password: bytes, hashed: bytes) -> bool:
        checked.append(hashed.decode())
        return original(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", checkpw)
    return checked


def _answer(app) -> list[str]:
    """Everything the sign-in page says after an attempt."""
    return texts([*app.error, *app.warning, *app.info, *app.caption])


def _attempts(login: str, password_checks: list[str], times: int = 6) -> list[tuple[list[str], int]]:
    """What the page says after each of `times` wrong passwords, and how many passwords bcrypt checked."""
    app, answers = open_app(), []
    for attempt in range(times):
        password_checks.clear()
        submit_login(app, login, f"wrong {attempt}")
        answers.append((_answer(app), len(password_checks)))
    return answers


def test_an_account_and_no_account_get_the_same_answers_after_the_same_work(accounts, password_checks):
    # Six attempts: the fourth and fifth used to warn of the lock, the fifth locks, the sixth meets the lock.
    account = _attempts(ACCOUNT, password_checks)
    assert [checks for _answer, checks in account] == [1] * 6
    assert account[0][0][0] == "Incorrect email or password."
    assert _attempts(NOBODY, password_checks) == account
    assert _attempts(DEACTIVATED, password_checks) == account
    # Already locked (by the attempts above), the right password too gets the same answer.
    app = open_app()
    password_checks.clear()
    submit_login(app, ACCOUNT)
    assert (_answer(app), len(password_checks)) == account[-1]


def test_administrators_see_when_a_lock_ends_in_the_orgs_time(db, accounts):
    user = db.scalars(select(User).where(User.login == ACCOUNT)).one()
    user.locked_until = f.NOW + timedelta(minutes=10)  # 09:40 UTC: 11:40 in Kigali
    db.flush()
    app = signed_in(ADMIN)
    app.switch_page("pages/users.py").run()
    table = app.dataframe[0].value
    assert table.set_index("Email").loc[ACCOUNT, "Status"] == "Locked until 11:40"
    next(box for box in app.selectbox if box.label == "User").set_value(user.id).run()
    assert any("is locked out until 11:40 after too many failed sign-in attempts" in text
               for text in texts(app.warning))


def test_a_failed_sign_in_with_no_account_is_in_the_trail_under_the_email_typed(db, accounts):
    submit_login(open_app(), "  Nobody@Example.org ", "wrong")
    (event,) = db.scalars(select(AuditEvent).where(AuditEvent.kind == AuditKind.SIGN_IN_FAILED)).all()
    assert (event.user_id, event.email, event.details) == (None, NOBODY, {"account": "none"})
