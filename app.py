"""TracPro's Streamlit entry point: page setup, the database check, sign-in, and navigation.

Run it with `streamlit run app.py` (or `python3 run.py app`). Who is signed in is decided on
every rerun before any page runs; the pages registered depend on the role (tracpro.ui.navigation),
so st.navigation ignores the pages/ folder and lists only what the viewer may open.
"""

from pathlib import Path

import streamlit as st

from tracpro.logs import configure, configured_format
from tracpro.ui.database import database_outage_shown, require_database
from tracpro.ui.language import apply_direction, choose_language, tab_language
from tracpro.ui.links import mend_stray_address
from tracpro.ui.navigation import (
    keep_no_page,
    keep_session_page,
    pages_for,
    remember_opened_page,
    resume_requested_page,
    signed_out_pages,
)
from tracpro.ui.sidebar import build_context, render_sidebar
from tracpro.ui.signin import forget_rerun, sign_in
from tracpro.ui.style import apply_style

# A local file: a material icon here would make every browser fetch it from Google's font servers.
FAVICON = Path(__file__).parent / "static" / "favicon.png"
st.set_page_config(page_title="TracPro", page_icon=str(FAVICON), layout="wide")
configure(configured_format())  # TracPro's log lines, the audit trail's events among them
apply_style()
# Until someone is signed in (and then until their org is known) the language is the last one used.
choose_language(tab_language())

try:
    # The database may be out of reach at the start or go away at any moment: one sentence, then it is retried.
    with database_outage_shown():
        require_database()
        remember_opened_page()  # before sign_in() draws the cookie components, whose reports rerun the app
        gate = sign_in()
        if gate.user is None:
            apply_direction()
            pages = signed_out_pages()
            page = st.navigation(pages, position="hidden")
            keep_no_page()
            page.run()
        else:
            context, region_options = build_context(gate, minimal=gate.user.must_change_password)
            apply_direction()
            render_sidebar(context, region_options)
            sections = pages_for(context)
            # expanded: with this many pages Streamlit would hide some behind "View more".
            page = st.navigation(sections, expanded=True)
            keep_session_page(page, sections)
            resume_requested_page(sections)
            mend_stray_address(page)
            page.run()
finally:
    # What this rerun decided is for this rerun's page only: a page run any other way finds nothing.
    forget_rerun()
