"""Every function that changes an org's data registers here, says who may call it, and so joins
the write test by construction.

A write is a function `(session, actor, **parameters)`. `@write(Allowed.ADMINS)` checks the actor
against the rule before the function runs and raises NotAllowed, having changed nothing, when the
rule refuses them. The function then checks what it was asked to change: anything named by id or
chosen in a form must be in the actor's org, and for members (supervisors) in their scope; what is
not is refused with NotAllowed, or with the form's own FormErrors for a choice the form never
offered. An org is never a parameter of a write for one org: it is the actor's.

The write test (tests/auth/test_writes_authorised.py) calls each registered write as actors the
rule refuses, with another region's objects and as an administrator of another org, and proves
nothing of theirs changes; it also finds functions that change data and are not registered.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from tracpro.auth.actor import Actor, NotAllowed
from tracpro.i18n import _

P = ParamSpec("P")
R = TypeVar("R")


class Allowed(Enum):
    """Who may call a write."""

    SUPERUSERS = "superusers"  # across orgs: the orgs themselves, anyone's place in them
    ADMINS = "admins"  # the org's administrators: its settings, what it tracks, its people
    MEMBERS = "members"  # anyone working in the org, on what is in their scope: contacts, messages, polls
    OWN_ACCOUNT = "own account"  # anyone signed in, on their own account only


def check(allowed: Allowed, actor: Actor) -> None:
    """Raise NotAllowed unless `actor` may call a write of this kind."""
    if allowed is Allowed.SUPERUSERS and not actor.is_superuser:
        raise NotAllowed(_("Only superusers can do this."))
    if allowed is Allowed.ADMINS and not actor.is_admin:
        raise NotAllowed(_("Only administrators of this organisation can do this."))
    if allowed is Allowed.MEMBERS:
        actor.require_scope()
    if allowed is Allowed.OWN_ACCOUNT and actor.user_id is None:
        raise NotAllowed(_("This user does not exist."))


@dataclass(frozen=True)
class Write:
    name: str
    function: Callable[..., Any]
    allowed: Allowed


REGISTRY: dict[str, Write] = {}


def write(
    allowed: Allowed,
) -> Callable[[Callable[Concatenate[Session, Actor, P], R]], Callable[Concatenate[Session, Actor, P], R]]:
    """Register a write and check its actor first: `@write(Allowed.ADMINS)` above `def f(session, actor, ...)`."""

    def register(function: Callable[Concatenate[Session, Actor, P], R]) -> Callable[Concatenate[Session, Actor, P], R]:
        @functools.wraps(function)
        def checked(session: Session, actor: Actor, /, *args: P.args, **kwargs: P.kwargs) -> R:
            check(allowed, actor)
            return function(session, actor, *args, **kwargs)

        name = f"{function.__module__}.{function.__qualname__}"
        REGISTRY[name] = Write(name, checked, allowed)
        return checked

    return register
