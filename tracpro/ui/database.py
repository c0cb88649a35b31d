"""The database as pages meet it: ready before any page runs, and read through helpers.

`read` runs a read model that needs no scope (deployment-wide); `read_scoped` runs a
registered, scoped read model with a cache keyed by its scope (`read_scoped_live` with a
shorter one, for parts of a page that refresh themselves).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

import streamlit as st

from tracpro.auth.scope import Scope
from tracpro.db import DatabaseUnavailable, ensure_ready, session_scope
from tracpro.i18n import _, current_language
from tracpro.queries.registry import REGISTRY

T = TypeVar("T")


def require_database() -> None:
    """Stop the page with one clear sentence when the database cannot be used."""
    try:
        ensure_ready()
    except DatabaseUnavailable as error:
        st.error(_("TracPro cannot reach its database. {error}").format(error=error))
        st.stop()


def read(read_model: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Run a read model in a database session of its own."""
    with session_scope() as session:
        return read_model(session, *args, **kwargs)


def _scope_key(scope: Scope) -> tuple:
    # A canonical form: equal scopes give equal keys however their region sets were built.
    regions = None if scope.region_ids is None else tuple(sorted(scope.region_ids))
    return (scope.org_id, regions, scope.selected_region_id, scope.include_subregions)


def _run(name: str, scope: Scope, parameters: tuple[tuple[str, object], ...]) -> object:
    with session_scope() as session:
        return REGISTRY[name].function(session, scope, **dict(parameters))


# Two functions, not one decorated twice: st.cache_data keeps one store per function.
@st.cache_data(ttl=60, max_entries=2000, show_spinner=False, hash_funcs={Scope: _scope_key})
def _read_scoped(name: str, scope: Scope, parameters: tuple[tuple[str, object], ...], language: str) -> object:
    # `language` keys the cache: a read model may word a label ("Unknown") in the viewer's language.
    return _run(name, scope, parameters)


# What a page refreshes on its own (Home's recent poll dates, every 30 s) may be this old at most.
LIVE_TTL_SECONDS = 10


@st.cache_data(ttl=LIVE_TTL_SECONDS, max_entries=500, show_spinner=False, hash_funcs={Scope: _scope_key})
def _read_scoped_live(
    name: str, scope: Scope, parameters: tuple[tuple[str, object], ...], language: str
) -> object:
    return _run(name, scope, parameters)


def _registered_name(read_model: Callable) -> str:
    name = f"{read_model.__module__}.{read_model.__qualname__}"
    if REGISTRY.get(name) is None or REGISTRY[name].function is not read_model:
        raise TypeError(f"{name} is not a registered read model: decorate it with @read_model")
    return name


def read_scoped(read_model: Callable[..., T], scope: Scope, **parameters: object) -> T:
    """Run a registered read model for `scope`, cached for a minute.

    The scope is part of the cache key (st.cache_data is shared by every user of the process),
    and only registered read models may be called: those are the ones the leak test covers.
    """
    # The cache returns what the read model returned; its own type cannot say so.
    return cast(
        T, _read_scoped(_registered_name(read_model), scope, tuple(sorted(parameters.items())), current_language())
    )


def read_scoped_live(read_model: Callable[..., T], scope: Scope, **parameters: object) -> T:
    """`read_scoped` for what refreshes itself: cached for LIVE_TTL_SECONDS only, still per scope."""
    return cast(T, _read_scoped_live(
        _registered_name(read_model), scope, tuple(sorted(parameters.items())), current_language()
    ))
