"""The sync job cron runs: RapidPro → PostgreSQL for every active org, then pending actions back.

    python sync_job.py                 every active org, once
    python sync_job.py --org SLUG      one org (it is synced even while backing off)
    python sync_job.py --days 30       also fetch runs of active polls from 30 days back
    python sync_job.py --loop 600      again and again, every 600 seconds
    python sync_job.py --demo          set up the demo orgs on the built-in RapidPro simulator, and sync them
    python sync_job.py --export DIR    write each org's responses of yesterday to DIR as CSV and Parquet

Each run (and each round of --loop, and in between) also honours the sync requests admins
make from the settings pages ("Sync now", "Fetch older runs"), and deletes the audit events
older than TRACPRO_AUDIT_DAYS. Log lines go to standard error, as JSON with TRACPRO_LOG_FORMAT=json.

Exit status: 0 when every org synced; 1 when an org failed, partly (one of its resources) or
wholly, or is backing off after failures; 4 when items RapidPro sent could not be read (they are
kept aside and tried again each run); 3 when an org was skipped because another sync job is
syncing it; 2 when the job cannot run at all (database unreachable or lost during the sync,
unknown org). A --loop job carries on after a lost database, trying again each round.

This is where the sync job reads the wall clock (`now`); everything it calls is handed the time.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tracpro import logs
from tracpro.audit.trail import forget_older_than
from tracpro.config import load_settings
from tracpro.db import DatabaseUnavailable, ensure_ready, session_scope
from tracpro.db.connection import is_database_lost, lost_database_sentence
from tracpro.db.token_cipher import TokenKeyError
from tracpro.sync.requests import has_pending, honour_requests
from tracpro.sync.runner import OrgOutcome, OrgStatus, orgs_to_sync, sync_org
from tracpro.sync.snapshot import export_org

log = logging.getLogger("tracpro.sync")
REQUEST_POLL_SECONDS = 5.0  # how soon a --loop job notices an admin's "Sync now"


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sync_job.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--org", metavar="SLUG", help="sync only this org")
    parser.add_argument("--days", type=int, metavar="N", help="also fetch runs of active polls from N days back")
    parser.add_argument("--loop", type=float, metavar="SECONDS", help="repeat every SECONDS until interrupted")
    parser.add_argument("--demo", action="store_true", help="set up and sync the demo orgs on the built-in simulator")
    parser.add_argument("--force", action="store_true", help="sync orgs even while they back off after failures")
    parser.add_argument("--quiet", action="store_true", help="warnings and the summary only")
    parser.add_argument("--export", metavar="DIR", type=Path, help="write yesterday's responses of every org to DIR")
    parser.add_argument("--date", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="with --export: the org-local day to export (default: yesterday)")
    arguments = parser.parse_args(argv)
    if arguments.days is not None and arguments.days < 1:
        parser.error("--days must be a whole number of days, 1 or more")
    if arguments.loop is not None and arguments.loop <= 0:
        parser.error("--loop must be a number of seconds greater than 0")
    return arguments


def now() -> datetime:
    return datetime.now(UTC)


def exit_status(outcomes: list[OrgOutcome]) -> int:
    statuses = {outcome.status for outcome in outcomes}
    if statuses & {OrgStatus.FAILED, OrgStatus.PARTLY, OrgStatus.BACKING_OFF}:
        return 1
    if any(outcome.kept_aside for outcome in outcomes):
        return 4
    if OrgStatus.BUSY in statuses:
        return 3
    return 0


def _resources(names: list[str]) -> str:
    """"runs (3), contacts" for runs:<a>, runs:<b>, runs:<c>, contacts."""
    kinds = Counter(name.partition(":")[0] for name in names)
    return ", ".join(f"{kind} ({count})" if count > 1 else kind for kind, count in kinds.items())


def summarise(outcome: OrgOutcome) -> str:
    if outcome.status not in (OrgStatus.SYNCED, OrgStatus.PARTLY):
        line = f"{outcome.slug}: {outcome.status} — {outcome.message}"
    else:
        changes = ", ".join(
            f"{name} +{counts.created} ~{counts.updated} -{counts.deleted}"
            for name, counts in outcome.counts.items()
            if counts.changed
        )
        line = f"{outcome.slug}: {outcome.status} ({changes or 'nothing new'})"
        if outcome.failed:
            line += f"; failed: {outcome.message}"
    if outcome.unfinished:
        first = next(iter(outcome.unfinished.values()))
        line += f"; goes on next run: {_resources(list(outcome.unfinished))} ({first})"
    if outcome.kept_aside:
        line += (f"; {outcome.kept_aside:,} item(s) RapidPro sent could not be read "
                 "(kept aside, tried again each run)")
    return line


def honour() -> int:
    """Run the admins' pending sync requests; how many there were."""

    def run(org_id: int, days: int | None) -> tuple[bool, str, dict[str, Any]]:
        outcome = sync_org(org_id, days=days, force=True, clock=now)
        return outcome.status == OrgStatus.SYNCED, summarise(outcome), outcome.as_details()

    return honour_requests(run, now)


