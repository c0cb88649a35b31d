"""The original TracPro's chart test fixture: regions Beta and Acme, one universal
pollrun, three complete responses to a categorical, an open and a numeric question."""

from __future__ import annotations

from dataclasses import dataclass

from tests import factories as f
from tracpro.auth.scope import Scope
from tracpro.db.models import QuestionType


@dataclass
class ChartWorld:
    org_id: int
    poll_id: int
    pollrun_id: int
    questions: dict[str, int]
    answers: dict[tuple[str, str], int]  # (contact, question) → answer id
    admin: Scope


def build_chart_world(db) -> ChartWorld:
    org = f.OrgFactory()
    beta, acme = f.RegionFactory(org=org, name="Beta"), f.RegionFactory(org=org, name="Acme")
    poll = f.PollFactory(org=org)
    q1 = f.QuestionFactory(
        poll=poll, key="q1", rapidpro_name="How many?", question_type=QuestionType.CATEGORICAL, order=1
    )
    q2 = f.QuestionFactory(poll=poll, key="q2", rapidpro_name="How is the weather?", question_type=QuestionType.OPEN,
                           order=2)
    q3 = f.QuestionFactory(poll=poll, key="q3", rapidpro_name="Number of sheep", question_type=QuestionType.NUMERIC,
                           order=3)
    pollrun = f.PollRunFactory(poll=poll)
    table = {
        "c1": (beta, ("4.00000", "1 - 5"), "It's very rainy", "4.00000"),
        "c2": (beta, ("3.00000", "1 - 5"), "rainy and rainy", "3.00000"),
        "c3": (acme, ("8.00000", "6 - 10"), "Sunny sunny", "8.00000"),
    }
    answers = {}
    for name, (region, (choice, category), words, number) in table.items():
        contact = f.ContactFactory(org=org, name=name, region=region, language="eng")
        response = f.ResponseFactory(org_id=org.id, pollrun=pollrun, contact=contact)
        for question, value, category_ in ((q1, choice, category), (q2, words, None), (q3, number, None)):
            numeric = float(value) if value[0].isdigit() else None
            answer = f.AnswerFactory(response=response, question=question, value=value, value_number=numeric,
                                     category=category_)
            answers[(name, question.key)] = answer.id
    db.flush()
    return ChartWorld(org.id, poll.id, pollrun.id, {"q1": q1.id, "q2": q2.id, "q3": q3.id}, answers,
                      Scope(org.id, None))
