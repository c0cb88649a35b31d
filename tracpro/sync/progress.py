"""What the sync job shows while it works: progress bars in a terminal, plain log lines otherwise.

Either way each resource ends with one structured log line of its counts, e.g.
`sync org=demo resource=contacts created=2000 updated=0 deleted=41 unchanged=0 malformed=0 seconds=1.8`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm

from tracpro.sync.counts import Counts

log = logging.getLogger("tracpro.sync")


class Progress:
    def __init__(self, bars: bool | None = None):
        # Bars only make sense on a terminal; cron's mail and log files get plain lines.
        self.bars = sys.stderr.isatty() if bars is None else bars

    @contextmanager
    def bar(self, org_slug: str, resource: str) -> Iterator[Callable[[int], object]]:
        """Yields `advance(items)`, called after each page (what it returns is ignored)."""
        if not self.bars:
            yield lambda items: None
            return
        with tqdm(desc=f"{org_slug} {resource}", unit=" items", leave=False, file=sys.stderr) as progress:
            yield progress.update

    def finished(self, org_slug: str, resource: str, counts: Counts | object, seconds: float) -> None:
        log.info("sync org=%s resource=%s %s seconds=%.1f", org_slug, resource, counts, seconds)
