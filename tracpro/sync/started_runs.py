"""Runs of a flow start TracPro made, read before TracPro knew the start was made.

A run joins the pollrun of its flow start when TracPro recorded that start (tracpro.outbox: when
RapidPro's answer to the start came back), else its poll's universal pollrun of the day. When the
answer was lost, or the push cut off, the start is recorded only once a later push finds it in
RapidPro, and a sync in between has stored its first runs in the universal pollrun: they would
stay there, since a run is read again only when it changes.

So while a poll's flow has a start of TracPro's whose outcome is unknown, a run whose start TracPro
does not know keeps that start's uuid (responses.start_uuid). Each runs pass first moves the runs
whose start has been recorded since to the start's pollrun (and drops the day's universal pollrun
if that leaves it empty), then forgets the start of the rest once no start of their flow is
unknown any more: those came from starts made in RapidPro itself.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

_UNRESOLVED = """
    SELECT 1 FROM outbox_actions a
    WHERE a.org_id = :org AND a.kind = 'start_flow' AND a.status NOT IN ('done', 'failed')
      AND a.payload->>'flow' = {flow}
"""

_AWAITED = text(f"SELECT EXISTS ({_UNRESOLVED.format(flow='(SELECT flow_uuid FROM polls WHERE id = :poll)')})")

_MOVE = text("""
WITH found AS (
    SELECT r.id, r.pollrun_id AS left_pollrun, s.pollrun_id AS start_pollrun, r.contact_id
    FROM responses r JOIN flow_starts s ON s.org_id = r.org_id AND s.uuid = r.start_uuid
    WHERE r.org_id = :org AND r.start_uuid IS NOT NULL
), moved AS (
    UPDATE responses r SET pollrun_id = found.start_pollrun, start_uuid = NULL, updated_at = now()
    FROM found WHERE r.id = found.id
    RETURNING found.left_pollrun, found.start_pollrun, found.contact_id
)
SELECT left_pollrun, start_pollrun, contact_id FROM moved
""")

_DROP_EMPTY = text("""
DELETE FROM pollruns p
WHERE p.id = ANY(:left) AND p.pollrun_type = 'universal'
  AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.pollrun_id = p.id)
""")

# A universal pollrun's conducted_on is its earliest run: the runs that left may have been that.
_EARLIEST = text("""
UPDATE pollruns p SET conducted_on = earliest.created_on
FROM (SELECT pollrun_id, min(created_on) AS created_on FROM responses WHERE pollrun_id = ANY(:left)
      GROUP BY pollrun_id) AS earliest
WHERE p.id = earliest.pollrun_id AND p.pollrun_type = 'universal' AND p.conducted_on <> earliest.created_on
""")

_FORGET = text(f"""
UPDATE responses r SET start_uuid = NULL
FROM pollruns pr JOIN polls p ON p.id = pr.poll_id
WHERE r.org_id = :org AND r.start_uuid IS NOT NULL AND pr.id = r.pollrun_id
  AND NOT EXISTS ({_UNRESOLVED.format(flow='p.flow_uuid')})
""")


def starts_to_keep(session: Session, org_id: int, poll_id: int, runs: list[Any], known: set[str]) -> dict[str, str]:
    """The start uuid to keep with each of `runs` (by run uuid) whose start is not one of `known`,
    while the poll's flow has a start of TracPro's whose outcome is unknown; none otherwise."""
    unknown = {run.uuid: run.start.uuid for run in runs if run.start and run.start.uuid and run.start.uuid not in known}
    if not unknown or not session.scalar(_AWAITED, {"org": org_id, "poll": poll_id}):
        return {}
    return unknown


def move_to_their_starts(session: Session, org_id: int) -> set[tuple[int, int]]:
    """Move the runs whose start TracPro has recorded since to its pollrun; the (pollrun, contact)
    pairs whose responses changed, to supersede again."""
    moved = session.execute(_MOVE, {"org": org_id}).all()
    if moved:
        left = sorted({row.left_pollrun for row in moved})
        session.execute(_DROP_EMPTY, {"left": left})
        session.execute(_EARLIEST, {"left": left})
    session.execute(_FORGET, {"org": org_id})
    return {(row.left_pollrun, row.contact_id) for row in moved} | {(row.start_pollrun, row.contact_id)
                                                                      for row in moved}
