"""Driving app.py in AppTest as a person would: through the sign-in form."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests import factories as f
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def open_app() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=30)
    app.run()
    assert not app.exception, app.exception
    return app


def submit_login(app: AppTest, login: str, password: str = f.PASSWORD) -> AppTest:
    app.text_input[0].input(login)
    app.text_input[1].input(password)
    app.button[0].click().run()
    assert not app.exception, app.exception
    return app


def signed_in(login: str, password: str = f.PASSWORD) -> AppTest:
    app = submit_login(open_app(), login, password)
    assert app.session_state["authentication_status"] is True, [e.value for e in app.error]
    return app


def page_titles(app: AppTest) -> list[str]:
    """The pages st.navigation registered on the last run (AppTest keeps them to resolve switch_page)."""
    return [info["page_name"] for info in app._registered_pages.values()]


def errors(app: AppTest) -> list[str]:
    return [element.value for element in app.error]


def on_sign_in_page(app: AppTest) -> bool:
    return [title.value for title in app.title] == ["TracPro"] and [h.value for h in app.subheader] == [
        "Sign in"
    ]
