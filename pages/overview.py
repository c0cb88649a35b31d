"""Database (superusers): what the whole deployment's database holds, across every org."""

import pandas as pd
import streamlit as st

from tracpro.i18n import _
from tracpro.queries.database_summary import database_summary
from tracpro.ui.context import require_superuser
from tracpro.ui.database import read

require_superuser()
summary = read(database_summary)

st.title(_("Database"))
st.caption(
    _("PostgreSQL {version} · database `{database}`").format(
        version=summary.server_version, database=summary.database
    )
)

if summary.is_empty:
    st.info(
        _(
            "The database is empty. Run `python3 run.py demo` to load the demo organisation "
            "from the built-in RapidPro simulator, or `python sync_job.py` once an organisation is set up."
        )
    )

st.subheader(_("What the database holds"))
# The labels are N_-marked constants of the read model (tracpro.queries.database_summary.COUNTED).
counts = pd.DataFrame([(_(label), rows) for label, rows in summary.counts], columns=[_("Table"), _("Rows")])
st.dataframe(
    counts,
    hide_index=True,
    column_config={_("Rows"): st.column_config.NumberColumn(format="localized")},
)

if summary.orgs:
    st.subheader(_("Organisations"))
    st.dataframe(
        pd.DataFrame(
            [
                (org.name, org.slug, org.timezone, _("active") if org.is_active else _("inactive"))
                for org in summary.orgs
            ],
            columns=[_("Name"), _("Slug"), _("Timezone"), _("Status")],
        ),
        hide_index=True,
    )
