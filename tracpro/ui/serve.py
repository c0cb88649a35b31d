"""`python -m tracpro.ui.serve [options of streamlit run]`: `streamlit run app.py`, with
Streamlit's legacy pages/ mode off from the start.

A plain `streamlit run app.py` serves the very first page address after a start straight from
the pages/ folder (Streamlit's first multipage mode), until some session has called
st.navigation; TracPro's pages then send the viewer through app.py
(tracpro.ui.context.not_through_the_app). Turning that mode off before the server starts
means no address is ever served that way. The two commands (run.py) start the app like this.
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parents[2] / "app.py"


def main() -> None:
    PagesManager.uses_pages_directory = False  # what app.py's st.navigation would set, set first
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
