"""Every read model of org data registers here, and so joins the leak test by construction.

A read model is a function `(session, scope, **parameters)`. The leak test
(tests/queries/test_scope_leaks.py) calls each registered one as a supervisor of one region,
with and without a sibling region's data, and requires identical answers. Parameters are
filled by name (poll_id, pollrun_id, question_id, contact_id, ...); a read model with a
parameter the test does not know makes the test fail until it is taught that name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

F = TypeVar("F", bound=Callable)


@dataclass(frozen=True)
class ReadModel:
    name: str
    function: Callable
    # True for read models whose answer never depends on regions (e.g. the org's poll names):
    # the leak test then skips its check that an admin does see the sibling region's data.
    region_independent: bool = False


REGISTRY: dict[str, ReadModel] = {}


def read_model(function: F | None = None, *, region_independent: bool = False):
    """Register a read model: `@read_model` or `@read_model(region_independent=True)`."""

    def register(function: F) -> F:
        name = f"{function.__module__}.{function.__qualname__}"
        REGISTRY[name] = ReadModel(name, function, region_independent)
        return function

    return register(function) if function is not None else register
