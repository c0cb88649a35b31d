"""The database layer: engine and sessions, migrations, models."""

from tracpro.db.connection import DatabaseUnavailable, answers, get_engine, logged_if_lost, new_session, session_scope
from tracpro.db.migrate import ensure_ready

__all__ = [
    "DatabaseUnavailable",
    "answers",
    "ensure_ready",
    "get_engine",
    "logged_if_lost",
    "new_session",
    "session_scope",
]
