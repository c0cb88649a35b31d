"""Two app processes starting at once on a fresh embedded database both come up, sharing it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import make_url

from tests.conftest import ROOT
from tests.pages.conftest import COOKIE_KEY
from tests.start_together import READY_THEN_WAIT, release_together

# Once the other is ready too, renders the app.
RENDER_APP = f"""
from streamlit.testing.v1 import AppTest
{READY_THEN_WAIT}
app = AppTest.from_file("app.py", default_timeout=120).run()
assert not app.exception, app.exception
assert not app.error, [error.value for error in app.error]
assert "createsuperuser" in app.info[0].value  # the database answered: it holds no account yet
from tracpro.db import get_engine
print(get_engine().url.render_as_string(hide_password=True))
"""


@pytest.mark.slow
def test_two_apps_starting_together_on_a_fresh_embedded_database(private_dir):
    environment = {key: value for key, value in os.environ.items() if "DATABASE_URL" not in key}
    environment["TRACPRO_DATA_DIR"] = str(private_dir)
    environment["TRACPRO_COOKIE_KEY"] = COOKIE_KEY
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", RENDER_APP],
            cwd=ROOT,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    release_together(processes)
    outputs = [process.communicate(timeout=180) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    urls = [stdout.strip().splitlines()[-1] for stdout, _ in outputs]
    assert urls[0] == urls[1]  # one server, shared
    assert make_url(urls[0]).database == "tracpro"
    assert (private_dir / "postgres" / "PG_VERSION").exists()  # in the folder we named, nowhere else
