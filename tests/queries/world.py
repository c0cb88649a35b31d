"""A small org with two sibling regions, for proving that read models keep to their scope.

North is the supervisor's region (with a sub-region, Gicumbi); South is its sibling under the
same parent. Both hold contacts, reporter-group members, responses and answers of every
question type, a pollrun started for their region, messages sent to them, and inbox messages.
`remove_south()` deletes everything of South's, so a read model's answer for North's
supervisor can be compared with and without it.

Everything is dated from one moment, `now` (the factories' by default), and the read models are
asked about the org's day at that moment, so the world holds on whatever day it is placed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tests import factories as f
from tracpro.db import models
from tracpro.db.models import PollRunType, QuestionType, ResponseStatus
from tracpro.sync.summaries import refresh_summaries

NUMERIC_RULES = [{"category": "1 - 5", "test": {"type": "has_number_between", "arguments": ["1", "5"]}},
                 {"category": "6+", "test": {"type": "has_number_gte", "arguments": ["6"]}}]


@dataclass
class World:
    org_id: int
    parent_id: int
    north_id: int
    gicumbi_id: int
    south_id: int
    poll_id: int
    pollrun_id: int  # universal: both regions answered it
    question_id: int  # numeric
    question_ids: dict[str, int] = field(default_factory=dict)  # by type
    contact_id: int = 0  # a North contact
    reporter_group_id: int = 0
    indicator_id: int | None = None
    region_ids: dict[str, int] = field(default_factory=dict)
    # South's own objects: a supervisor of North must not be able to open them.
    south_contact_id: int = 0
    south_pollrun_id: int = 0  # South's regional pollrun
    user_id: int = 0  # North's supervisor
    now: datetime = f.NOW  # the moment everything is dated from
    today: date = f.NOW.date()  # the org's day at that moment

    def sibling_parameters(self) -> dict[str, object]:
        """South's objects, for the parameters that name one object."""
        return {"contact_id": self.south_contact_id, "pollrun_id": self.south_pollrun_id}

    def parameters(self) -> dict[str, object]:
        """Values for read-model parameters, by name."""
        today = self.today
        return {
            "poll_id": self.poll_id,
            "pollrun_id": self.pollrun_id,
            "question_id": self.question_id,
            "contact_id": self.contact_id,
            "region_id": self.north_id,
            "region_ids": (self.north_id, self.south_id),
            "reporter_group_id": self.reporter_group_id,
            "indicator_id": self.indicator_id,
            "start": today - timedelta(days=90),
            "end": today + timedelta(days=1),
            "since": today - timedelta(days=30),
            "today": today,
            "now": self.now,
            "user_id": self.user_id,
        }


def _pollrun(poll, at: datetime, zone: ZoneInfo, **fields):
    """A pollrun at `at`, on that moment's day in the org's timezone (as the sync dates them)."""
    return f.PollRunFactory(poll=poll, conducted_on=at, conducted_date=at.astimezone(zone).date(), **fields)


def _person(org, region, name, group, pollrun, questions, values, status=ResponseStatus.COMPLETE):
    now = pollrun.conducted_on
    contact = f.ContactFactory(org=org, region=region, name=name, reporter_groups=[group], language="eng",
                               created_on=now, modified_on=now)
    response = f.ResponseFactory(org_id=org.id, pollrun=pollrun, contact=contact, status=status, created_on=now,
                                 updated_on=now)
    for question, value in zip(questions, values, strict=True):
        number = float(value) if value.replace(".", "", 1).isdigit() else None
        if question.question_type == QuestionType.NUMERIC:
            category = "6+" if number >= 6 else "1 - 5"
        elif question.question_type == QuestionType.CATEGORICAL:
            category = value
        else:
            category = None
        f.AnswerFactory(response=response, question=question, value=value, value_number=number, category=category,
                        submitted_on=now)
    f.InboxMessageFactory(contact=contact, text=f"Hello from {name}", created_on=now)
    return contact, response


def _weekly_check(org, north, south, now: datetime, zone: ZoneInfo) -> None:
    """A poll asked on three dates to five people per region: everyone answered on the first two;
    on the last, North still did and South hardly (what participation alerts are for)."""
    poll = f.PollFactory(org=org, rapidpro_name="Weekly check", is_active=True)
    people = {region.name: [f.ContactFactory(org=org, region=region, created_on=now, modified_on=now)
                            for _ in range(5)] for region in (north, south)}
    for weeks_ago in (2, 1, 0):
        pollrun = _pollrun(poll, now - timedelta(weeks=weeks_ago, days=3), zone)
        for region, contacts in people.items():
            for number, contact in enumerate(contacts):
                silent = weeks_ago == 0 and region == "South" and number > 0
                f.ResponseFactory(org_id=org.id, pollrun=pollrun, contact=contact, created_on=now, updated_on=now,
                                  status=ResponseStatus.EMPTY if silent else ResponseStatus.COMPLETE)


