"""Audit: what was done in the org, by whom and when (administrators): the trail filtered by
person, kind and dates, and downloaded as CSV (itself recorded in the trail)."""

from datetime import timedelta

import streamlit as st

from tracpro.config import load_settings
from tracpro.i18n import _, format_number, ngettext
from tracpro.queries.audit import audit_people, audit_trail
from tracpro.queries.audit_words import KIND_WORDS
from tracpro.text import escape_markdown
from tracpro.ui.clock import today
from tracpro.ui.context import require_org_admin, require_scope
from tracpro.ui.database import read_scoped_now
from tracpro.ui.exports import CSV_MIME, csv_bytes, recorded
from tracpro.ui.table_view import Table, show_table
from tracpro.ui.tables import MOST_ROWS, datetime_column

context, org_id = require_org_admin()
scope = require_scope()
# A superuser also sees what belongs to no org: their own sign-ins, and emails no account has.
unaffiliated = context.user.is_superuser

st.title(_("Audit"))
days = load_settings().audit_days
st.caption(ngettext(
    "What was done in {org}, by whom and when: sign-ins, changes to people and settings, messages, polls started, "
    "contacts changed, downloads. Events are kept {days} day.",
    "What was done in {org}, by whom and when: sign-ins, changes to people and settings, messages, polls started, "
    "contacts changed, downloads. Events are kept {days} days.",
    days,
).format(org=escape_markdown(context.access.org_name), days=format_number(days)))

day = today(scope)
first, last, person, kind = st.columns(4)
start = first.date_input(_("From"), value=day - timedelta(days=30), max_value=day, key="audit.start",
                         format="YYYY-MM-DD")
end = last.date_input(_("To"), value=day, min_value=start, key="audit.end", format="YYYY-MM-DD")
people = read_scoped_now(audit_people, scope, start=start, end=end, unaffiliated=unaffiliated)
email = person.selectbox(_("Person"), [None, *people], format_func=lambda email: email or _("Everyone"),
                         key="audit.person")
kinds = kind.multiselect(_("What"), list(KIND_WORDS), format_func=lambda kind: _(KIND_WORDS[kind]),
                         placeholder=_("Everything"), key="audit.kinds")

filters = {"start": start, "end": end, "email": email, "kinds": tuple(kinds), "unaffiliated": unaffiliated}
trail = read_scoped_now(audit_trail, scope, **filters)
if trail.empty:
    st.info(_("Nothing was recorded with these filters. Choose earlier dates, or everyone and everything."))
    st.stop()

headings = {"When": _("When"), "Who": _("Who"), "What": _("What"), "Region": _("Region"), "Details": _("Details"),
            "Details (JSON)": _("Details (JSON)")}
if len(trail) > MOST_ROWS:
    # Over MOST_ROWS events here, never one: the singular is the plural.
    st.caption(ngettext("{count} events, the newest {shown} below. The download holds them all.",
                        "{count} events, the newest {shown} below. The download holds them all.", len(trail))
               .format(count=format_number(len(trail)), shown=format_number(MOST_ROWS)))
else:
    st.caption(ngettext("{count} event, newest first.", "{count} events, newest first.", len(trail))
               .format(count=format_number(len(trail))))
# The details as JSON are for the download (every id as recorded); the page shows them in words.
shown = trail.head(MOST_ROWS).drop(columns="Details (JSON)")
shown = shown.assign(Who=shown["Who"].replace("", _("(no account)")))
# Emails, names and details are shown as text: st.dataframe renders no Markdown or HTML.
show_table(Table(shown.rename(columns=headings), {headings["When"]: datetime_column(headings["When"])},
                 dates={headings["When"]: "moment"}), key="audit-trail")
stem = f"audit-{start.isoformat()}-{end.isoformat()}"
make = recorded(lambda: read_scoped_now(audit_trail, scope, **filters), scope, f"{stem}.csv",
                {"export": "audit trail", **filters})
st.download_button(
    _("Download CSV"), lambda: csv_bytes(make().rename(columns=headings)),
    file_name=f"{stem}.csv", mime=CSV_MIME, icon=":material/download:", on_click="ignore",
)
