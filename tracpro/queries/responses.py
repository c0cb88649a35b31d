"""PollRun detail, Responses tab and its download.

On the page: active partial and complete responses, newest first, each question's value to use
("--" when unanswered). In the download: the same responses plus the superseded ones, each
question's raw value ("" when unanswered), with TracPro's columns and its date format, in the
org's timezone.
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
from tracpro.polls.filters import PollFilters
from tracpro.queries.poll_base import field_filter, org_timezone
from tracpro.queries.pollrun_summary import require_pollrun
from tracpro.queries.registry import read_model
from tracpro.queries.visibility import response_counted

ANSWERED = (ResponseStatus.PARTIAL, ResponseStatus.COMPLETE)
EXPORT_DATE_FORMAT = "%b %d, %Y %H:%M"


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
        select(Response.id, Response.updated_on, Contact.id.label("contact_id"), Contact.name, Contact.urn,
               Region.name.label("region"), func.coalesce(groups.c.names, "").label("reporter_groups"))
        .join(Contact, Contact.id == Response.contact_id)
        .join(Region, Region.id == Contact.region_id)
        .outerjoin(groups, groups.c.contact_id == Contact.id)
        .where(Response.pollrun_id == pollrun_id, Response.status.in_(ANSWERED),
               response_counted(scope, include_inactive=include_superseded), field_filter(filters.contact_fields))
        .order_by(Response.updated_on.desc(), Response.id.desc())
    ).all()


def _answers(session, response_ids, poll_id, column) -> tuple[list[str], dict[tuple[int, str], str]]:
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
        select(Answer.response_id, Answer.question_id, column)
        .where(Answer.response_id.in_(response_ids), Answer.question_id.in_(list(names)))
    ).all()
    return list(names.values()), {
        (response_id, names[question_id]): value for response_id, question_id, value in values
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
         **{column: values.get((row.id, column), "--") for column in columns}}
        for row in rows
    ]
    return pd.DataFrame(table, columns=["Date", "Contact", "contact_id", "Region", "Reporter groups", *columns])


@read_model
def responses_export(session: Session, scope: Scope, pollrun_id: int, filters: PollFilters = PollFilters()
                     ) -> pd.DataFrame:
    pollrun = require_pollrun(session, scope, pollrun_id)
    rows = _responses(session, scope, pollrun_id, filters, include_superseded=True)
    columns, values = _answers(session, [row.id for row in rows], pollrun.poll_id, Answer.value)
    timezone = org_timezone(session, scope)
    table = [
        {"Date": row.updated_on.astimezone(timezone).strftime(EXPORT_DATE_FORMAT), "Name": row.name,
         "URN": row.urn or "", "Region": row.region, "Reporter groups": row.reporter_groups,
         **{column: values.get((row.id, column), "") for column in columns}}
        for row in rows
    ]
    return pd.DataFrame(table, columns=["Date", "Name", "URN", "Region", "Reporter groups", *columns])
