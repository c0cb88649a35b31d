"""Numbers on chart axes have thousands separators, as everywhere else."""

from __future__ import annotations

import pandas as pd

from tracpro.charts.activity import over_time, ranking
from tracpro.charts.polls import count_bars


def test_every_count_axis_separates_thousands():
    table = pd.DataFrame({"region": ["Kwamata", "Gigi"], "responses": [1670, 129]})
    assert ranking(table, "region").layout.xaxis.tickformat == ",d"  # was 1500, not 1,500
    daily = pd.DataFrame({"day": ["2026-11-01"], "value": ["tel"], "responses": [1200]})
    assert over_time(daily, "Channel").layout.yaxis.tickformat == ",d"
    assert count_bars(["Yes"], [1200]).layout.xaxis.tickformat == ",d"


def test_count_bars_keep_their_axis_title():
    # _layout clears the x-axis title of time charts; bars of counts must still say what they count.
    assert count_bars(["3.0-5.5", "5.5-8.0"], [2, 1], histogram=True).layout.xaxis.title.text == "Responses"


def test_the_viewers_language_marks_thousands_on_every_chart():
    """A figure that fixed its separators (".,") would write "5,000" on French axes, beside
    French text's "5 000": plotly's layout.separators wins over the locale plot_config gives."""
    from tracpro.charts.indicators import baseline_chart
    from tracpro.charts.polls import numeric_over_time
    from tracpro.i18n import use_language
    from tracpro.ui.plots import plot_config

    points = pd.DataFrame({"pollrun_id": [1], "day": ["2026-11-01"], "series": ["All"], "sum": [5000.0],
                           "average": [5000.0], "response_rate": [100.0], "responses": [1]})
    figures = [numeric_over_time(points), count_bars(["Yes"], [5000]), baseline_chart(["2026-11-01"], 10, [5000])]
    assert [figure.layout.separators for figure in figures] == [None, None, None]
    use_language("fr")
    try:
        french = plot_config()["locales"]["fr"]["format"]
    finally:
        use_language("en")
    assert (french["decimal"], french["thousands"]) == (",", "\u202f")
