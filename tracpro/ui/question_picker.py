"""Choosing a question as TracPro's chained selects did: a poll, then one of its questions."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from tracpro.i18n import _
from tracpro.queries.choices import QuestionChoice


def pick_question(choices: Sequence[QuestionChoice], *, key: str, poll_id: int | None = None
                  ) -> QuestionChoice | None:
    """A poll (unless `poll_id` fixes it) and one of its questions among `choices`; None when none fits."""
    polls = {choice.poll_id: choice.poll for choice in choices}
    select_question = st.selectbox
    if poll_id is None:
        if not polls:
            return None
        poll_column, question_column = st.columns(2)
        select_question = question_column.selectbox
        poll_id = poll_column.selectbox(_("Poll"), list(polls), format_func=polls.__getitem__, key=f"{key}.poll")
    questions = {choice.question_id: choice for choice in choices if choice.poll_id == poll_id}
    if not questions:
        return None
    chosen = select_question(_("Question"), list(questions), format_func=lambda q: questions[q].name,
                             key=f"{key}.question.{poll_id}")
    return questions[chosen]
