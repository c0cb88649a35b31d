"""One block per question: its heading, its chart (or word cloud) and its summary.

Over time (the poll page) a numeric question is an area chart of the chosen measure, a
categorical one a 100%-stacked chart, an open one a word cloud; clicking a point of a chart
gives the pollrun it stands for. On one date (a pollrun's Summary) a categorical question is a
pie (or bars), a numeric one a histogram, an open one a word cloud (a pie, as the original TracPro's
documentation said; its code drew bars).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracpro.charts.polls import categories_over_time, category_pie, count_bars, numeric_over_time
from tracpro.charts.words import word_cloud_png
from tracpro.i18n import N_, _
from tracpro.polls.filters import NumericDisplay
from tracpro.queries.poll_charts import QuestionOverTime, Summary
from tracpro.queries.pollrun_summary import QuestionOnDate
from tracpro.text import escape_markdown
from tracpro.ui.links import pollrun_of_point
from tracpro.ui.plots import described, figure_of, plot

NO_CHART = N_("No chart for this type of question (menu, keypad or recording).")
NO_ANSWERS = N_("No answers to show for these filters.")


@st.cache_data(max_entries=256, show_spinner=False)
def _cloud(words: tuple[tuple[str, int], ...]) -> bytes:
    # Keyed by the words themselves: only someone who already has them can get their picture.
    return word_cloud_png(words)


def word_cloud(words: tuple[tuple[str, int], ...]) -> None:
    """The cloud, and beside it the same words as a table (a picture is not read by screen readers)."""
    if not words:
        st.info(_(NO_ANSWERS))
        return
    picture, table = st.columns([3, 1])
    picture.image(_cloud(tuple(words)), width="stretch",
                  alt=_("Word cloud: {words}").format(words=described(*zip(*words[:10], strict=True))))
    table.dataframe(
        pd.DataFrame(words, columns=["Word", "Count"]), hide_index=True, height=300, width="stretch",
        column_config={"Word": st.column_config.Column(_("Word")),
                       "Count": st.column_config.NumberColumn(_("Count"), format="localized", width="small")},
    )


def summary_table(summary: Summary | None, *, categorical: bool = False) -> None:
    """Mean, standard deviation and response rate, one per line (narrow enough to sit beside a
    chart). A categorical question's answers are categories, not numbers: the response rate only
    (the original TracPro showed "Mean 0, Standard deviation 0" for them)."""
    if summary is None:
        return
    figures = {_("Mean"): summary.mean, _("Standard deviation"): summary.standard_deviation,
               _("Response rate average (%)"): summary.response_rate}
    if categorical:
        figures = dict(list(figures.items())[2:])
    st.dataframe(
        pd.DataFrame({"Summary": list(figures), "Value": list(figures.values())}),
        hide_index=True, width="content",
        column_config={"Summary": st.column_config.Column(_("Summary")),
                       "Value": st.column_config.NumberColumn(_("Value"), format="localized")},
    )


def _heading(number: int, name: str, kind: str, region: str | None) -> None:
    st.subheader(f"{number}. {escape_markdown(name)}", anchor=False)
    where = _("Region: {region}").format(region=escape_markdown(region)) if region else ""
    caption = " · ".join(part for part in (kind, where) if part)
    if caption:
        st.caption(caption)


OVER_TIME_KIND = {"categorical": N_("Categorical"), "open": N_("Open-ended"), "none": N_("No chart")}


def over_time(question: QuestionOverTime, numeric: NumericDisplay, region: str | None) -> int | None:
    """One question over the poll's dates; the pollrun whose point was clicked, if one was."""
    kind = numeric.label if question.kind == "numeric" else _(OVER_TIME_KIND[question.kind])
    _heading(question.number, question.name, kind, region)
    key = f"question-{question.question_id}"
    if question.kind == "open":
        word_cloud(question.words)
        return None
    if question.kind == "none":
        st.caption(_(NO_CHART))
        return None
    if question.kind == "numeric":
        figure = figure_of(numeric_over_time, question.points, numeric.value)
        alt = _("{measure} of “{question}” on each poll date").format(measure=numeric.label, question=question.name)
    else:
        if question.points.empty:
            st.info(_(NO_ANSWERS))
            return None
        figure = figure_of(categories_over_time, question.points, tuple(question.categories))
        alt = _("Share of each answer to “{question}” on each poll date").format(question=question.name)
    points = plot(figure, alt=alt, key=key, clickable=True)
    summary_table(question.summary, categorical=question.kind == "categorical")
    return next((pollrun for pollrun in map(pollrun_of_point, points) if pollrun), None)


def on_date(question: QuestionOnDate, *, bars: bool) -> None:
    """One question on one date: categories as a pie (or bars), numbers as a histogram, words as a cloud."""
    if question.kind == "none":  # nothing answered (whatever the question's type)
        _heading(question.number, question.name, "", None)
        st.info(_(NO_ANSWERS))
        return
    if question.kind == "open":
        _heading(question.number, question.name, _("Open-ended"), None)
        word_cloud(question.words)
        return
    kind = _("Categorical") if question.categorical else _("Numeric: responses per range of values")
    _heading(question.number, question.name, kind, None)
    labels, counts = question.categories, question.counts
    if question.categorical and not bars:
        figure = figure_of(category_pie, tuple(labels), tuple(counts), tuple(question.order))
    else:
        figure = figure_of(count_bars, tuple(labels), tuple(counts), tuple(question.order),
                           histogram=not question.categorical)
    # Side by side on a wide screen (a pie is no wider than it is tall), one above the other on a phone.
    chart, summary = st.columns([3, 2], vertical_alignment="center")
    with chart:
        plot(figure, alt=_("Responses to “{question}”: {answers}").format(question=question.name,
                                                                           answers=described(labels, counts)),
             key=f"question-{question.question_id}")
    with summary:
        summary_table(question.summary, categorical=question.categorical)
