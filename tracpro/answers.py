"""The value each answer is charted with ("value to use").

For a numeric question, a contact's answers on one org-local day (the original used UTC days)
form a group: with the org's "use last" mode every answer of the group uses the latest value;
with "sum", the sum of the group's numbers (written "12.0", as TracPro did). Non-numeric
answers, and answers to other question types, use their own value.

One SQL statement does it, for the groups a page of runs touched, for questions whose type
changed, or for a whole org when its mode changes. It writes only answers whose value to use
actually changes.

The rule is poll semantics, but applied in the database, so it lives here rather than in
tracpro.polls (which never touches the database): just above tracpro.db, where both the sync
(new answers) and the org's settings (a new mode, a question's new type) may call it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from tracpro.db.models import Org
from tracpro.db.results import rowcount

_RECOMPUTE = """
WITH target AS (
    SELECT a.id, a.value, a.value_number, q.question_type, a.submitted_on, r.run_uuid,
           a.question_id, a.contact_id, a.submitted_date
    FROM answers a
    JOIN questions q ON q.id = a.question_id
    JOIN responses r ON r.id = a.response_id
    WHERE a.org_id = :org AND {where}
), grouped AS (
    SELECT id, value, value_number, question_type,
           sum(value_number) OVER same_day AS day_sum,
           first_value(value) OVER (same_day ORDER BY submitted_on DESC, run_uuid DESC) AS last_value,
           first_value(value_number) OVER (same_day ORDER BY submitted_on DESC, run_uuid DESC) AS last_number
    FROM target
    WINDOW same_day AS (PARTITION BY question_id, contact_id, submitted_date)
), wanted AS (
    SELECT id,
        CASE WHEN question_type <> 'numeric' OR value_number IS NULL THEN value
             WHEN :mode = 'sum' THEN
                 CASE WHEN day_sum = trunc(day_sum) AND abs(day_sum) < 1e15
                      THEN trunc(day_sum)::bigint::text || '.0' ELSE day_sum::text END
             ELSE last_value END AS value_to_use,
        CASE WHEN question_type <> 'numeric' OR value_number IS NULL THEN value_number
             WHEN :mode = 'sum' THEN day_sum
             ELSE last_number END AS value_to_use_number
    FROM grouped
)
UPDATE answers SET value_to_use = wanted.value_to_use, value_to_use_number = wanted.value_to_use_number
FROM wanted
WHERE answers.id = wanted.id
  AND (answers.value_to_use, answers.value_to_use_number)
      IS DISTINCT FROM (wanted.value_to_use, wanted.value_to_use_number)
"""

_IN_GROUPS = """(a.question_id, a.contact_id, a.submitted_date) IN (
    SELECT question_id, contact_id, submitted_date
    FROM jsonb_to_recordset(CAST(:groups AS jsonb))
        AS g(question_id integer, contact_id integer, submitted_date date))"""


def _mode(session: Session, org_id: int) -> str:
    return session.get_one(Org, org_id).sameday_mode.value


def recompute_values_to_use(
    session: Session,
    org_id: int,
    *,
    groups: Iterable[tuple[int, int, date]] | None = None,
    question_ids: Sequence[int] | None = None,
    mode: str | None = None,
) -> int:
    """Recompute for the given (question, contact, day) groups, or questions, or the whole org,
    with the org's same-day mode (looked up unless given). Returns how many answers changed.
    """
    parameters: dict[str, object] = {"org": org_id, "mode": mode or _mode(session, org_id)}
    if groups is not None:
        rows = [
            {"question_id": question, "contact_id": contact, "submitted_date": day.isoformat()}
            for question, contact, day in set(groups)
        ]
        if not rows:
            return 0
        where, parameters["groups"] = _IN_GROUPS, json.dumps(rows)
    elif question_ids is not None:
        if not question_ids:
            return 0
        where, parameters["questions"] = "a.question_id = ANY(:questions)", list(question_ids)
    else:
        where = "TRUE"
    return rowcount(session.execute(text(_RECOMPUTE.format(where=where)), parameters))
