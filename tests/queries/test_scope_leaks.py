"""No read model leaks another region's rows.

For every registered read model: a supervisor of North must get exactly the same answer
whether or not the sibling region South has any data; and, so the check cannot pass by
looking at nothing, an admin seeing all regions must get a different answer once South's
data is gone (unless the read model says it never depends on regions).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import pkgutil
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import tracpro.queries
from tests.queries.world import World, build_world, remove_south
from tracpro.auth.scope import NotFound, Scope
from tracpro.db.models import Contact
from tracpro.queries.registry import REGISTRY, ReadModel, read_model
from tracpro.queries.scope import in_scope

# Importing every module of tracpro.queries fills the registry: a new read model joins by existing.
for module in pkgutil.walk_packages(tracpro.queries.__path__, prefix="tracpro.queries."):
    importlib.import_module(module.name)


def serialise(result: Any) -> str:
    """A read model's answer as comparable text, whatever its type."""

    def plain(value: Any) -> Any:
        if isinstance(value, pd.DataFrame):
            return value.to_json(orient="split", date_format="iso", default_handler=str)
        if isinstance(value, pd.Series):
            return value.to_json(date_format="iso", default_handler=str)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {field.name: plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
        if isinstance(value, dict):
            return {str(key): plain(item) for key, item in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            items = [plain(item) for item in value]
            return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
        return value

    return json.dumps(plain(result), sort_keys=True, default=str)


def arguments(model: ReadModel, world: World) -> dict[str, Any]:
    parameters = {}
    known = world.parameters()
    for name, parameter in list(inspect.signature(model.function).parameters.items())[2:]:
        if name in known:
            parameters[name] = known[name]
        elif parameter.default is inspect.Parameter.empty:
            pytest.fail(f"{model.name} takes `{name}`: teach World.parameters() a value for it")
    return parameters


def call(db: Session, model: ReadModel, scope: Scope, world: World, **overrides: Any) -> str:
    return serialise(model.function(db, scope, **{**arguments(model, world), **overrides}))


def leaks(db: Session, model: ReadModel, world: World) -> list[str]:
    """What is wrong with `model`'s scoping; empty when it keeps to its scope."""
    supervisor = Scope(world.org_id, frozenset({world.north_id, world.gicumbi_id}), world.north_id, True)
    admin = Scope(world.org_id, None)
    nested = db.begin_nested()
    seen_by_supervisor, seen_by_admin = call(db, model, supervisor, world), call(db, model, admin, world)
    remove_south(db, world)
    without_south = call(db, model, supervisor, world), call(db, model, admin, world)
    nested.rollback()
    db.expire_all()
    problems = []
    if seen_by_supervisor != without_south[0]:
        problems.append("North's supervisor sees something of South")
    # A read model of one object (a contact, a pollrun) is asked for South's own object instead:
    # North's supervisor must be refused it, and an admin must get it.
    south_objects = {name: value for name, value in world.sibling_parameters().items()
                     if name in arguments(model, world)}
    if south_objects:
        try:
            call(db, model, supervisor, world, **south_objects)
            problems.append("North's supervisor can open South's own object")
        except NotFound:
            pass
        call(db, model, admin, world, **south_objects)
    elif not model.region_independent and seen_by_admin == without_south[1]:
        problems.append("South's data does not reach the read model at all, so the check proves nothing")
    return problems


@pytest.fixture
def world(db) -> World:
    return build_world(db)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_no_read_model_leaks_a_sibling_regions_rows(db, world, name):
    assert leaks(db, REGISTRY[name], world) == []


def test_the_check_catches_a_read_model_that_ignores_the_scope(db, world):
    def contact_names_ignoring_scope(session: Session, scope: Scope) -> list[str]:
        return sorted(session.scalars(select(Contact.name).where(Contact.org_id == scope.org_id)))

    def contact_names(session: Session, scope: Scope) -> list[str]:
        return sorted(session.scalars(select(Contact.name).where(in_scope(scope, Contact.org_id, Contact.region_id))))

    broken = ReadModel("broken", contact_names_ignoring_scope)
    assert leaks(db, broken, world) == ["North's supervisor sees something of South"]
    assert leaks(db, ReadModel("scoped", contact_names), world) == []


def test_the_check_catches_a_read_model_that_opens_any_contact_of_the_org(db, world):
    def contact_name(session: Session, scope: Scope, contact_id: int) -> str:
        contact = session.get(Contact, contact_id)
        if contact is None or contact.org_id != scope.org_id:
            raise NotFound("no such contact")
        return contact.name

    assert leaks(db, ReadModel("opens anything", contact_name), world) == [
        "North's supervisor can open South's own object"
    ]


def test_the_registry_keeps_what_is_decorated():
    @read_model
    def example(session, scope):
        return []

    try:
        assert REGISTRY[f"{__name__}.{example.__qualname__}"].function is example
    finally:
        REGISTRY.pop(f"{__name__}.{example.__qualname__}")
