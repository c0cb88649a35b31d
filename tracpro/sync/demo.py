"""The demo orgs: the built-in RapidPro simulator, set up the way an administrator would set it up.

`sync_job.py --demo` starts two simulated RapidPro workspaces in-process, each on a free port with
its own token: a schools programme (the "demo" org) and a smaller health programme
("demo-health"). It points an org at each, syncs the lists an admin chooses from (fields, groups,
boundaries, flows), chooses the regions with their tree and boundaries, the reporter groups and
the polls, and then the sync job syncs the orgs like any other. As their administrators would, it
also shows some contact fields (so poll pages filter by them) and, in the schools org, adds the
term's indicator: pupils enrolled at the start of term as the baseline, pupils present each week
as the follow-up. The demo accounts (tracpro.auth.demo) include a superuser who sees both orgs.

The demo data is anchored on the day the demo org was first set up (its `created_at`, written from
the job's clock), so syncing it again on a later day finds the same runs instead of moving every
date (delete the data folder for fresh dates).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracpro.audit.trail import Acting, acting
from tracpro.auth.actor import Actor
from tracpro.auth.demo import ensure_demo_superuser, ensure_demo_users
from tracpro.db.connection import session_scope
from tracpro.db.models import BaselineTerm, Org, Poll, Question, SameDayMode
from tracpro.db.token_cipher import encrypt_token
from tracpro.i18n import DEFAULT_LANGUAGE, LANGUAGES
from tracpro.indicators.editing import IndicatorInput, save_indicator
from tracpro.orgs.choices import current_settings
from tracpro.orgs.settings import OrgSettings, save_settings
from tracpro.orgs.tracking import RegionChoice, set_active_polls, track_regions, track_reporter_groups
from tracpro.rapidpro import RapidPro
from tracpro.simulator import Simulator
from tracpro.sync.boundaries import sync_boundaries
from tracpro.sync.engine import SyncContext
from tracpro.sync.fields import sync_fields
from tracpro.sync.flows import sync_flows
from tracpro.sync.groups import sync_groups
from tracpro.sync.progress import Progress

log = logging.getLogger("tracpro.sync")

DEMO_SLUG = "demo"
DEMO_SEED = 2026


@dataclass(frozen=True)
class DemoWorkspace:
    slug: str
    name: str
    tier: str  # the simulator's tier (tracpro.simulator.tiers)
    seed: int


WORKSPACES = (
    DemoWorkspace(DEMO_SLUG, "TracPro Demo · Schools", "demo", DEMO_SEED),
    DemoWorkspace("demo-health", "TracPro Demo · Health", "demo-health", DEMO_SEED + 1),
)
# The contact fields the demo's admins show: contact pages list them and poll pages filter by them.
SHOWN_FIELDS = ("age", "gender", "occupation")
TERM_INDICATOR = "Attendance this term"
TERM_WEEKS = 13


def configure_org(simulator: Simulator, now: datetime, slug: str = DEMO_SLUG, name: str | None = None) -> int:
    """Create or update the org `slug` on `simulator` at `now`, tracking what the dataset is made for."""
    workspace = simulator.dataset.workspace()
    with session_scope() as session:
        org = session.scalar(select(Org).where(Org.slug == slug))
        if org is None:
            # The demo shows every UI language (English by default); an admin may narrow it later.
            org = Org(slug=slug, language=DEFAULT_LANGUAGE, available_languages=list(LANGUAGES), created_at=now)
        org.name = name or org.name or workspace["name"]
        org.timezone = workspace.get("timezone") or "UTC"
        org.rapidpro_host, org.is_active = simulator.url, True
        org.rapidpro_token_encrypted = encrypt_token(simulator.token)
        session.add(org)
        session.flush()
        org_id, mode = org.id, org.sameday_mode

    context = _context(simulator, org_id, slug, mode, now)
    for sync_list in (sync_fields, sync_groups, sync_boundaries, sync_flows):
        sync_list(context)

    dataset, setup = simulator.dataset, Actor.setup(org_id)
    with session_scope() as session:
        acting(session, Acting(None, None, now))  # the demo's set-up: no one acts, at the demo's time
        track_regions(
            session,
            setup,
            [RegionChoice(uuid, parent, boundary) for uuid, _name, parent, boundary, _level in dataset.region_plan],
        )
        track_reporter_groups(session, setup, dataset.reporter_group_uuids)
        set_active_polls(session, setup, dataset.poll_flow_uuids)
    return org_id


def _context(simulator: Simulator, org_id: int, slug: str, mode: SameDayMode, now: datetime) -> SyncContext:
    timezone = ZoneInfo(simulator.dataset.workspace().get("timezone") or "UTC")
    return SyncContext(org_id, slug, timezone, mode, RapidPro(simulator.url, simulator.token), now, Progress())


def demo_anchor(session: Session, slug: str = DEMO_SLUG) -> datetime | None:
    """The demo data's "now": midnight UTC of the day the demo org was created, if it exists."""
    created = session.scalar(select(Org.created_at).where(Org.slug == slug))
    return _midnight(created) if created else None


