"""Sessions in which the signed-in viewer changes data: the audit trail records them as theirs.

Pages open the session for a change with `acting_session()` instead of tracpro.db.session_scope:
it declares the viewer and the app clock's moment on it (tracpro.audit.trail.acting), so every
event the change records names who made it and when, and is written in its transaction.
Downloads change nothing but are recorded too (`record_download`), when the file is made.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy.orm import Session

from tracpro.audit.trail import Acting, acting, record
from tracpro.auth.logins import SignedInUser
from tracpro.auth.scope import Scope
from tracpro.db import session_scope
from tracpro.db.models import AuditKind
from tracpro.ui.clock import now
from tracpro.ui.context import require_signed_in


def viewer_acting() -> Acting:
    """The signed-in viewer, acting now (the page stops for anyone not signed in)."""
    user = require_signed_in(allow_forced_change=True).user
    return Acting(user.id, user.login, now())


@contextmanager
def acting_session() -> Iterator[Session]:
    """tracpro.db.session_scope (committed when the block succeeds, rolled back when it raises),
    with the viewer declared as the one acting through it."""
    who = viewer_acting()
    with session_scope() as session:
        yield acting(session, who)


def record_download(user: SignedInUser, scope: Scope, details: Mapping[str, object]) -> None:
    """`user` downloaded a file of the scope's data now (called when the file is made, which is
    outside the page's run: the caller took `user` from the run that drew the button)."""
    with session_scope() as session:
        record(session, AuditKind.EXPORT_DOWNLOADED, scope.org_id, details, region_id=scope.selected_region_id,
               by=Acting(user.id, user.login, now()))
