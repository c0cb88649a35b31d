"""Every AppTest here runs with a proper cookie key and demo mode off, whatever the machine has,
and at one fixed moment, whatever the date."""

from __future__ import annotations

import pytest
import time_machine
from streamlit.runtime.media_file_manager import MediaFileManager

from tests import factories as f

COOKIE_KEY = "test-cookie-key-4f9c2a7e1b8d6053-abcdefghijklmnop"


@pytest.fixture(autouse=True)
def _app_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACPRO_COOKIE_KEY", COOKIE_KEY)
    monkeypatch.setenv("TRACPRO_DEMO", "0")
    monkeypatch.setenv("TRACPRO_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(autouse=True)
def _fixed_clock():
    """The pages run their scripts in this process and read the app's clock (tracpro.ui.clock), the
    sign-in included: it starts at the factories' NOW, and ticks on from there (Streamlit times its
    runs). The data the pages show is dated from the same NOW (tests/pages/dashboard_world.py)."""
    with time_machine.travel(f.NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _navigation_as_in_a_running_server(monkeypatch):
    """In a running server the first st.navigation call turns the pages/ folder off for good;
    AppTest looks at the folder again before every run, and would then run a page's file
    directly on reruns (Streamlit's legacy multipage mode), skipping app.py. Keep it off."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def downloads(monkeypatch) -> dict[str, tuple[str, object]]:
    """The files the page's download buttons would send, by file name: (mime type, maker).

    Download buttons make their file only when clicked (a deferred callable); this keeps each
    callable so a test can make the file as the click would.
    """
    made: dict[str, tuple[str, object]] = {}
    original = MediaFileManager.add_deferred

    def keep(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        made[file_name] = (mimetype, data_callable)
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    return made
