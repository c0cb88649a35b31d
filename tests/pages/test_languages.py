"""Every page in French, Spanish and Arabic: the viewer's language (theirs, else the org's) words the
menu, the headings and the sidebar; Arabic turns the page right to left; data stays as it is."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update

from tests import factories as f
from tests.pages.app import open_page, page_titles, shown_text, signed_in
from tests.pages.dashboard_world import ADMIN, SUPERVISOR, build_dashboard
from tracpro.db.models import Org, SyncRequestStatus, User
from tracpro.i18n import gettext_in

LANGUAGES = ["fr", "es", "ar"]


@pytest.fixture
def world(db):
    world = build_dashboard(db)
    db.execute(update(Org).values(available_languages=["en", "fr", "es", "ar"]))
    db.flush()
    return world


def _speak(db, login: str, code: str | None) -> None:
    db.execute(update(User).where(User.login == login).values(language=code))
    db.flush()


def _right_to_left(app) -> bool:
    return any("direction: rtl" in element.proto.body for element in app.get("html"))


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_menu_and_the_sidebar_speak_the_users_language(world, db, code):
    _speak(db, ADMIN, code)
    app = signed_in(ADMIN)
    titles = page_titles(app)
    assert titles[:2] == [gettext_in(code, "Home"), gettext_in(code, "My account")] and "Home" not in titles
    assert app.title[0].value == gettext_in(code, "Home")
    assert app.sidebar.selectbox[0].label == gettext_in(code, "Region")
    assert app.sidebar.button[0].label == gettext_in(code, "Log out")
    assert _right_to_left(app) == (code == "ar")


def test_without_a_choice_of_their_own_a_user_reads_the_orgs_language(world, db):
    db.execute(update(Org).values(language="fr"))
    db.flush()
    app = signed_in(SUPERVISOR)
    assert app.title[0].value == "Accueil"
    _speak(db, SUPERVISOR, "es")  # their own choice wins over the org's
    assert signed_in(SUPERVISOR).title[0].value == "Inicio"


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize(("page", "params"), [
    ("pages/home.py", {}),
    ("pages/polls.py", {}),
    ("pages/poll.py", {"poll": "poll"}),
    ("pages/poll.py", {"poll": "poll", "tab": "dates"}),
    ("pages/pollrun.py", {"pollrun": "today", "tab": "summary"}),
    ("pages/pollrun.py", {"pollrun": "today", "tab": "participation"}),
    ("pages/pollrun.py", {"pollrun": "today", "tab": "responses"}),
    ("pages/activity.py", {}),
    ("pages/contacts.py", {}),
    ("pages/indicators.py", {}),
    ("pages/compare.py", {}),
    ("pages/inbox.py", {}),
    ("pages/messages.py", {}),
    ("pages/start_poll.py", {}),
    ("pages/contact_new.py", {}),
    ("pages/users.py", {}),
    ("pages/organization.py", {}),
    ("pages/poll_settings.py", {}),
    ("pages/regions.py", {}),
    ("pages/sync.py", {}),
    ("pages/account.py", {}),
])
def test_every_page_opens_in_each_language_with_its_data_unchanged(world, db, code, page, params):
    ids = {"poll": world.poll_id, "today": world.today_id}
    _speak(db, ADMIN, code)
    app = open_page(ADMIN, page, **{name: ids.get(value, value) for name, value in params.items()})
    assert not app.exception
    words = "\n".join([*(t.value for t in app.title), *(h.value for h in app.subheader), shown_text(app),
                       *(button.label for button in app.button)])
    assert words.strip(), f"{page} shows nothing"
    if page == "pages/poll.py":
        assert app.title[0].value == "Attendance"  # a poll's name is data: never translated
    # No English heading or button left where a translation exists (the page is not half translated).
    english = {"Home", "Polls", "Activity", "Contacts", "Indicators", "Inbox", "Messages", "Start a poll",
               "Users", "Organization", "Poll settings", "Regions and groups", "Sync", "My account", "Save",
               "Summary", "Participation", "Responses", "Charts", "Dates", "Log out"}
    lines = {line.strip() for line in words.splitlines()}
    assert not (lines & {word for word in english if gettext_in(code, word) != word})


def test_charts_word_their_dates_and_numbers_in_the_users_language(world, db):
    _speak(db, ADMIN, "fr")
    app = open_page(ADMIN, "pages/poll.py", poll=world.poll_id)
    configs = [json.loads(chart.proto.config) for chart in app.get("plotly_chart")]
    assert configs and all(config["locale"] == "fr" for config in configs)
    french = configs[0]["locales"]["fr"]["format"]
    assert french["shortMonths"][8] == "sept." and french["days"][0] == "dimanche" and french["decimal"] == ","
    _speak(db, ADMIN, None)  # English: plotly's own words, no locale sent
    app = open_page(ADMIN, "pages/poll.py", poll=world.poll_id)
    assert all("locale" not in json.loads(chart.proto.config) for chart in app.get("plotly_chart"))


@pytest.mark.parametrize(("code", "expected"), [
    ("fr", "Synchronisation de Ministry of Health terminée. Changements : Contacts : 3 nouveaux, 1 mis à jour, "
           "0 supprimés."),
    ("ar", "اكتملت مزامنة Ministry of Health. التغييرات: جهات الاتصال: 3 جديد، 1 محدَّث، 0 محذوف."),
])
def test_the_sync_outcome_is_worded_in_the_viewers_language_with_the_orgs_name(world, db, code, expected):
    f.SyncRequestFactory(org_id=world.org_id, status=SyncRequestStatus.DONE, message="moh: synced (contacts +3 ~1 -0)",
                         outcome={"status": "synced", "changes": {"contacts": {"created": 3, "updated": 1,
                                                                                "deleted": 0}}})
    db.flush()
    _speak(db, ADMIN, code)
    app = open_page(ADMIN, "pages/sync.py")
    requests = app.dataframe[0].value
    assert requests[gettext_in(code, "Outcome")].tolist() == [expected]
