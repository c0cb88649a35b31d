"""The Database page (superusers) says what the database holds, and what to do when it holds nothing."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests import factories as f
from tests.pages.app import APP, signed_in
from tracpro.db import connection as db_connection
from tracpro.ui.database import RETRY_SECONDS, UNREACHABLE


def _run_app() -> AppTest:
    """The Database page, as a superuser opens it."""
    f.UserFactory(login="root@example.org", is_superuser=True)
    app = signed_in("root@example.org")
    app.switch_page("pages/overview.py").run()
    assert not app.exception, app.exception
    return app


def _counts(app: AppTest) -> dict[str, int]:
    table = app.dataframe[0].value
    return dict(zip(table["Table"], table["Rows"], strict=True))


def test_an_empty_database_says_how_to_load_data(db):
    app = _run_app()
    assert app.title[0].value == "Database"
    assert "PostgreSQL" in app.caption[0].value
    assert "python3 run.py demo" in app.info[0].value
    assert _counts(app)["Contacts"] == 0


def test_the_page_counts_what_the_database_holds(db):
    org = f.OrgFactory(name="Ministry of Education", slug="moe")
    region = f.RegionFactory(org=org)
    for _ in range(3):
        f.ContactFactory(org=org, region=region)
    f.AnswerFactory(response__pollrun__poll__org=org)
    db.flush()

    app = _run_app()
    counts = _counts(app)
    assert counts["Organisations"] == 1
    assert counts["Contacts"] == 4  # three in the region and the answer's respondent
    assert counts["Answers"] == 1 and counts["Poll dates"] == 1
    assert not app.info  # no "empty database" hint any more
    orgs = app.dataframe[1].value
    assert orgs["Name"].tolist() == ["Ministry of Education"]
    assert orgs["Timezone"].tolist() == ["Africa/Kigali"]


def test_an_unreachable_database_is_one_clear_sentence(monkeypatch, caplog):
    monkeypatch.setenv("DATABASE_URL", "postgresql://tracpro@127.0.0.1:9/tracpro")
    db_connection.get_engine.cache_clear()
    db_connection.SessionFactory.configure(bind=None)
    try:
        app = AppTest.from_file(APP, default_timeout=30).run()
        assert not app.exception
        # The same sentence for every visitor (tests/pages/test_database_lost.py); the reason is the operator's.
        assert [error.value for error in app.error] == [UNREACHABLE.format(seconds=RETRY_SECONDS)]
        assert not app.dataframe  # and nothing else rendered
        assert "Could not connect to the PostgreSQL database at postgresql://tracpro@127.0.0.1:9/tracpro" in caplog.text
    finally:
        db_connection.get_engine.cache_clear()
