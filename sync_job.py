"""The sync job cron runs: RapidPro → PostgreSQL, then pending actions back to RapidPro.

    python sync_job.py

It first brings the database schema to head, as the app does.
"""

from __future__ import annotations

import sys

from tracpro.db import DatabaseUnavailable, ensure_ready


def main(argv: list[str] | None = None) -> int:
    try:
        ensure_ready()
    except DatabaseUnavailable as error:
        print(f"sync_job: {error}", file=sys.stderr)
        return 2
    print("sync_job: the database is ready.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
