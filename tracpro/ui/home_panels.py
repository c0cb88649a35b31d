"""Home's indicator and alerts: the featured recent indicator (a small chart and a link), and the
regions whose participation dropped on a poll's latest date, with the rule that flags them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracpro.auth.scope import Scope
from tracpro.i18n import _
from tracpro.queries.alerts import alert_rule, participation_alerts
from tracpro.queries.indicators import featured_indicator
from tracpro.text import escape_markdown
from tracpro.ui.database import read_scoped
from tracpro.ui.indicators import indicator_chart
from tracpro.ui.links import page_link
from tracpro.ui.navigation import INDICATOR, INDICATORS, POLL, POLLRUN
from tracpro.ui.table_view import Link, Table, show_table
from tracpro.ui.tables import day_column, heading, number


def featured_indicator_panel(scope: Scope) -> None:
    featured = read_scoped(featured_indicator, scope)
    if featured is None:
        return
    indicator_id, data = featured
    st.subheader(_("Recent indicator: {name}").format(name=escape_markdown(data.name)), anchor=False)
    # The indicator's table labels its rows in the viewer's language (the read model's cache is kept per language).
    table = dict(data.table)
    st.caption(escape_markdown(table.get(_("Dates"), table.get("Dates", ""))))
    indicator_chart(data, height=260, key="home-indicator")
    link, all_link = st.columns(2)
    with link:
        page_link(INDICATOR, _("Open this indicator"), icon=":material/trending_up:", indicator=indicator_id)
    with all_link:
        page_link(INDICATORS, _("All indicators"), icon=":material/list:")


def alerts_panel(scope: Scope) -> None:
    alerts = read_scoped(participation_alerts, scope)
    st.subheader(_("Participation alerts"), anchor=False)
    st.caption(alert_rule())
    if not alerts:
        st.success(_("No region's participation dropped on the latest poll dates."))
        return
    table = pd.DataFrame({
        "Poll": [alert.poll for alert in alerts],
        "Date": [alert.day for alert in alerts],
        "Region": [alert.region for alert in alerts],
        "Participants": [alert.participants for alert in alerts],
        "Answered (%)": [alert.rate for alert in alerts],
        "Usually (%)": [alert.usual_rate for alert in alerts],
    })
    config = {
        "Poll": heading(_("Poll"), help=_("Open the poll")),
        "Date": day_column(_("Date"), help=_("Who took part on this date")),
        "Region": heading(_("Region")), "Participants": number(_("Participants")),
        "Answered (%)": number(_("Answered (%)")), "Usually (%)": number(_("Usually (%)")),
    }
    show_table(Table(table, config, dates={"Date": "day"},
                     rows=[Link(POLLRUN, {"pollrun": alert.pollrun_id, "tab": "participation"}) for alert in alerts],
                     cells={"Poll": [Link(POLL, {"poll": alert.poll_id}) for alert in alerts]},
                     hint=_("Click a row to see who took part on that date, or a poll's name to open the poll.")),
               key="home-alerts")
