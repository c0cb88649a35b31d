"""sync_job.py's command line: options, exit codes, and what it shows while it works."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tracpro.sync.counts import Counts
from tracpro.sync.progress import Progress


def _run(*arguments: str, database_url: str) -> subprocess.CompletedProcess:
    environment = {**{k: v for k, v in os.environ.items() if "DATABASE_URL" not in k}, "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "sync_job.py", *arguments], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.end_to_end
@pytest.mark.parametrize(
    "arguments, message",
    [(["--days", "0"], "--days must be a whole number of days, 1 or more"),
     (["--days", "x"], "invalid int value"),
     (["--loop", "0"], "--loop must be a number of seconds greater than 0")],
)
def test_bad_options_are_refused_with_a_sentence(arguments, message, database_url):
    result = _run(*arguments, database_url=database_url)
    assert result.returncode == 2
    assert message in result.stderr


@pytest.mark.end_to_end
def test_an_unknown_org_is_exit_code_2(fresh_database):
    result = _run("--org", "nowhere", database_url=fresh_database)
    assert result.returncode == 2
    assert result.stderr.strip() == "sync_job: there is no org with the slug 'nowhere'."


@pytest.mark.end_to_end
def test_with_no_org_set_up_there_is_nothing_to_do(fresh_database):
    result = _run(database_url=fresh_database)
    assert (result.returncode, result.stdout.strip()) == (0, "No active org has a RapidPro token yet: nothing to sync.")


def test_progress_bars_on_a_terminal_and_a_log_line_per_resource_always(caplog, capsys):
    progress = Progress(bars=True)
    with progress.bar("demo", "contacts") as advance:
        advance(250)
        advance(250)
    assert "demo contacts" in capsys.readouterr().err  # the bar, drawn on stderr
    with caplog.at_level(logging.INFO, logger="tracpro.sync"):
        progress.finished("demo", "contacts", Counts(created=500), 1.25)
    assert caplog.messages == [
        "sync org=demo resource=contacts created=500 updated=0 deleted=0 unchanged=0 malformed=0 seconds=1.2"
    ]
    with Progress(bars=False).bar("demo", "runs") as advance:
        advance(10)
    assert capsys.readouterr().err == ""


def test_exit_status_and_summary_say_what_happened_to_each_org():
    import sync_job
    from tracpro.sync.runner import OrgOutcome, OrgStatus

    synced = OrgOutcome("demo", OrgStatus.SYNCED, counts={"contacts": Counts(created=2)})
    assert (sync_job.exit_status([synced]), sync_job.summarise(synced)) == (0, "demo: synced (contacts +2 ~0 -0)")

    kept = OrgOutcome("demo", OrgStatus.SYNCED, kept_aside=12)
    assert sync_job.exit_status([kept]) == 4
    assert sync_job.summarise(kept) == ("demo: synced (nothing new); 12 item(s) RapidPro sent could not be read "
                                        "(kept aside, tried again each run)")
    busy = OrgOutcome("other", OrgStatus.BUSY, "another sync job is syncing this org")
    assert sync_job.exit_status([kept, busy]) == 4

    throttled = OrgOutcome("demo", OrgStatus.SYNCED, unfinished={"runs:a": "the limit", "runs:b": "the limit",
                                                               "contacts": "the limit"})
    assert sync_job.exit_status([throttled]) == 0
    assert sync_job.summarise(throttled) == (
        "demo: synced (nothing new); goes on next run: runs (2), contacts (the limit)")

    partly = OrgOutcome("demo", OrgStatus.PARTLY, "boundaries: RapidPro has no such object (HTTP 404).",
                        failed={"boundaries": "RapidPro has no such object (HTTP 404)."})
    assert sync_job.exit_status([partly, kept, busy]) == 1
    assert sync_job.summarise(partly) == (
        "demo: partly synced (nothing new); failed: boundaries: RapidPro has no such object (HTTP 404).")
