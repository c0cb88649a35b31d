"""The database as pages meet it: ready before any page runs, and read through one helper."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from tracpro.db import DatabaseUnavailable, ensure_ready, session_scope

T = TypeVar("T")


def require_database() -> None:
    """Stop the page with one clear sentence when the database cannot be used."""
    try:
        ensure_ready()
    except DatabaseUnavailable as error:
        st.error(f"TracPro cannot reach its database. {error}")
        st.stop()


def read(read_model: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Run a read model in a session of its own."""
    with session_scope() as session:
        return read_model(session, *args, **kwargs)

