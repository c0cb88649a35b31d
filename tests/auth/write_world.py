"""Two orgs and the people who act in them, for proving that every write keeps to its actor.

Org A is the read models' leak-test world (tests/queries/world.py: North with its sub-region
Gicumbi, its sibling South) with what writes need on top: the RapidPro groups its regions and
reporter groups come from, an untracked group, a spoofed pollrun, its people (an administrator,
North's supervisor, South's supervisor, locked out) and a superuser. Org B is another org with an
administrator of its own.

South's regional poll date also holds a response of a contact who has since moved to North: a
supervisor of North must not reach them through a poll date they may not open.

`Targets` are the objects a write is asked to change, by name; `targets("North")` and
`targets("South")` are North's and South's (the same for the org-wide ones).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories as f
from tests.queries.world import World, build_world
from tracpro.auth.actor import Actor
from tracpro.auth.scope import Scope
from tracpro.db import models
from tracpro.db.models import PollRunType, ResponseStatus, Role

PASSWORD = f.PASSWORD


@dataclass(frozen=True)
class Targets:
    """What a write is asked to change: one region's objects and the org's."""

    org_id: int
    region_id: int
    contact_id: int
    pollrun_id: int  # one with contacts in the region who have not answered
    region_group_uuid: str  # the RapidPro group the region comes from
    poll_id: int
    flow_uuid: str
    question_ids: tuple[int, int]  # two numeric questions
    indicator_id: int
    reporter_group_id: int
    untracked_group_uuid: str
    member_id: int  # a supervisor of the org, for the writes about people
    member_email: str
    active_region_ids: tuple[int, ...]
    start: date
    end: date


@dataclass(frozen=True)
class WriteWorld:
    org: World  # org A
    other_org_id: int  # org B
    admin_id: int
    supervisor_id: int  # North's supervisor
    superuser_id: int
    other_admin_id: int  # org B's administrator
    north: Targets
    south: Targets

    def targets(self, region: str) -> Targets:
        return {"North": self.north, "South": self.south}[region]

    @property
    def admin(self) -> Actor:
        return Actor(self.admin_id, role=Role.ADMIN, scope=Scope(self.org.org_id, None))

    @property
    def supervisor(self) -> Actor:
        """North's supervisor, with North (and so Gicumbi) in view."""
        scope = Scope(self.org.org_id, frozenset({self.org.north_id, self.org.gicumbi_id}), self.org.north_id)
        return Actor(self.supervisor_id, role=Role.SUPERVISOR, scope=scope)

    @property
    def superuser(self) -> Actor:
        return Actor(self.superuser_id, is_superuser=True, role=Role.ADMIN, scope=Scope(self.org.org_id, None))

    @property
    def other_admin(self) -> Actor:
        """Org B's administrator, acting in org B."""
        return Actor(self.other_admin_id, role=Role.ADMIN, scope=Scope(self.other_org_id, None))


def build_write_world(db: Session) -> WriteWorld:
    world = build_world(db)
    org = db.get_one(models.Org, world.org_id)
    org.show_spoof_data = True
    regions = {name: db.get_one(models.Region, region_id) for name, region_id in world.region_ids.items()}
    teachers = db.get_one(models.ReporterGroup, world.reporter_group_id)
    for tracked in (*regions.values(), teachers):
        f.ContactGroupFactory(org=org, uuid=tracked.uuid, name=tracked.name)
    untracked = f.ContactGroupFactory(org=org, name="Nurses")

    # Moved from South to North after answering nothing on South's regional poll date.
    moved = f.ContactFactory(org=org, region=regions["North"], name="Moe Moved", reporter_groups=[teachers])
    souths = db.get_one(models.PollRun, world.south_pollrun_id)
    f.ResponseFactory(org_id=org.id, pollrun=souths, contact=moved, status=ResponseStatus.EMPTY)
    north_regional = db.scalars(select(models.PollRun).where(
        models.PollRun.region_id == world.north_id, models.PollRun.pollrun_type == PollRunType.REGIONAL)).one()
    north_member = f.ContactFactory(org=org, region=regions["North"], name="Nat North", reporter_groups=[teachers])
    f.ResponseFactory(org_id=org.id, pollrun=north_regional, contact=north_member, status=ResponseStatus.PARTIAL)
    f.PollRunFactory(poll=db.get_one(models.Poll, world.poll_id), pollrun_type=PollRunType.SPOOFED)

    admin = f.MembershipFactory(org=org, role=Role.ADMIN).user
    supervisor = db.get_one(models.User, world.user_id)
    f.MembershipFactory(org=org, user=supervisor, role=Role.SUPERVISOR, regions=[regions["North"]])
    south_supervisor = f.MembershipFactory(org=org, role=Role.SUPERVISOR, regions=[regions["South"]]).user
    south_supervisor.failed_login_count, south_supervisor.locked_until = 5, world.now + timedelta(minutes=15)
    superuser = f.UserFactory(is_superuser=True)
    other_org = f.OrgFactory(name="Other Org")
    f.RegionFactory(org=other_org, name="Elsewhere")
    other_admin = f.MembershipFactory(org=other_org, role=Role.ADMIN).user
    db.flush()

    question_ids = (world.question_id, db.scalars(select(models.Question.id).where(
        models.Question.poll_id == world.poll_id, models.Question.key == "visits")).one())
    poll = db.get_one(models.Poll, world.poll_id)
    north = Targets(
        org_id=world.org_id,
        region_id=world.north_id, contact_id=world.contact_id, pollrun_id=north_regional.id,
        region_group_uuid=regions["North"].uuid, poll_id=world.poll_id, flow_uuid=poll.flow_uuid,
        question_ids=question_ids, indicator_id=world.indicator_id or 0, reporter_group_id=teachers.id,
        untracked_group_uuid=untracked.uuid, member_id=south_supervisor.id, member_email=south_supervisor.login,
        active_region_ids=tuple(sorted(world.region_ids.values())),
        start=world.today - timedelta(days=3), end=world.today,
    )
    south = replace(north, region_id=world.south_id, contact_id=world.south_contact_id,
                    pollrun_id=world.south_pollrun_id, region_group_uuid=regions["South"].uuid)
    return WriteWorld(world, other_org.id, admin.id, supervisor.id, superuser.id, other_admin.id, north, south)
