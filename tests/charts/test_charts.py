"""Charts are pure: data in, figure out. Each test looks at what the figure would draw."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from PIL import Image

from tracpro.charts.activity import over_time, ranking
from tracpro.charts.colours import OTHER, category_colours
from tracpro.charts.polls import categories_over_time, category_pie, count_bars, numeric_over_time
from tracpro.charts.words import word_cloud_png

DAYS = [date(2026, 10, 5), date(2026, 10, 12)]


def test_numeric_over_time_draws_the_chosen_measure_one_series_per_region():
    points = pd.DataFrame({
        "pollrun_id": [1, 2, 1, 2], "day": DAYS * 2, "series": ["Acme", "Acme", "Beta", "Beta"],
        "sum": [8.0, 9.0, 7.0, 1.0], "average": [8.0, 9.0, 3.5, 1.0], "response_rate": [100.0, 50.0, 100.0, 25.0],
        "responses": [1, 2, 2, 4],
    })
    figure = numeric_over_time(points, "average")
    assert [trace.name for trace in figure.data] == ["Acme", "Beta"]
    assert list(figure.data[1].y) == [3.5, 1.0]
    assert [row[0] for row in figure.data[0].customdata] == [1, 2]  # clicking a point knows its pollrun
    assert list(numeric_over_time(points, "response-rate").data[0].y) == [100.0, 50.0]


def test_categories_over_time_are_stacked_to_100_percent_with_counts_in_the_hover():
    points = pd.DataFrame({"pollrun_id": [1, 2, 1, 2], "day": DAYS * 2,
                           "category": ["1 - 5", "1 - 5", "Other", "Other"], "count": [2, 3, 1, 0]})
    figure = categories_over_time(points, ["1 - 5", "6 - 10", "Other"])
    assert [trace.name for trace in figure.data] == ["1 - 5", "Other"]
    assert {trace.groupnorm for trace in figure.data} == {"percent"}
    assert [row[0] for row in figure.data[0].customdata] == [2, 3]
    assert figure.data[1].line.color == OTHER


def test_a_category_keeps_its_colour_on_every_chart():
    order = ["Yes", "No", "Other"]
    pie = category_pie(["No", "Yes"], [3, 5], order)
    bars = count_bars(["Yes", "No"], [5, 3], order)
    colours = category_colours(order)
    assert list(pie.data[0].marker.colors) == [colours["No"], colours["Yes"]]
    assert list(bars.data[0].marker.color) == [colours["Yes"], colours["No"]]
    assert colours["Other"] == OTHER and colours["Yes"] != colours["No"]


def test_histograms_are_bars_of_bins_in_one_colour():
    figure = count_bars(["3.0-5.5", "5.5-8.0"], [2, 1], histogram=True)
    assert list(figure.data[0].y) == ["3.0-5.5", "5.5-8.0"] and list(figure.data[0].x) == [2, 1]
    assert len(set(figure.data[0].marker.color)) == 1


def test_activity_charts():
    table = pd.DataFrame({"region": ["Kandahar", "Khost"], "responses": [1200, 3]})
    assert list(ranking(table, "region").data[0].x) == [1200, 3]
    daily = pd.DataFrame({"day": DAYS * 2, "value": ["eng", "eng", "fra", "fra"], "responses": [1, 2, 3, 4]})
    assert [trace.name for trace in over_time(daily, "Language").data] == ["eng", "fra"]


def test_word_clouds_are_pngs_and_the_same_words_draw_the_same_picture():
    words = [("rainy", 3), ("sunny", 2), ("storm", 1)]
    picture = word_cloud_png(words)
    assert Image.open(io.BytesIO(picture)).size == (800, 360)
    assert word_cloud_png(words) == picture
    with pytest.raises(ValueError):
        word_cloud_png([])


def test_word_clouds_draw_arabic_shaped_and_every_script_the_answers_use():
    from fontTools.ttLib import TTFont
    from PIL import ImageFont, features

    from tracpro.charts.words import FONT

    glyphs = TTFont(FONT).getBestCmap()
    answers = "الماء نظيفة مدرسة école niño вода maji"
    assert all(ord(char) in glyphs for char in answers if not char.isspace()), "the cloud's font lacks a glyph"
    # Shaped, not letters side by side: lam + alef join into one ligature, narrower than the two apart.
    assert features.check("raqm")
    font = ImageFont.truetype(str(FONT), 80)
    assert font.getlength("لا") < font.getlength("ل") + font.getlength("ا")
    picture = Image.open(io.BytesIO(word_cloud_png([("الماء", 5), ("مدرسة", 3), ("вода", 2)]))).convert("L")
    assert picture.getextrema()[0] < 128  # something dark was drawn on the white


def test_averages_and_rates_split_by_region_are_lines_side_by_side_and_only_sums_stack():
    points = pd.DataFrame({
        "pollrun_id": [1, 2, 1, 2], "day": DAYS * 2, "series": ["Acme", "Acme", "Beta", "Beta"],
        "sum": [8.0, 9.0, 7.0, 1.0], "average": [55.0, 54.0, 56.0, 55.0], "response_rate": [100.0, 50.0, 100.0, 25.0],
        "responses": [1, 2, 2, 4],
    })
    for measure in ("average", "response-rate"):
        figure = numeric_over_time(points, measure)
        assert {trace.stackgroup for trace in figure.data} == {None}, measure
        assert {trace.fill for trace in figure.data} <= {None, "none"}, measure
    stacked = numeric_over_time(points, "sum")
    assert {trace.stackgroup for trace in stacked.data} == {"1"}


def test_a_chart_of_one_date_names_that_date_on_its_axis():
    numbers = pd.DataFrame({"pollrun_id": [1], "day": [pd.Timestamp(DAYS[0])], "series": ["All"], "sum": [8.0],
                            "average": [8.0], "response_rate": [100.0], "responses": [1]})
    assert list(numeric_over_time(numbers).layout.xaxis.tickvals) == [pd.Timestamp(DAYS[0])]
    categories = pd.DataFrame({"pollrun_id": [1, 1], "day": [DAYS[0]] * 2, "category": ["Yes", "No"], "count": [2, 1]})
    assert list(categories_over_time(categories, ["Yes", "No"]).data[0].y) == ["Oct 05, 2026"]  # bars, below
    many = pd.DataFrame({"pollrun_id": [1, 2, 3], "day": [*DAYS, date(2026, 10, 19)], "series": ["All"] * 3,
                         "sum": [1.0, 2.0, 3.0], "average": [1.0, 2.0, 3.0], "response_rate": [9.0] * 3,
                         "responses": [1] * 3})
    assert numeric_over_time(many).layout.xaxis.tickvals is None  # plotly's own ticks for a real span


@pytest.mark.parametrize("day", [DAYS[0], pd.Timestamp(DAYS[0])])
def test_a_categorical_question_on_a_single_date_is_one_bar_of_shares_not_loose_dots(day):
    points = pd.DataFrame({"pollrun_id": [7, 7, 7], "day": [day] * 3, "category": ["Yes", "No", "Other"],
                           "count": [6, 3, 1]})
    figure = categories_over_time(points, ["Yes", "No"])
    assert {trace.type for trace in figure.data} == {"bar"} and figure.layout.barmode == "stack"
    assert [trace.name for trace in figure.data] == ["Yes", "No", "Other"]
    assert [trace.x[0] for trace in figure.data] == [60.0, 30.0, 10.0]  # shares of 100%
    assert [trace.text[0] for trace in figure.data] == ["60%", "30%", "10%"]
    assert [list(trace.customdata[0]) for trace in figure.data] == [[6, 7], [3, 7], [1, 7]]  # count, pollrun
    assert {trace.y[0] for trace in figure.data} == {"Oct 05, 2026"} and {t.orientation for t in figure.data} == {"h"}
    assert figure.data[0].marker.color == category_colours(["Yes", "No"])["Yes"]
    # Two dates keep their stacked areas.
    later = pd.Timestamp(DAYS[1]) if isinstance(day, pd.Timestamp) else DAYS[1]
    two = pd.concat([points, points.assign(day=later, pollrun_id=8)])
    assert {trace.type for trace in categories_over_time(two, ["Yes", "No"]).data} == {"scatter"}
