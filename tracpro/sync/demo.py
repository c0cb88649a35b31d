"""The demo org: the built-in RapidPro simulator, set up the way an administrator would set it up.

`sync_job.py --demo` starts the simulator in-process on a free port, points the "demo" org at
it, syncs the lists an admin chooses from (fields, groups, boundaries, flows), chooses the
regions with their tree and boundaries, the reporter groups and the polls, and then the sync
job syncs the org like any other.

The demo data is anchored on the day the demo org was first set up (its `created_at`, written from
the job's clock), so syncing it again on a later day finds the same runs instead of moving every
date (delete the data folder for fresh dates).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracpro.auth.demo import ensure_demo_users
from tracpro.db.connection import session_scope
from tracpro.db.models import Org
from tracpro.db.token_cipher import encrypt_token
from tracpro.i18n import DEFAULT_LANGUAGE, LANGUAGES
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

    context = SyncContext(org_id, slug, ZoneInfo(workspace.get("timezone") or "UTC"), mode,
                          RapidPro(simulator.url, simulator.token), now, Progress())
    for sync_list in (sync_fields, sync_groups, sync_boundaries, sync_flows):
        sync_list(context)

    dataset = simulator.dataset
    with session_scope() as session:
        track_regions(
            session,
            org_id,
            [RegionChoice(uuid, parent, boundary) for uuid, _name, parent, boundary, _level in dataset.region_plan],
        )
        track_reporter_groups(session, org_id, dataset.reporter_group_uuids)
        set_active_polls(session, org_id, dataset.poll_flow_uuids)
    return org_id


def demo_anchor(session: Session, slug: str = DEMO_SLUG) -> datetime | None:
    """The demo data's "now": midnight UTC of the day the demo org was created, if it exists."""
    created = session.scalar(select(Org.created_at).where(Org.slug == slug))
    return _midnight(created) if created else None


def _midnight(moment: datetime) -> datetime:
    return datetime.combine(moment.astimezone(UTC).date(), time(), UTC)


@dataclass
class DemoEnvironment:
    slug: str
    simulator: Simulator

    @classmethod
    def start(cls, now: datetime, slug: str = DEMO_SLUG) -> DemoEnvironment:
        """The simulator, serving, and the demo org set up on it; a new org's data is anchored on `now`'s day."""
        with session_scope() as session:
            anchor = demo_anchor(session, slug) or _midnight(now)
        simulator = Simulator(tier="demo", seed=DEMO_SEED, token=secrets.token_hex(20), anchor=anchor)
        simulator.start()
        log.info("demo RapidPro simulator serving at %s", simulator.url)
        org_id = configure_org(simulator, now, slug, name="TracPro Demo")
        _announce_demo_users(org_id)
        return cls(slug, simulator)

    def stop(self) -> None:
        self.simulator.stop()


def _announce_demo_users(org_id: int) -> None:
    """Create (or reset) the demo logins and print them."""
    with session_scope() as session:
        logins = ensure_demo_users(session, org_id)
    for login in logins:
        print(f"Demo login: {login}", flush=True)
