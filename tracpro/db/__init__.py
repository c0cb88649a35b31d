"""The database layer: engine and sessions, migrations, models."""

from tracpro.db.connection import DatabaseUnavailable, get_engine, new_session, session_scope
from tracpro.db.migrate import ensure_ready

__all__ = ["DatabaseUnavailable", "ensure_ready", "get_engine", "new_session", "session_scope"]
