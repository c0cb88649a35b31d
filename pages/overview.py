"""Database (superusers): what the whole deployment's database holds, across every org."""

import pandas as pd
import streamlit as st

from tracpro.queries.database_summary import database_summary
from tracpro.ui.context import require_superuser
from tracpro.ui.database import read

require_superuser()
summary = read(database_summary)

st.title("Database")
st.caption(f"PostgreSQL {summary.server_version} · database `{summary.database}`")

if summary.is_empty:
    st.info(
        "The database is empty. Run `python3 run.py demo` to load the demo organisation "
        "from the built-in RapidPro simulator, or `python sync_job.py` once an organisation is set up."
    )

st.subheader("What the database holds")
counts = pd.DataFrame(summary.counts, columns=["Table", "Rows"])
st.dataframe(
    counts,
    hide_index=True,
    column_config={"Rows": st.column_config.NumberColumn(format="localized")},
)

if summary.orgs:
    st.subheader("Organisations")
    st.dataframe(
        pd.DataFrame(
            [
                (org.name, org.slug, org.timezone, "active" if org.is_active else "inactive")
                for org in summary.orgs
            ],
            columns=["Name", "Slug", "Timezone", "Status"],
        ),
        hide_index=True,
    )
