"""One person's action as the outbox holds it, and the sends a person repeats by mistake.

RapidPro takes at most 100 contacts per flow start or broadcast, so one message or poll start is
stored as several actions. Those of one person's action share a request key (the payload's
"request"); actions stored before it existed fall back on their message (broadcasts) or stand
alone. The action lists group by it (tracpro.queries.outbox), and the repeat check looks at whole
requests.

A repeat is a send of the same message text, or a start of the same flow, to contacts who all
got it from one earlier request of the org that RapidPro has not refused, made within
REPEAT_WINDOW before `now` or still waiting to reach RapidPro however old it is (it would reach
them twice once RapidPro answers again). The actions asking for one take the earlier request's
key to go ahead (`repeat_of`), so a person who saw the earlier send says so, and a newer one
made meanwhile asks again. They check under a lock per org (`lock_sends`), so two clicks at once
cannot both miss each other.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast, func, or_, select, text
from sqlalchemy.orm import Session

from tracpro.auth.scope import Scope
from tracpro.db.models import Org, OutboxAction, OutboxStatus, User

# Ten minutes: a double click, a second tab, a reload or a colleague unaware of the first send all
# repeat within seconds or minutes; past ten minutes a second send is more likely meant (a
# reminder), and the first has had time to show on the Messages page. Sends still waiting for
# RapidPro count whatever their age (see the module docstring).
REPEAT_WINDOW = timedelta(minutes=10)
UNSETTLED = (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.MAYBE_SENT)
# Namespaces "sending for org N" among the database's advisory locks (tracpro.sync.state has its own).
_LOCK_NAMESPACE = 7_340_113


def request_key():
    """The SQL expression naming the request an action belongs to (see the module docstring)."""
    payload = OutboxAction.payload
    return func.coalesce(payload["request"].astext, "message:" + payload["message_id"].astext,
                         "action:" + cast(OutboxAction.id, String))


@dataclass(frozen=True)
class EarlierSend:
    """The earlier request a send would repeat."""

    request: str  # its key: what an action's `repeat_of` names to go ahead
    at: datetime  # when it was asked, in the org's timezone
    by: str | None  # who asked (their name, else their email); None when the account is gone
    contacts: int  # how many of the new recipients it reached (all of them)
    waiting: bool  # not yet accepted by RapidPro


class RepeatedSend(Exception):  # noqa: N818 — a refusal the person may overrule, not an error
    """The send repeats `earlier`; nothing was stored. Ask the person, then pass its request as `repeat_of`."""

    def __init__(self, earlier: EarlierSend) -> None:
        super().__init__(f"repeats outbox request {earlier.request}")
        self.earlier = earlier


def lock_sends(session: Session, org_id: int) -> None:
    """Hold the org's send lock until the session's transaction ends."""
    session.execute(text("SELECT pg_advisory_xact_lock(:namespace, :org)"),
                    {"namespace": _LOCK_NAMESPACE, "org": org_id})


def earlier_send(session: Session, scope: Scope, kind: str, content: str, contacts: Collection[str],
                 now: datetime) -> EarlierSend | None:
    """The newest request of the scope's org that a `kind` send of `content` (a broadcast's text,
    a flow start's flow) to `contacts` (uuids, the recipients in the scope's view) would repeat."""
    if not contacts:
        return None
    field = {"send_broadcast": "text", "start_flow": "flow"}[kind]
    key = request_key().label("request")
    rows = session.execute(
        select(key, OutboxAction.payload["contacts"], OutboxAction.status, OutboxAction.created_at,
               func.coalesce(func.nullif(User.name, ""), User.email, User.login))
        .outerjoin(User, User.id == OutboxAction.created_by_id)
        .where(OutboxAction.org_id == scope.org_id, OutboxAction.kind == kind,
               OutboxAction.payload[field].astext == content, OutboxAction.status != OutboxStatus.FAILED,
               or_(OutboxAction.created_at >= now - REPEAT_WINDOW, OutboxAction.status.in_(UNSETTLED)))
    ).all()
    requests: dict[str, tuple[set[str], datetime, str | None, bool]] = {}
    for request, uuids, status, created_at, by in rows:
        reached, at, who, waiting = requests.get(request, (set(), created_at, by, False))
        requests[request] = (reached | set(uuids or []), min(at, created_at), who, waiting or status in UNSETTLED)
    wanted = set(contacts)
    repeated = [(at, request, who, waiting) for request, (reached, at, who, waiting) in requests.items()
                if wanted <= reached]
    if not repeated:
        return None
    at, request, who, waiting = max(repeated)
    zone = ZoneInfo(session.get_one(Org, scope.org_id).timezone)
    return EarlierSend(request, at.astimezone(zone), who, len(wanted), waiting)


def check_repeat(session: Session, scope: Scope, kind: str, content: str, contacts: Collection[str],
                 now: datetime, repeat_of: str | None) -> None:
    """RepeatedSend unless the send repeats nothing, or only the request `repeat_of` (which the
    person was shown). Takes the org's send lock first: call it in the transaction that stores the send."""
    lock_sends(session, scope.org_id)
    earlier = earlier_send(session, scope, kind, content, contacts, now)
    if earlier is not None and earlier.request != repeat_of:
        raise RepeatedSend(earlier)
