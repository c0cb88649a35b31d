"""sync_job.py with its clock set: ``python -m tests.sync.clocked_job 2026-03-02T09:10:00+00:00 --org demo``.

The sync job reads the wall clock (sync_job.now). A test that runs many cron runs of a day within
minutes starts each one at its instant on the test's timeline (RapidPro's clock, the simulator's),
from which the job's clock ticks on at the normal rate. Only the wall clock moves: timeouts and
waits (time.monotonic, time.sleep) stay real.
"""

from __future__ import annotations

import sys
from datetime import datetime

import time_machine

import sync_job


def main(argv: list[str]) -> int:
    at = datetime.fromisoformat(argv[0])
    with time_machine.travel(at, tick=True):
        return sync_job.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
