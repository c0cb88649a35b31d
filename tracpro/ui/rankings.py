"""Most active regions and reporter groups, counting only responses within the viewer's scope."""

from __future__ import annotations

import streamlit as st

from tracpro.charts.activity import ranking
from tracpro.i18n import _
from tracpro.queries.activity import MostActive
from tracpro.ui.plots import described, figure_of, plot


def most_active_charts(active: MostActive, days: int = 30) -> None:
    """Two small rankings side by side (one above the other on a phone)."""
    for column, (title, rows, label) in zip(st.columns(2), (
        (_("Most active regions"), active.regions, "region"),
        (_("Most active reporter groups"), active.reporter_groups, "reporter_group"),
    ), strict=True):
        with column:
            st.subheader(title, anchor=False)
            st.caption(_("Responses in the last {days} days").format(days=days))
            if rows.empty:
                st.info(_("No responses in the last {days} days.").format(days=days))
                continue
            plot(figure_of(ranking, rows, label), alt=f"{title}: {described(rows[label], rows['responses'])}")
