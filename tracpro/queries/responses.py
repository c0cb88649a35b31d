"""PollRun detail, Responses tab and its download.

On the page: active partial and complete responses, newest first, each question's value to use
("--" when unanswered). In the download: the same responses plus the superseded ones, marked in
a Counted column (the page and the charts count only the others); each question's raw value as
the contact sent it and the category it was put in ("" when unanswered); the moment in ISO 8601
with the org's offset ("2026-12-03T16:55:00+02:00"), which spreadsheets and scripts read alike.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import and_, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from tracpro.auth.scope import Scope
from tracpro.db.models import (
    Answer,
    Contact,
    Question,
    Region,
    ReporterGroup,
    Response,
    ResponseStatus,
    contact_reporter_groups,
)
from tracpro.i18n import N_, gettext_in
from tracpro.polls.filters import PollFilters
from tracpro.queries.poll_base import field_filter, org_timezone
from tracpro.queries.pollrun_summary import require_pollrun
from tracpro.queries.registry import read_model
from tracpro.queries.visibility import response_counted

ANSWERED = (ResponseStatus.PARTIAL, ResponseStatus.COMPLETE)
# The download's own columns, before the questions' (tracpro.ui.exports translates their headings).
LEADING_COLUMNS = ["Date", "Name", "URN", "Region", "Reporter groups", "Counted"]
# Worded in the `language` the page passes (gettext_in), not the current one.
CATEGORY_COLUMN = N_("{question} (category)")
COUNTED, SUPERSEDED = N_("yes"), N_("no: a later response replaced it")


def _responses(session, scope, pollrun_id, filters, include_superseded: bool):
    groups = (
        select(contact_reporter_groups.c.contact_id,
               func.string_agg(ReporterGroup.name, aggregate_order_by(literal(", "), ReporterGroup.name))
               .label("names"))
        .join(ReporterGroup, and_(ReporterGroup.id == contact_reporter_groups.c.reporter_group_id,
                                  ReporterGroup.is_active))
        .group_by(contact_reporter_groups.c.contact_id)
        .subquery()
    )
    return session.execute(
        select(Response.id, Response.updated_on, Response.is_active, Contact.id.label("contact_id"), Contact.name,
               Contact.urn,
               Region.name.label("region"), func.coalesce(groups.c.names, "").label("reporter_groups"))
        .join(Contact, Contact.id == Response.contact_id)
        .join(Region, Region.id == Contact.region_id)
        .outerjoin(groups, groups.c.contact_id == Contact.id)
        .where(Response.pollrun_id == pollrun_id, Response.status.in_(ANSWERED),
               response_counted(scope, include_inactive=include_superseded), field_filter(filters.contact_fields))
        .order_by(Response.updated_on.desc(), Response.id.desc())
    ).all()


def _answers(session, response_ids, poll_id, *columns) -> tuple[list[str], dict[tuple[int, str], tuple]]:
    """The poll's active questions' column names, and each response's `columns` per question."""
    questions = session.execute(
        select(Question.id, Question.name).where(Question.poll_id == poll_id, Question.is_active)
        .order_by(Question.order, Question.id)
    ).all()
    names: dict[int, str] = {}
    for question_id, name in questions:
        label = name
        while label in names.values():  # two questions may share a name; columns may not
            label += " "
        names[question_id] = label
    values = session.execute(
        select(Answer.response_id, Answer.question_id, *columns)
        .where(Answer.response_id.in_(response_ids), Answer.question_id.in_(list(names)))
    ).all()
    return list(names.values()), {
        (response_id, names[question_id]): tuple(value) for response_id, question_id, *value in values
    }


@read_model
def pollrun_responses(session: Session, scope: Scope, pollrun_id: int, filters: PollFilters = PollFilters()
                      ) -> pd.DataFrame:
    pollrun = require_pollrun(session, scope, pollrun_id)
    rows = _responses(session, scope, pollrun_id, filters, include_superseded=False)
    columns, values = _answers(session, [row.id for row in rows], pollrun.poll_id, Answer.value_to_use)
    timezone = org_timezone(session, scope)
    table = [
        {"Date": row.updated_on.astimezone(timezone).replace(tzinfo=None), "Contact": row.name or row.urn,
         "contact_id": row.contact_id, "Region": row.region, "Reporter groups": row.reporter_groups,
         **{column: values.get((row.id, column), ("--",))[0] for column in columns}}
        for row in rows
    ]
    return pd.DataFrame(table, columns=["Date", "Contact", "contact_id", "Region", "Reporter groups", *columns])


@read_model
def responses_export(session: Session, scope: Scope, pollrun_id: int, filters: PollFilters = PollFilters(),
                     language: str = "en") -> pd.DataFrame:
    """The download, its words in `language`: the file is made when a button is clicked, outside
    the page's run, where the viewer's language is not known; the page passes it."""
    pollrun = require_pollrun(session, scope, pollrun_id)
    rows = _responses(session, scope, pollrun_id, filters, include_superseded=True)
    columns, values = _answers(session, [row.id for row in rows], pollrun.poll_id, Answer.value, Answer.category)
    timezone = org_timezone(session, scope)
    # Each question's raw value, then its category: "Sheep", "Sheep (category)".
    pairs = [(column, gettext_in(language, CATEGORY_COLUMN).format(question=column)) for column in columns]
    counted, superseded = gettext_in(language, COUNTED), gettext_in(language, SUPERSEDED)
    table = []
    for row in rows:
        record = {"Date": row.updated_on.astimezone(timezone).isoformat(timespec="seconds"), "Name": row.name,
                  "URN": row.urn or "", "Region": row.region, "Reporter groups": row.reporter_groups,
                  "Counted": counted if row.is_active else superseded}
        for column, category_column in pairs:
            value, category = values.get((row.id, column), ("", ""))
            record[column], record[category_column] = value or "", category or ""
        table.append(record)
    return pd.DataFrame(table, columns=[*LEADING_COLUMNS, *(name for pair in pairs for name in pair)])