def _midnight(moment: datetime) -> datetime:
    return datetime.combine(moment.astimezone(UTC).date(), time(), UTC)


@dataclass
class DemoEnvironment:
    slugs: list[str]
    simulators: list[Simulator]

    @classmethod
    def start(cls, now: datetime) -> DemoEnvironment:
        """The simulators, serving, and the demo orgs set up on them; a new org's data is anchored on `now`'s day."""
        environment = cls([], [])
        try:
            for workspace in WORKSPACES:
                with session_scope() as session:
                    anchor = demo_anchor(session, workspace.slug) or _midnight(now)
                simulator = Simulator(tier=workspace.tier, seed=workspace.seed, token=secrets.token_hex(20),
                                      anchor=anchor)
                simulator.start()
                environment.slugs.append(workspace.slug)
                environment.simulators.append(simulator)
                log.info("demo RapidPro simulator of %s serving at %s", workspace.slug, simulator.url)
                org_id = configure_org(simulator, now, workspace.slug, name=workspace.name)
                present(simulator, org_id, workspace.slug, now)
                if workspace.slug == DEMO_SLUG:
                    _announce_demo_users(org_id)
        except BaseException:
            environment.stop()
            raise
        with session_scope() as session:
            print(f"Demo login: {ensure_demo_superuser(session)}", flush=True)
        return environment

    def stop(self) -> None:
        for simulator in self.simulators:
            simulator.stop()


def present(simulator: Simulator, org_id: int, slug: str, now: datetime) -> None:
    """What the org's administrators would set up to show it at its best, through their own writes:
    the contact fields shown, and the term's indicator where the polls make one (its questions come
    with the polls' flows, synced again now that the polls are chosen, as the sync job would)."""
    admin = Actor.setup(org_id)
    with session_scope() as session:
        mode = session.get_one(Org, org_id).sameday_mode
    sync_flows(_context(simulator, org_id, slug, mode, now))
    with session_scope() as session:
        acting(session, Acting(None, None, now))
        current = current_settings(session, org_id)
        if not any(field.is_visible for field in current.fields):  # fields an admin chose stay chosen
            shown = tuple(field.key for field in current.fields if field.key in SHOWN_FIELDS)
            save_settings(session, admin, OrgSettings(
                current.name, current.timezone, current.language, current.available_languages,
                current.rapidpro_host, None, current.sameday_mode.value, current.show_spoof_data, shown))
        _term_indicator(session, admin, simulator, org_id)


def _term_indicator(session: Session, admin: Actor, simulator: Simulator, org_id: int) -> None:
    """Pupils enrolled at the start of term against pupils present each week, over the term."""
    questions = {key: (question_id, flow_uuid) for key, question_id, flow_uuid in session.execute(
        select(Question.key, Question.id, Poll.flow_uuid).join(Poll, Poll.id == Question.poll_id)
        .where(Poll.org_id == org_id, Poll.is_active, Question.key.in_(("pupils_enrolled", "pupils_present")))
    ).all()}
    if len(questions) < 2 or session.scalar(select(BaselineTerm.id).where(BaselineTerm.org_id == org_id)):
        return  # no school polls, or an indicator the admins may have changed already
    baseline, baseline_flow = questions["pupils_enrolled"]
    follow_up, _flow = questions["pupils_present"]
    timezone = ZoneInfo(session.get_one(Org, org_id).timezone)
    start = min(simulator.dataset.send_times(baseline_flow)).astimezone(timezone).date()
    save_indicator(session, admin, IndicatorInput(TERM_INDICATOR, start, start + timedelta(weeks=TERM_WEEKS, days=-1),
                                                  baseline, follow_up, "Pupils"))


def _announce_demo_users(org_id: int) -> None:
    """Create (or reset) the demo logins of the schools org and print them."""
    with session_scope() as session:
        logins = ensure_demo_users(session, org_id)
    for login in logins:
        print(f"Demo login: {login}", flush=True)
