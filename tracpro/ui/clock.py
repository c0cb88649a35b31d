"""The app's clock: the one place the pages and the sign-in read the wall clock.

Everything below them takes the moment (`now`) or the org's day (`today`) as a parameter, so a
test can pass its own; an AppTest that runs whole pages fixes this clock instead (time-machine).
Read models are handed the org's day, not the moment: a day is a cache key that holds all day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from tracpro.auth.scope import Scope
from tracpro.queries.poll_base import org_today
from tracpro.ui.database import read


def now() -> datetime:
    return datetime.now(UTC)


def today(scope: Scope) -> date:
    """The org's local date at this moment: what read models windowed by dates take as `today`."""
    return read(org_today, scope, now())
