"""A small org for the dashboard pages, dated from just before the pages' clock (which
tests/pages/conftest.py fixes at the factories' NOW), so that "Last 30 days" holds it.

Ministry of Health (Africa/Kigali): North {Gicumbi} and South under Country. An admin, and a
supervisor of North. One poll, "Attendance", with a numeric, a categorical and an open
question; two universal dates (today and a week ago) answered in North, Gicumbi and South, and
a regional date of South's own. A visible contact field "District".

Today's universal date, as North's supervisor sees it:
  Nina North (North, Teachers, Gasabo)       complete  count 3, Yes, "rain in the north"
  Gilbert Gicumbi (Gicumbi, Farmers, Rulindo) partial   count 5, No, "sun"
  Nobody Grouped (North, no reporter group)   empty
South's own contact, Sam South (South, Teachers), answered too: admins see him, North does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from tests import factories as f
from tracpro.db.models import PollRunType, QuestionType, ResponseStatus, Role
from tracpro.sync.summaries import refresh_summaries

ADMIN = "admin@example.org"
SUPERVISOR = "north@example.org"
CATEGORIES = ["Yes", "No", "Other"]


@dataclass
class Dashboard:
    org_id: int
    poll_id: int
    today_id: int  # today's universal pollrun
    week_ago_id: int
    south_pollrun_id: int  # South's regional pollrun: North's supervisor may not open it
    regions: dict[str, int] = field(default_factory=dict)
    contacts: dict[str, int] = field(default_factory=dict)
    questions: dict[str, int] = field(default_factory=dict)


def _respond(org, pollrun, contact, status, answers, when):
    response = f.ResponseFactory(org_id=org.id, pollrun=pollrun, contact=contact, status=status,
                                 created_on=when, updated_on=when)
    for question, value, category in answers:
        number = float(value) if value.isdigit() else None
        f.AnswerFactory(response=response, question=question, value=value, value_number=number,
                        category=category, submitted_on=when)
    return response


def build_dashboard(db) -> Dashboard:
    now = f.NOW - timedelta(minutes=30)
    org = f.OrgFactory(name="Ministry of Health", timezone="Africa/Kigali")
    country = f.RegionFactory(org=org, name="Country")
    north = f.RegionFactory(org=org, name="North", parent=country)
    gicumbi = f.RegionFactory(org=org, name="Gicumbi", parent=north)
    south = f.RegionFactory(org=org, name="South", parent=country)
    teachers = f.ReporterGroupFactory(org=org, name="Teachers")
    farmers = f.ReporterGroupFactory(org=org, name="Farmers")
    f.DataFieldFactory(org=org, key="district", label="district", is_visible=True)
    f.MembershipFactory(org=org, role=Role.ADMIN, user__login=ADMIN, user__name="Ada Admin")
    f.MembershipFactory(org=org, role=Role.SUPERVISOR, regions=[north], user__login=SUPERVISOR,
                        user__name="Sam Supervisor")

    poll = f.PollFactory(org=org, rapidpro_name="Attendance")
    count = f.QuestionFactory(poll=poll, key="count", rapidpro_name="How many came?",
                              question_type=QuestionType.NUMERIC, order=1)
    choice = f.QuestionFactory(poll=poll, key="choice", rapidpro_name="Was the school open?",
                               question_type=QuestionType.CATEGORICAL, categories=CATEGORIES, order=2)
    comment = f.QuestionFactory(poll=poll, key="comment", rapidpro_name="Anything else?",
                                question_type=QuestionType.OPEN, order=3)
    today = f.PollRunFactory(poll=poll, conducted_on=now, conducted_date=now.date())
    week_ago = f.PollRunFactory(poll=poll, conducted_on=now - timedelta(days=7),
                                conducted_date=(now - timedelta(days=7)).date())
    south_run = f.PollRunFactory(poll=poll, pollrun_type=PollRunType.REGIONAL, region=south,
                                 conducted_on=now - timedelta(days=1), conducted_date=(now - timedelta(days=1)).date())

    def person(name, region, groups, district, urn):
        return f.ContactFactory(org=org, name=name, region=region, reporter_groups=groups, urn=urn,
                                fields={"district": district}, language="eng")

    nina = person("Nina North", north, [teachers], "Gasabo", "tel:+250788000001")
    gilbert = person("Gilbert Gicumbi", gicumbi, [farmers], "Rulindo", "tel:+250788000002")
    nobody = person("Nobody Grouped", north, [], "Gasabo", "tel:+250788000003")
    sam = person("Sam South", south, [teachers], "Huye", "tel:+250788000004")

    answered = ResponseStatus.COMPLETE
    _respond(org, today, nina, answered, [(count, "3", None), (choice, "yes", "Yes"),
                                          (comment, "rain in the north", None)], now)
    _respond(org, today, gilbert, ResponseStatus.PARTIAL, [(count, "5", None), (choice, "no", "No"),
                                                           (comment, "sun", None)], now - timedelta(minutes=5))
    _respond(org, today, nobody, ResponseStatus.EMPTY, [], now - timedelta(minutes=10))
    _respond(org, today, sam, answered, [(count, "9", None), (choice, "no", "No"),
                                         (comment, "south storms", None)], now)
    _respond(org, week_ago, nina, answered, [(count, "2", None), (choice, "yes", "Yes")], now - timedelta(days=7))
    _respond(org, week_ago, sam, answered, [(count, "4", None), (choice, "yes", "Yes")], now - timedelta(days=7))
    _respond(org, south_run, sam, answered, [(count, "1", None)], now - timedelta(days=1))
    f.MessageFactory(org=org, pollrun_id=today.id, region_id=north.id, text="Thank you, North!", recipients=[nina])
    db.flush()
    refresh_summaries(db, org.id)  # as the sync job does after writing responses
    return Dashboard(
        org.id, poll.id, today.id, week_ago.id, south_run.id,
        regions={r.name: r.id for r in (country, north, gicumbi, south)},
        contacts={c.name: c.id for c in (nina, gilbert, nobody, sam)},
        questions={"count": count.id, "choice": choice.id, "comment": comment.id},
    )

