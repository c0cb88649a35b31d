"""Single sign-on through app.py: the button shows when Streamlit's `[auth]` secrets name a
provider, and the identity Streamlit hands over (st.user) opens a login, once."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests import factories as f
from tests.pages.app import APP, on_sign_in_page, open_app
from tracpro.db.models import LoginRecord, Role
from tracpro.ui.signin import LOGIN_ID

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "a-test-cookie-secret-of-some-length",
        "client_id": "tracpro", "client_secret": "tracpro-secret",
        "server_metadata_url": "https://id.example.org/.well-known/openid-configuration"}
BUTTON = "Sign in with your organisation's account"


def _identity(email="ann@example.org", nonce="n-1"):
    return {"is_logged_in": True, "iss": "https://id.example.org", "sub": "ann", "iat": 1796000000,
            "nonce": nonce, "email": email, "email_verified": True}


def _app(user=None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=30)
    app.secrets["auth"] = AUTH
    app.user = user or {"is_logged_in": False}
    app.run()
    assert not app.exception, app.exception
    return app


def _supervisor(db):
    org = f.OrgFactory(name="Ministry of Health")
    user = f.MembershipFactory(org=org, role=Role.SUPERVISOR, regions=[f.RegionFactory(org=org)],
                               user__login="ann@example.org", user__name="Ann Supervisor").user
    db.flush()
    return user


def test_the_button_shows_only_when_a_provider_is_set(db):
    _supervisor(db)
    assert BUTTON not in [button.label for button in open_app().button]
    app = _app()
    assert on_sign_in_page(app)
    assert [button.label for button in app.button] == ["Sign in", BUTTON]


def test_the_provider_s_identity_opens_home_once(db):
    user = _supervisor(db)
    app = _app(_identity())
    assert app.title[0].value == "Home"
    assert db.get(LoginRecord, app.session_state[LOGIN_ID]).user_id == user.id
    # The same identity in a new session (a reload that lost TracPro's cookie) signs no one in.
    again = _app(_identity())
    assert on_sign_in_page(again) and LOGIN_ID not in again.session_state
    assert not again.warning  # nothing to say about a spent identity


def test_an_identity_of_no_account_is_refused_with_the_reason(db):
    _supervisor(db)
    app = _app(_identity(email="eve@example.org"))
    assert on_sign_in_page(app) and LOGIN_ID not in app.session_state
    assert app.warning[0].value.startswith("No TracPro account signs in with eve\\@\u2060example\\.org.")  # as text
