"""TracPro's Streamlit entry point: page setup, the database check, and navigation.

Run it with `streamlit run app.py` (or `python3 run.py app`). Pages live in pages/ and are
listed here explicitly: st.navigation ignores the pages/ folder once it is used.
"""

import streamlit as st

from tracpro.ui.database import require_database

st.set_page_config(page_title="TracPro", page_icon=":material/poll:", layout="wide")
require_database()

navigation = st.navigation(
    [st.Page("pages/overview.py", title="Overview", icon=":material/database:", default=True)]
)
navigation.run()
