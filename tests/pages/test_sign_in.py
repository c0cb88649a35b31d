"""Signing in and out through app.py: the form, wrong passwords, the lockout, the login record."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select
from streamlit.testing.v1 import AppTest

from tests import factories as f
from tests.pages.app import APP, errors, on_sign_in_page, open_app, page_titles, signed_in, submit_login
from tracpro.auth.logins import NO_ORG, token_hash
from tracpro.db.models import LoginRecord, Role, User
from tracpro.ui.signin import LOGIN_ID, RESUMING


def _supervisor(db, login="ann@example.org", **user_fields) -> User:
    org = f.OrgFactory(name="Ministry of Health")
    region = f.RegionFactory(org=org, name="North")
    user = f.MembershipFactory(
        org=org,
        role=Role.SUPERVISOR,
        regions=[region],
        user__login=login,
        user__name="Ann Supervisor",
        **{f"user__{k}": v for k, v in user_fields.items()},
    ).user
    db.flush()
    return user


def test_the_login_form_is_all_there_is_before_signing_in(db):
    _supervisor(db)
    app = open_app()
    assert on_sign_in_page(app)
    assert [field.label for field in app.text_input] == ["Email", "Password"]
    assert [button.label for button in app.button] == ["Sign in"]
    assert set(page_titles(app)) == {"Sign in"}  # the form, at its address and at every page's
    assert not app.sidebar.button and not app.info  # no demo accounts, no first-account hint


def test_an_empty_database_says_how_to_create_the_first_account(db):
    app = open_app()
    assert "python -m tracpro createsuperuser" in app.info[0].value


def test_a_wrong_password_is_refused_and_counted(db):
    user = _supervisor(db)
    app = submit_login(open_app(), "ann@example.org", "not the password")
    assert errors(app) == ["Incorrect email or password."]
    assert LOGIN_ID not in app.session_state
    db.refresh(user)
    assert user.failed_login_count == 1
    app.run()  # a rerun without a new attempt keeps the message and counts nothing
    assert errors(app) == ["Incorrect email or password."]
    db.refresh(user)
    assert user.failed_login_count == 1


def test_an_unknown_login_is_refused_in_the_same_words(db):
    _supervisor(db)
    assert errors(submit_login(open_app(), "nobody@example.org")) == ["Incorrect email or password."]


def test_the_fifth_failure_locks_the_account_in_the_same_words_as_any_failure(db):
    """The form never says an account is (about to be) locked: that would tell which logins are
    accounts (tests/pages/test_sign_in_answers.py). It states the rule to everyone instead."""
    user = _supervisor(db)
    app = open_app()
    for attempt in range(1, 6):
        submit_login(app, "ann@example.org", f"wrong {attempt}")
        assert errors(app) == ["Incorrect email or password."]
        assert [caption.value for caption in app.caption][-1] == (
            "After 5 failed attempts in a row, an account is locked for 15 minutes. An administrator can unlock "
            "it sooner.")
    db.refresh(user)
    assert user.failed_login_count == 5 and user.locked_until is not None
    # While locked, even the right password is refused, and nothing more is counted.
    submit_login(app, "ann@example.org")
    assert errors(app) == ["Incorrect email or password."]
    assert LOGIN_ID not in app.session_state
    db.refresh(user)
    assert user.failed_login_count == 5


def test_the_right_password_opens_home_and_stores_a_login_record(db):
    user = _supervisor(db, failed_login_count=3)
    app = signed_in("ANN@example.org ")  # logins are compared case-insensitively
    assert app.title[0].value == "Home" and not errors(app)
    db.refresh(user)
    assert (user.failed_login_count, user.last_login_at is not None) == (0, True)
    row = db.get(LoginRecord, app.session_state[LOGIN_ID])
    assert row.user_id == user.id and row.revoked_at is None
    token = app.session_state["tracpro_pending_cookie"][0]
    assert row.token_hash == token_hash(token)  # the cookie the browser gets is the one stored


@pytest.fixture
def accounts_read():
    """The logins of the accounts the app reads from the database, one per row read."""
    read: list[str] = []

    def loaded(user: User, _context) -> None:
        read.append(user.login)

    event.listen(User, "load", loaded)
    yield read
    event.remove(User, "load", loaded)


def test_signing_in_reads_only_the_account_named(db, accounts_read):
    """A signed-out rerun reads no account (no one's password hash); an attempt reads only its own."""
    _supervisor(db)
    for number in range(3):
        f.UserFactory(login=f"other{number}@example.org")
    db.flush()
    app = open_app()
    app.run()
    assert accounts_read == []
    submit_login(app, "ann@example.org", "not the password")
    submit_login(app, "nobody@example.org")
    submit_login(app, "ann@example.org")
    assert LOGIN_ID in app.session_state
    assert set(accounts_read) == {"ann@example.org"}


def test_a_deactivated_user_cannot_sign_in(db):
    _supervisor(db, is_active=False)
    assert errors(submit_login(open_app(), "ann@example.org")) == ["Incorrect email or password."]


def test_logging_out_revokes_the_login_record(db):
    _supervisor(db)
    app = signed_in("ann@example.org")
    login_id = app.session_state[LOGIN_ID]
    app.sidebar.button(key="tracpro_logout").click().run()
    assert on_sign_in_page(app)
    assert app.info[0].value == "You are signed out."
    assert set(page_titles(app)) == {"Sign in"}  # the form, at its address and at every page's
    assert db.get(LoginRecord, login_id).revoked_at is not None


def test_a_user_deactivated_while_signed_in_is_out_at_the_next_rerun(db):
    user = _supervisor(db)
    app = signed_in("ann@example.org")
    user.is_active = False
    db.flush()
    app.run()
    assert on_sign_in_page(app)
    assert "deactivated" in app.warning[0].value


def test_someone_removed_from_their_only_org_is_out_at_the_next_rerun(db):
    user = _supervisor(db)
    app = signed_in("ann@example.org")
    for membership in user.memberships:
        db.delete(membership)
    db.flush()
    app.run()
    assert on_sign_in_page(app)
    assert app.warning[0].value == NO_ORG
    assert errors(submit_login(app, "ann@example.org")) == [NO_ORG]  # and cannot sign in again


def test_a_login_revoked_elsewhere_ends_here_too(db):
    _supervisor(db)
    app = signed_in("ann@example.org")
    for row in db.scalars(select(LoginRecord)):
        row.revoked_at = f.NOW
    db.flush()
    app.run()
    assert on_sign_in_page(app)
    assert app.warning[0].value == "You have been signed out. Please sign in again."


def test_the_librarys_word_alone_does_not_sign_anyone_in(db):
    """Streamlit's session state saying "authenticated" without a login record is not trusted."""
    _supervisor(db)
    app = AppTest.from_file(APP, default_timeout=30)
    app.session_state["authentication_status"] = True
    app.session_state["username"] = "ann@example.org"
    app.session_state["logout"] = None
    app.run()
    assert on_sign_in_page(app)


def _library_signed_in_from_the_cookie(app: AppTest, username: str, login_id: int) -> AppTest:
    """The state a reload leaves when a rerun stopped it just after the library signed someone in
    from the cookie: the library's keys set, the login record it was for noted, the tab's not yet."""
    app.session_state["authentication_status"] = True
    app.session_state["username"] = username
    app.session_state["logout"] = None
    app.session_state[RESUMING] = login_id
    return app


def test_a_sign_in_from_the_cookie_that_a_rerun_stopped_is_carried_on(db):
    user = _supervisor(db)
    record = f.LoginRecordFactory(user=user)
    db.flush()
    app = _library_signed_in_from_the_cookie(AppTest.from_file(APP, default_timeout=30), "ann@example.org", record.id)
    app.run()
    assert not app.exception and app.title[0].value == "Home"
    assert app.session_state[LOGIN_ID] == record.id and RESUMING not in app.session_state


def test_the_library_signing_in_another_account_than_the_cookies_record_signs_no_one_in(db):
    user = _supervisor(db)
    record = f.LoginRecordFactory(user=user)
    db.flush()
    app = _library_signed_in_from_the_cookie(AppTest.from_file(APP, default_timeout=30), "bob@example.org", record.id)
    app.run()
    assert on_sign_in_page(app)
    assert LOGIN_ID not in app.session_state and not app.session_state["authentication_status"]


def test_demo_mode_lists_the_demo_accounts_on_the_login_page(db, monkeypatch):
    from tracpro.auth.demo import ensure_demo_superuser, ensure_demo_users

    org = f.OrgFactory(name="Schools")
    f.RegionFactory(org=org, name="East"), f.RegionFactory(org=org, name="West *bold*")
    db.flush()
    ensure_demo_users(db, org.id)
    ensure_demo_superuser(db)
    db.flush()
    assert "demo-admin-pass" not in " ".join(md.value for md in open_app().markdown)
    monkeypatch.setenv("TRACPRO_DEMO", "1")
    listed = open_app().markdown[-1].value.splitlines()
    assert listed[0] == "- `admin@demo.tracpro` · `demo-admin-pass`  "
    # What each account shows; the org's and regions' names as text, never Markdown.
    assert listed[1:6:2] == ["  administrator of Schools: all its regions, settings, indicators",
                             "  supervisor in Schools: only East", "  supervisor in Schools: only West \\*bold\\*"]
    assert listed[6:] == ["- `superuser@demo.tracpro` · `demo-superuser-pass`  ",
                          "  superuser: every organization, switch between them in the sidebar"]


def test_a_placeholder_cookie_key_stops_the_app_with_one_sentence(db, monkeypatch):
    monkeypatch.setenv("TRACPRO_COOKIE_KEY", "change-me")
    app = open_app()
    assert len(app.error) == 1 and "TRACPRO_COOKIE_KEY is a placeholder" in app.error[0].value
    assert not app.text_input


def _fragment_check() -> None:
    """What Home's self-refreshing fragment asks before redrawing (app.py does not run then)."""
    import streamlit as st

    from tracpro.ui.signin import LOGIN_ID, still_signed_in

    st.session_state[LOGIN_ID] = st.session_state["given_session"]
    st.write("signed in" if still_signed_in() else "signed out")


def test_a_self_refreshing_part_of_a_page_notices_a_deactivation(db):
    user = _supervisor(db)
    login_id = signed_in("ann@example.org").session_state[LOGIN_ID]
    fragment = AppTest.from_function(_fragment_check, default_timeout=30)
    fragment.session_state["given_session"] = login_id
    assert fragment.run().markdown[0].value == "signed in"
    user.is_active = False
    db.flush()
    assert fragment.run().markdown[0].value == "signed out"