def build_world(db: Session, now: datetime = f.NOW, timezone: str = "Africa/Kigali") -> World:
    """The world dated from `now`, for an org in `timezone`."""
    org, zone = f.OrgFactory(name="Leak Test Org", timezone=timezone), ZoneInfo(timezone)
    parent = f.RegionFactory(org=org, name="Country")
    north = f.RegionFactory(org=org, name="North", parent=parent, boundary=f.BoundaryFactory(org=org, name="North"))
    gicumbi = f.RegionFactory(org=org, name="Gicumbi", parent=north)
    south = f.RegionFactory(org=org, name="South", parent=parent, boundary=f.BoundaryFactory(org=org, name="South"))
    teachers = f.ReporterGroupFactory(org=org, name="Teachers")
    poll = f.PollFactory(org=org, rapidpro_name="Attendance", is_active=True)
    numeric = f.QuestionFactory(poll=poll, key="count", question_type=QuestionType.NUMERIC, rules=NUMERIC_RULES,
                                categories=["1 - 5", "6+", "Other"], order=1)
    choice = f.QuestionFactory(poll=poll, key="choice", question_type=QuestionType.CATEGORICAL, order=2)
    open_ = f.QuestionFactory(poll=poll, key="comment", question_type=QuestionType.OPEN, order=3)
    visits = f.QuestionFactory(poll=poll, key="visits", question_type=QuestionType.NUMERIC, order=4)
    questions = [numeric, choice, open_, visits]
    universal = _pollrun(poll, now, zone)
    north_contact, _ = _person(
        org, north, "Nina North", teachers, universal, questions, ["3", "yes", "rain in north", "2"]
    )
    _person(
        org, gicumbi, "Gilbert Gicumbi", teachers, universal, questions, ["4", "no", "sun", "1"], ResponseStatus.PARTIAL
    )
    south_contact, _ = _person(
        org, south, "Sam South", teachers, universal, questions, ["9", "no", "south storms", "5"]
    )
    _person(
        org, south, "Sue South", teachers, universal, questions, ["7", "yes", "south wind", "6"], ResponseStatus.EMPTY
    )
    regionals = {}
    for region in (north, south):
        regional = regionals[region.name] = _pollrun(
            poll, now - timedelta(days=1), zone, region=region, pollrun_type=PollRunType.REGIONAL
        )
        member = f.ContactFactory(org=org, region=region, name=f"{region.name} member", reporter_groups=[teachers],
                                  created_on=now, modified_on=now)
        f.ResponseFactory(org_id=org.id, pollrun=regional, contact=member, created_on=now, updated_on=now)
        f.MessageFactory(
            org=org, region_id=region.id, pollrun_id=regional.id, text=f"Thanks {region.name}", recipients=[member]
        )
    _weekly_check(org, north, south, now, zone)
    # A message an admin sent to every region's participants of the universal pollrun.
    south_members = [c for c in org_contacts(db, org.id) if c.region_id == south.id]
    f.MessageFactory(
        org=org,
        region_id=None,
        pollrun_id=universal.id,
        text="Thanks everyone",
        recipients=[north_contact, *south_members],
    )
    supervisor = f.UserFactory(name="Nora Supervisor")
    admin = f.UserFactory(name="Ada Admin")
    f.OutboxActionFactory(
        org=org,
        created_by_id=supervisor.id,
        kind="start_flow",
        payload={"flow": poll.flow_uuid, "contacts": [north_contact.uuid], "pollrun_id": universal.id},
    )
    f.OutboxActionFactory(org=org, created_by_id=admin.id, kind="delete_contact",
                          payload={"contact_id": south_contact.id, "uuid": south_contact.uuid, "name": "Sam South"})
    today = now.astimezone(zone).date()
    indicator = f.BaselineTermFactory(org_id=org.id, baseline_question=numeric, follow_up_question=visits,
                                      baseline_poll_id=poll.id, follow_up_poll_id=poll.id,
                                      start_date=today - timedelta(days=62), end_date=today + timedelta(days=28))
    db.flush()
    refresh_summaries(db, org.id)  # as the sync job does after writing responses
    return World(
        org_id=org.id, parent_id=parent.id, north_id=north.id, gicumbi_id=gicumbi.id, south_id=south.id,
        poll_id=poll.id, pollrun_id=universal.id, question_id=numeric.id,
        question_ids={"numeric": numeric.id, "categorical": choice.id, "open": open_.id},
        contact_id=north_contact.id, reporter_group_id=teachers.id, indicator_id=indicator.id,
        region_ids={"Country": parent.id, "North": north.id, "Gicumbi": gicumbi.id, "South": south.id},
        south_contact_id=south_contact.id, south_pollrun_id=regionals["South"].id, user_id=supervisor.id,
        now=now, today=today,
    )


def org_contacts(db: Session, org_id: int) -> list[models.Contact]:
    db.flush()
    return list(db.scalars(select(models.Contact).where(models.Contact.org_id == org_id)))


def remove_south(db: Session, world: World) -> None:
    """Delete every row that belongs to the South region (cascades take responses and answers)."""
    south_contacts = select(models.Contact.id).where(models.Contact.region_id == world.south_id)
    db.execute(delete(models.Message).where(models.Message.region_id == world.south_id))
    db.execute(delete(models.PollRun).where(models.PollRun.region_id == world.south_id))
    db.execute(delete(models.Contact).where(models.Contact.id.in_(south_contacts)))
    refresh_summaries(db, world.org_id)  # as the sync that deleted them would
    db.expire_all()
