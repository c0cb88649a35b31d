"""An org in which every name and every text that comes from RapidPro or from a user is HOSTILE:
bold, an image from another host, an HTML image with a script, and a link, as Markdown and HTML.

The org, its administrator and a superuser; two regions (one under the other, both with a map
boundary named so too) and the RapidPro groups behind them; a reporter group; a visible contact
field and its values; a poll with two numeric questions, a categorical one (its first category so
named) and an open one, asked today and a week ago; contacts answering it; a message sent, one received,
a refused contact edit; an indicator over the poll (its y-axis titled so too); a failed sync.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tests import factories as f
from tests.pages.indicator_world import square
from tracpro.db.models import OutboxStatus, QuestionType, ResponseStatus, Role, SyncRequestStatus
from tracpro.sync.summaries import refresh_summaries

HOSTILE = "**Z** ![f](http://attacker/pf.png) <img src=x onerror=alert(1)> [link](http://attacker/phish)"
ADMIN, ROOT = "admin@example.org", "root@example.org"


@dataclass
class HostileWorld:
    org_id: int
    poll_id: int
    pollrun_id: int  # today's
    contact_id: int
    indicator_id: int


def build_hostile_world(db) -> HostileWorld:
    now = f.NOW - timedelta(minutes=30)
    org = f.OrgFactory(name=HOSTILE, slug="hostile", timezone="Africa/Kigali", show_spoof_data=True)
    admin = f.MembershipFactory(org=org, role=Role.ADMIN, user__login=ADMIN, user__name=HOSTILE).user
    f.UserFactory(login=ROOT, name=HOSTILE, is_superuser=True)
    top = f.RegionFactory(org=org, name=HOSTILE, boundary=f.BoundaryFactory(org=org, name=HOSTILE,
                                                                              geometry=square(30)))
    # Two regions of one name would share a column of the comparison's table (a limit of its own).
    below = f.RegionFactory(org=org, name=f"{HOSTILE} 2", parent=top,
                            boundary=f.BoundaryFactory(org=org, name=HOSTILE, level=2, geometry=square(30.2)))
    for region in (top, below):
        f.ContactGroupFactory(org=org, uuid=region.uuid, name=region.name)
    reporters = f.ReporterGroupFactory(org=org, name=HOSTILE)
    f.ContactGroupFactory(org=org, uuid=reporters.uuid, name=HOSTILE)
    f.DataFieldFactory(org=org, key="district", label=HOSTILE, is_visible=True)

    poll = f.PollFactory(org=org, rapidpro_name=HOSTILE)
    count = f.QuestionFactory(poll=poll, key="count", rapidpro_name=HOSTILE, question_type=QuestionType.NUMERIC,
                              order=1)
    choice = f.QuestionFactory(poll=poll, key="choice", rapidpro_name=HOSTILE, order=2,
                               question_type=QuestionType.CATEGORICAL, categories=[HOSTILE, "No"])
    comment = f.QuestionFactory(poll=poll, key="comment", rapidpro_name=HOSTILE, question_type=QuestionType.OPEN,
                                order=3)
    present = f.QuestionFactory(poll=poll, key="present", rapidpro_name=HOSTILE, order=4,
                                question_type=QuestionType.NUMERIC)
    today = f.PollRunFactory(poll=poll, conducted_on=now, conducted_date=now.date())
    week_ago = f.PollRunFactory(poll=poll, conducted_on=now - timedelta(days=7),
                                conducted_date=(now - timedelta(days=7)).date())
    people = [f.ContactFactory(org=org, name=HOSTILE, region=region, reporter_groups=[reporters],
                               fields={"district": HOSTILE}, language="eng")
              for region in (top, below, below)]
    for pollrun in (today, week_ago):
        for number, person in enumerate(people):
            when = pollrun.conducted_on - timedelta(minutes=number)
            response = f.ResponseFactory(org_id=org.id, pollrun=pollrun, contact=person, created_on=when,
                                         updated_on=when, status=ResponseStatus.COMPLETE)
            category = HOSTILE if number else "No"
            for question, value, numeric, category_ in ((count, str(number + 2), number + 2.0, None),
                                                        (choice, category, None, category),
                                                        (comment, HOSTILE, None, None),
                                                        (present, str(number + 1), number + 1.0, None)):
                f.AnswerFactory(response=response, question=question, value=value, value_number=numeric,
                                category=category_, submitted_on=when)

    f.MessageFactory(org=org, pollrun_id=today.id, region_id=top.id, text=HOSTILE, recipients=people,
                     sent_by_id=admin.id)
    f.InboxMessageFactory(contact=people[0], text=HOSTILE, created_on=now)
    f.OutboxActionFactory(org=org, kind="update_contact", created_by_id=admin.id, status=OutboxStatus.FAILED,
                          last_error=HOSTILE, payload={"contact_id": people[0].id, "uuid": people[0].uuid,
                                                       "name": HOSTILE, "change": {"name": HOSTILE}, "before": {}})
    indicator = f.BaselineTermFactory(
        org_id=org.id, name=HOSTILE, y_axis_title=HOSTILE, baseline_question=count, follow_up_question=present,
        baseline_poll_id=poll.id, follow_up_poll_id=poll.id, start_date=(now - timedelta(days=7)).date(),
        end_date=(now + timedelta(days=7)).date())
    f.SyncStateFactory(org=org, resource="org", last_error=HOSTILE, failure_count=1)
    f.SyncStateFactory(org=org, resource="contacts", last_error=HOSTILE, failure_count=1)
    f.SyncRequestFactory(org=org, requested_by_id=admin.id, status=SyncRequestStatus.FAILED, message=HOSTILE)
    db.flush()
    refresh_summaries(db, org.id)
    return HostileWorld(org.id, poll.id, today.id, people[0].id, indicator.id)
