"""Health for monitors (`python -m tracpro check`): is this deployment doing its work?

Each check gives one line, "ok ..." or "FAIL ...", an operator can act on. The database being
reachable is checked by the caller first (nothing else can be checked without it); here, with a
connection: the schema is at the newest migration, every active org that has a RapidPro token
synced successfully within `sync_limit`, and no action has waited for RapidPro longer than
`action_limit`. Time is a parameter: the command line passes the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tracpro.db.migrate import current_revision, head_revision
from tracpro.db.models import Org, OutboxAction, OutboxStatus, SyncState
from tracpro.sync.state import ORG_RESOURCE

# Actions not yet settled with RapidPro: stored, being sent, or sent with the answer lost.
WAITING = (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.MAYBE_SENT)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    @property
    def line(self) -> str:
        return f"{'ok' if self.ok else 'FAIL'} {self.name}: {self.detail}"


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h {minutes % 60} min"


def schema_check(engine: Engine) -> Check:
    current, head = current_revision(engine), head_revision()
    if current == head:
        return Check("schema", True, f"at the newest migration ({head})")
    return Check("schema", False, f"at {current or 'nothing'}, newest is {head}: run `python -m tracpro db upgrade`")


def sync_checks(session: Session, now: datetime, limit: timedelta) -> list[Check]:
    """One line per active org with a RapidPro token: when its last successful sync ended."""
    rows = session.execute(
        select(Org.slug, SyncState.last_success_at, SyncState.last_error)
        .outerjoin(SyncState, (SyncState.org_id == Org.id) & (SyncState.resource == ORG_RESOURCE))
        .where(Org.is_active, Org.rapidpro_token_encrypted != "")
        .order_by(Org.slug)
    ).all()
    checks = []
    for slug, last_success, last_error in rows:
        name = f"sync of {slug}"
        if last_success is None:
            checks.append(Check(name, False, "never synced successfully" + (f" ({last_error})" if last_error else "")))
        elif now - last_success > limit:
            reason = f"; last error: {last_error}" if last_error else ""
            checks.append(Check(name, False, f"last success {_minutes(now - last_success)} ago, "
                                             f"over the limit of {_minutes(limit)}{reason}"))
        else:
            checks.append(Check(name, True, f"last success {_minutes(now - last_success)} ago"))
    return checks


def outbox_check(session: Session, now: datetime, limit: timedelta) -> Check:
    """Whether any action has waited for RapidPro longer than `limit` (the sync job pushes them)."""
    count, oldest = session.execute(
        select(func.count(), func.min(OutboxAction.created_at))
        .where(OutboxAction.status.in_(WAITING), OutboxAction.created_at < now - limit)
    ).one()
    if count:
        return Check("actions", False, f"{count} waiting for RapidPro longer than {_minutes(limit)}, "
                                        f"the oldest for {_minutes(now - oldest)}: is the sync job running?")
    return Check("actions", True, f"none waiting longer than {_minutes(limit)}")


def health(engine: Engine, now: datetime, *, sync_limit: timedelta, action_limit: timedelta) -> list[Check]:
    """Every check after the connection's, in the order the command prints them."""
    schema = schema_check(engine)
    if not schema.ok:  # the tables may not be there to read
        return [schema]
    with Session(engine) as session:
        return [schema, *sync_checks(session, now, sync_limit), outbox_check(session, now, action_limit)]
