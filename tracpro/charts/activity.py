"""Activity charts: most active regions and reporter groups, responses by a dimension over time."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from tracpro.i18n import _
from tracpro.text import escape_plotly


def ranking(table: pd.DataFrame, label: str) -> go.Figure:
    """Horizontal bars of `responses` per `label` (names: shown as text), most first."""
    table = table.assign(**{label: table[label].map(escape_plotly)})
    figure = px.bar(table, x="responses", y=label, orientation="h", text="responses",
                    labels={"responses": _("Responses"), label: ""})
    figure.update_traces(texttemplate="%{x:,}", marker_color="#1F49BF", hovertemplate="%{y}: %{x:,}<extra></extra>")
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(tickformat=",d")  # 1,500, not 1500
    figure.update_layout(height=max(180, 50 + 34 * len(table)), margin=dict(l=10, r=10, t=10, b=10))
    return figure


def over_time(table: pd.DataFrame, title: str) -> go.Figure:
    """Each day's responses stacked by `value` (a language or a channel: shown as text)."""
    table = table.assign(value=table["value"].map(escape_plotly))
    figure = px.bar(table, x="day", y="responses", color="value", labels={"day": "", "responses": _("Responses"),
                                                                         "value": title})
    figure.update_layout(height=300, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h", y=-0.25),
                         barmode="stack")
    figure.update_yaxes(tickformat=",d")
    return figure