def export(arguments: argparse.Namespace) -> int:
    for org_id in orgs_to_sync(arguments.org):
        csv, parquet, rows = export_org(org_id, arguments.export, now(), arguments.date)
        print(f"{csv} and {parquet.name}: {rows:,} rows", flush=True)
    return 0


def wait_for_next_round(seconds: float) -> None:
    """Sleep until the next round, but run admins' requests as soon as they come (not while the
    database is away: the next round says so)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(min(REQUEST_POLL_SECONDS, max(0.0, deadline - time.monotonic())))
        try:
            if has_pending():
                honour()
        except Exception as error:
            if not is_database_lost(error):
                raise


def report(outcomes: list[OrgOutcome]) -> None:
    """Each org's outcome: a sentence on standard output, a log line with its counts (a warning
    when it did not sync)."""
    for outcome in outcomes:
        print(summarise(outcome), flush=True)
        fields = {"org": outcome.slug, "status": outcome.status.value, "outcome": outcome.message,
                  "counts": {name: counts.as_dict() for name, counts in outcome.counts.items()}}
        level = logging.INFO if outcome.status == OrgStatus.SYNCED else logging.WARNING
        log.log(level, "org=%s pass %s", outcome.slug, outcome.status.value, extra={logs.FIELDS: fields})
    if not outcomes:
        print("No active org has a RapidPro token yet: nothing to sync.", flush=True)


def forget_old_audit_events() -> None:
    """Delete the audit events older than TRACPRO_AUDIT_DAYS (once a run, and once a round of --loop)."""
    days = load_settings().audit_days
    with session_scope() as session:
        deleted = forget_older_than(session, now(), days)
    log.info("audit trail: %d events older than %d days deleted", deleted, days,
             extra={logs.FIELDS: {"deleted": deleted, "days": days}})


def run_once(arguments: argparse.Namespace, org_ids: list[int]) -> int:
    outcomes = []
    for org_id in org_ids:
        force = arguments.force or arguments.org is not None or arguments.demo
        outcomes.append(sync_org(org_id, days=arguments.days, force=force, clock=now))
    report(outcomes)
    return exit_status(outcomes)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    logs.configure(logs.configured_format(), level=logging.WARNING if arguments.quiet else logging.INFO,
                   everything=True)
    try:
        ensure_ready()
    except DatabaseUnavailable as error:
        print(f"sync_job: {error}", file=sys.stderr)
        return 2

    if arguments.export is not None:
        return export(arguments)
    demo = None
    if arguments.demo:
        from tracpro.sync.demo import DemoEnvironment

        try:
            demo = DemoEnvironment.start(now())
        except TokenKeyError as error:  # outside demo mode (TRACPRO_DEMO) the key must be given
            print(f"sync_job: {error}", file=sys.stderr)
            return 2
    try:
        while True:
            try:
                org_ids = ([org_id for slug in demo.slugs for org_id in orgs_to_sync(slug)] if demo is not None
                           else orgs_to_sync(arguments.org))
                if arguments.org is not None and not org_ids:
                    print(f"sync_job: there is no org with the slug '{arguments.org}'.", file=sys.stderr)
                    return 2
                forget_old_audit_events()
                honour()
                status = run_once(arguments, org_ids)
            except Exception as error:
                if not is_database_lost(error):
                    raise
                # Every page written so far is committed with its position: the next run (or the
                # next round) goes on from there.
                print(f"sync_job: {lost_database_sentence(error)} The sync stopped; it goes on from where it got to "
                      f"{'at the next round' if arguments.loop else 'when run again'}.", file=sys.stderr, flush=True)
                status = 2
            if arguments.loop is None:
                return status
            wait_for_next_round(arguments.loop)
    except KeyboardInterrupt:
        return 130
    finally:
        if demo is not None:
            demo.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
