"""Spoof data for indicators: made-up baseline and follow-up answers to show what an indicator
will look like. Only for orgs that allow it.

One spoofed pollrun of the baseline poll on the start date, then one of the follow-up poll per
day from the start to the end date; each chosen contact gets a complete response and a random
whole number in [minimum, maximum]. Unlike the original TracPro, bounds of 0 are validated like
any other, and the maximum can be drawn (TracPro's randrange never drew it).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tracpro.audit.trail import record
from tracpro.auth.actor import Actor
from tracpro.auth.writes import Allowed, write
from tracpro.db.models import Answer, Contact, Org, PollRun, PollRunType, Response, ResponseStatus
from tracpro.db.models.audit import AuditKind
from tracpro.db.results import rowcount
from tracpro.forms import GENERAL, REQUIRED, FormErrors
from tracpro.i18n import _
from tracpro.indicators.editing import check_dates_and_questions, org_question

MAX_DAYS = 366  # one spoofed pollrun a day: keep a typo from making thousands


@dataclass(frozen=True)
class SpoofInput:
    contact_ids: tuple[int, ...]
    start_date: date | None
    end_date: date | None
    baseline_question_id: int | None
    follow_up_question_id: int | None
    baseline_minimum: int | None
    baseline_maximum: int | None
    follow_up_minimum: int | None
    follow_up_maximum: int | None


def _validate(session: Session, org: Org, data: SpoofInput):
    errors: dict[str, list[str]] = {}
    if not org.show_spoof_data:
        raise FormErrors({GENERAL: [_("This organization does not allow spoof data.")]})
    check_dates_and_questions(errors, data.start_date, data.end_date, data.baseline_question_id,
                              data.follow_up_question_id)
    bounds = (("baseline", data.baseline_minimum, data.baseline_maximum,
               _("Baseline maximum should exceed or equal minimum.")),
              ("follow_up", data.follow_up_minimum, data.follow_up_maximum,
               _("Follow up maximum should exceed or equal minimum.")))
    for prefix, low, high, reversed_bounds in bounds:
        for field, value in ((f"{prefix}_minimum", low), (f"{prefix}_maximum", high)):
            if value is None:
                errors.setdefault(field, []).append(_(REQUIRED))
        if low is not None and high is not None and low > high:  # 0 is a bound like any other
            errors.setdefault(GENERAL, []).append(reversed_bounds)
    contacts = session.scalars(
        select(Contact).where(Contact.id.in_(data.contact_ids), Contact.org_id == org.id, Contact.is_active)
    ).all()
    if not data.contact_ids:
        errors.setdefault("contacts", []).append(_(REQUIRED))
    elif len(contacts) != len(set(data.contact_ids)):
        errors.setdefault("contacts", []).append(
            _("Select valid choices: some contacts are not active contacts of this organization."))
    if data.start_date and data.end_date and (data.end_date - data.start_date).days >= MAX_DAYS:
        errors.setdefault(GENERAL, []).append(_("Spoof data covers at most {days} days.").format(days=MAX_DAYS))
    questions = [org_question(session, org.id, data.baseline_question_id),
                 org_question(session, org.id, data.follow_up_question_id)]
    for field, question_id, question in zip(("baseline_question", "follow_up_question"),
                                            (data.baseline_question_id, data.follow_up_question_id), questions,
                                            strict=True):
        if question_id is not None and question is None:
            errors.setdefault(field, []).append(
                _("Select a valid choice. That choice is not one of the available choices."))
    if errors:
        raise FormErrors(errors)
    return contacts, questions


def _spoofed_pollrun(session, org, question, contacts, day: date, low: int, high: int, chance, now: datetime):
    moment = datetime.combine(day, now.timetz())  # the day at the current UTC time, as TracPro did
    pollrun = PollRun(org_id=org.id, poll_id=question.poll_id, pollrun_type=PollRunType.SPOOFED,
                      conducted_on=moment, conducted_date=moment.astimezone(ZoneInfo(org.timezone)).date())
    session.add(pollrun)
    session.flush()
    for contact in contacts:
        response = Response(org_id=org.id, run_uuid=str(uuid.uuid4()), pollrun_id=pollrun.id, contact_id=contact.id,
                            status=ResponseStatus.COMPLETE, created_on=moment, updated_on=moment)
        session.add(response)
        session.flush()
        value = chance.randint(low, high)
        session.add(Answer(org_id=org.id, response_id=response.id, question_id=question.id, contact_id=contact.id,
                           value=str(value), value_number=float(value), value_to_use=str(value),
                           value_to_use_number=float(value), submitted_on=moment,
                           submitted_date=pollrun.conducted_date))
    return pollrun


@write(Allowed.ADMINS)
def spoof(session: Session, actor: Actor, data: SpoofInput, now: datetime, seed: int | None = None) -> int:
    """Make the spoof data in the actor's org, each day's at `now`'s time of day; returns how many
    pollruns were made."""
    org = session.get_one(Org, actor.org_id)
    contacts, (baseline, follow_up) = _validate(session, org, data)
    # _validate refused missing dates and bounds.
    assert data.start_date is not None and data.end_date is not None
    assert data.baseline_minimum is not None and data.baseline_maximum is not None
    assert data.follow_up_minimum is not None and data.follow_up_maximum is not None
    chance = random.Random(seed)
    _spoofed_pollrun(session, org, baseline, contacts, data.start_date, data.baseline_minimum,
                     data.baseline_maximum, chance, now)
    days = (data.end_date - data.start_date).days + 1
    for offset in range(days):
        _spoofed_pollrun(session, org, follow_up, contacts, data.start_date + timedelta(days=offset),
                         data.follow_up_minimum, data.follow_up_maximum, chance, now)
    session.flush()
    record(session, AuditKind.INDICATOR_CHANGED, actor.org_id, {"action": "spoof data made", "pollruns": days + 1,
                                                                "start": data.start_date, "end": data.end_date})
    return days + 1


@write(Allowed.ADMINS)
def clear_spoof(session: Session, actor: Actor) -> int:
    """Delete every spoofed pollrun of the actor's org (their responses and answers go with them)."""
    deleted = rowcount(session.execute(
        delete(PollRun).where(PollRun.org_id == actor.org_id, PollRun.pollrun_type == PollRunType.SPOOFED)
    ))
    record(session, AuditKind.INDICATOR_CHANGED, actor.org_id, {"action": "spoof data cleared", "pollruns": deleted})
    return deleted
