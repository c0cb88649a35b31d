"""The database as pages meet it: ready before any page runs, read through helpers, and its loss
said in one sentence until it is back.

`read` runs a read model that needs no scope (deployment-wide); `read_scoped` runs a
registered, scoped read model with a cache keyed by its scope (`read_scoped_live` with a
shorter one, for parts of a page that refresh themselves, which `self_refreshing` draws).

A database stopped under the running app fails whatever asks it next: the sign-in, a read
model, a write. app.py runs each rerun inside `database_outage_shown`, which turns that into
one sentence and a part of the page that asks again every RETRY_SECONDS and reruns the whole
app once the database answers, so nobody needs to reload the page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

import streamlit as st

from tracpro.auth.scope import Scope
from tracpro.db import answers, ensure_ready, logged_if_lost, session_scope
from tracpro.i18n import N_, _, current_language
from tracpro.queries.registry import REGISTRY

T = TypeVar("T")

RETRY_SECONDS = 10
UNREACHABLE = N_(
    "The database is unreachable; TracPro tries again every {seconds} seconds, and this page comes back by "
    "itself once it answers."
)
RETRY_KEY = "tracpro_database_retry"


def require_database() -> None:
    """Bring the schema to head on the process's first rerun; DatabaseUnavailable when the database
    cannot be used (database_outage_shown, around app.py's rerun, says so)."""
    ensure_ready()


@contextmanager
def database_outage_shown() -> Iterator[None]:
    """Around a whole rerun: the database out of reach, whatever asked it, ends the page with
    UNREACHABLE and the retry instead of the error. Any other error goes on as it was."""
    try:
        yield
    except Exception as error:
        if not logged_if_lost(error):
            raise
        st.error(_(UNREACHABLE).format(seconds=RETRY_SECONDS), icon=":material/cloud_off:")
        _retry()


@st.fragment(run_every=RETRY_SECONDS)
def _retry() -> None:
    # A click reruns this part only, which asks at once rather than at the next tick.
    st.button(_("Try again now"), key=RETRY_KEY, icon=":material/refresh:")
    if answers():
        st.rerun(scope="app")


def self_refreshing(run_every: float | str | None) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """`st.fragment(run_every=...)` for a part of a page that redraws itself. Such a part's own reruns
    skip app.py, and database_outage_shown with it: when the database is out of reach during one,
    the whole app reruns, and says so."""

    def decorate(draw: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(draw)
        def guarded(*args: Any, **kwargs: Any) -> None:
            try:
                draw(*args, **kwargs)
            except Exception as error:
                if not logged_if_lost(error):
                    raise
                st.rerun(scope="app")

        return st.fragment(guarded, run_every=run_every)

    return decorate


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


def read_scoped_now(read_model: Callable[..., T], scope: Scope, **parameters: object) -> T:
    """`read_scoped` uncached: for what must include what was done a moment ago (the audit trail,
    read by an administrator who just made a change), and is read seldom."""
    return cast(T, _run(_registered_name(read_model), scope, tuple(sorted(parameters.items()))))


def read_scoped_live(read_model: Callable[..., T], scope: Scope, **parameters: object) -> T:
    """`read_scoped` for what refreshes itself: cached for LIVE_TTL_SECONDS only, still per scope."""
    return cast(T, _read_scoped_live(
        _registered_name(read_model), scope, tuple(sorted(parameters.items())), current_language()
    ))
