"""The load benchmark's clients (bench/load_client.py) against a real `streamlit run app.py`.

Two signed-in sessions browse a small org for a few seconds and must see every page without an
error; then a supervisor asks for pages that are not theirs, and each of those must be counted
as an error, so a benchmark that reports "0 errors" could have reported some.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from bench.load import app_server, mint_login_records, page_requests
from bench.load_client import Browser, PageRequest, run_load, warm_up
from bench.profile import HotSpots, owner, sampling
from tests import factories as f
from tests.pages.dashboard_world import ADMIN, SUPERVISOR, Dashboard, build_dashboard
from tracpro.db.connection import make_engine
from tracpro.db.migrate import upgrade_to_head

pytestmark = pytest.mark.slow

COOKIE_KEY = "load-test-cookie-key-5e2b8d0c7a1f4396b4e1"


@dataclass
class LoadedApp:
    url: str
    pid: int
    world: Dashboard
    admin: Browser
    supervisor: Browser


@pytest.fixture(scope="module")
def loaded_app(database_server, tmp_path_factory) -> Iterator[LoadedApp]:
    name = database_server.create_database("tracpro_load")
    database_url = database_server.url(name)
    engine = make_engine(database_url)
    try:
        upgrade_to_head(engine)
        with Session(engine) as session:
            f.use_session(session)
            try:
                world = build_dashboard(session)
                (admin, _), (supervisor, _) = mint_login_records(session, [ADMIN, SUPERVISOR], COOKIE_KEY)
                session.commit()
            finally:
                f.use_session(None)
        with app_server(database_url, COOKIE_KEY, tmp_path_factory.mktemp("load")) as server:
            assert warm_up(server.url).error is None
            yield LoadedApp(server.url, server.pid, world, Browser("admin", admin), Browser("supervisor", supervisor))
    finally:
        engine.dispose()
        database_server.drop_database(name)


def test_two_sessions_browse_every_page_without_an_error(loaded_app):
    world = loaded_app.world
    requests = page_requests([
        ("Home", "pages/home.py", {}),
        ("Polls", "pages/polls.py", {}),
        ("Poll", "pages/poll.py", {"poll": str(world.poll_id)}),
        ("Poll date", "pages/pollrun.py", {"pollrun": str(world.today_id), "tab": "responses"}),
        ("Contact", "pages/contact.py", {"contact": str(world.contacts["Nina North"])}),
        ("Contacts", "pages/contacts.py", {}),
        ("Indicators", "pages/indicators.py", {}),
        ("Compare regions", "pages/compare.py", {}),
        ("Inbox", "pages/inbox.py", {}),
        ("Messages", "pages/messages.py", {}),
    ])

    visits = run_load([loaded_app.url], [loaded_app.admin, loaded_app.supervisor], requests, seconds=5)

    assert [(visit.label, visit.role, visit.error) for visit in visits if visit.error] == []
    assert {visit.role for visit in visits} == {"admin", "supervisor"}
    assert len(visits) >= 4
    assert all(visit.seconds > 0 for visit in visits)


def test_pages_that_are_not_the_supervisors_are_counted_as_errors(loaded_app):
    world = loaded_app.world
    requests = [
        PageRequest("Users", "users"),  # an administrator's page: not registered for a supervisor
        PageRequest("Nowhere", "no-such-page"),
        PageRequest("South's contact", "contact", (("contact", str(world.contacts["Sam South"])),)),
    ]

    visits = run_load([loaded_app.url], [loaded_app.supervisor], requests, seconds=4)

    errors = {visit.label: visit.error for visit in visits}
    assert set(errors) == {"Users", "Nowhere", "South's contact"}
    assert "page not found" in errors["Users"]
    assert "page not found" in errors["Nowhere"]
    assert "error box: This contact does not exist, or you may not see it." in errors["South's contact"]
    assert all(visit.error for visit in visits)


def test_py_spy_shows_whose_code_the_served_process_runs(loaded_app, tmp_path):
    requests = page_requests([("Home", "pages/home.py", {}), ("Polls", "pages/polls.py", {})])
    with sampling([loaded_app.pid], 4, tmp_path) as files:
        visits = run_load([loaded_app.url], [loaded_app.admin], requests, seconds=4)
    spots = HotSpots.read(files)
    assert visits and spots.samples > 0
    assert spots.owners["streamlit"] > 0  # Streamlit's own work is seen, as is where each function sits
    assert sum(spots.self_samples.values()) == spots.samples == sum(spots.owners.values())
    assert any("(app.py" in name for name in spots.total_samples)  # TracPro's entry point ran
    assert spots.lines()[0].startswith("CPU samples of the app process(es): ")


def test_a_frame_is_owned_by_the_code_its_file_lies_in():
    site = "/srv/tracpro/.venv/lib/python3.11/site-packages"
    assert owner(f"{site}/streamlit/runtime/scriptrunner/script_runner.py") == "streamlit"
    assert owner(f"{site}/sqlalchemy/orm/session.py") == "sqlalchemy"
    assert owner(f"{site}/google/protobuf/message.py") == "google"
    assert owner("/srv/tracpro/tracpro/ui/navigation.py") == "tracpro"
    assert owner("/srv/tracpro/pages/home.py") == "tracpro"
    assert owner("/usr/lib/python3.11/json/encoder.py") == "python"
    assert owner("<frozen importlib._bootstrap>") == "python"
    # As py-spy writes them: below the folder on sys.path.
    assert owner("streamlit/runtime/app_session.py") == "streamlit"
    assert owner("threading.py") == owner("asyncio/events.py") == "python"
    assert owner("tracpro/ui/signin.py") == owner("app.py") == owner("pages/home.py") == "tracpro"
