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
