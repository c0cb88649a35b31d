"""`python -m tracpro.ui.serve [options of streamlit run]`: `streamlit run app.py`, with
Streamlit's legacy pages/ mode off from the start.

A plain `streamlit run app.py` serves the very first page address after a start straight from
the pages/ folder (Streamlit's first multipage mode), until some browser tab has called
st.navigation; TracPro's pages then send the viewer through app.py
(tracpro.ui.context.not_through_the_app). Turning that mode off before the server starts
means no address is ever served that way. The two commands (run.py) start the app like this.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parents[2] / "app.py"


def main() -> None:
    PagesManager.uses_pages_directory = False  # what app.py's st.navigation would set, set first
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    cli.main()


def wait_until_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    """Wait for a server started with this module to answer /_stcore/health; RuntimeError with
    its log when it exits or does not answer in time (the browser tests and bench.load use it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy in {timeout} s:\n{log.read_text()}")


if __name__ == "__main__":
    main()
