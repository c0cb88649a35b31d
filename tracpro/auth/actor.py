"""Who makes a change, and the one refusal every write raises when they may not.

Reads take a Scope; writes take an Actor, which is the signed-in user, their role in the org they
work in and that Scope. Like the Scope, it is built once per rerun from the user's membership
(tracpro.ui.context), never from what a request says, and is trusted below the pages: a write
checks what the actor may do (tracpro.auth.writes) and that what it is asked to change lies in
the actor's org, and for a supervisor in their regions, before it changes anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracpro.auth.scope import Scope
from tracpro.db.models import Role
from tracpro.forms import GENERAL, FormErrors
from tracpro.i18n import _


class NotAllowed(FormErrors):
    """The actor may not make this change: their role does not allow it, or what they named is not
    in their org or scope. Something that does not exist is refused the same way (the two are told
    apart to nobody). Nothing was changed.

    `str()` is the reason, in the user's language. It is a FormErrors with the reason as the form's
    general problem, so every page that shows a refused form shows this refusal too.
    """

    def __init__(self, reason: str):
        super().__init__({GENERAL: reason})
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class Actor:
    """The acting user: who they are, their role where they work, and the scope they work in."""

    # None is the deployment itself, in setup run from the command line (see Actor.setup).
    user_id: int | None
    is_superuser: bool = False
    role: Role | None = None  # in the scope's org; superusers act there as administrators
    # None: working in no org (a superuser before the first org exists, a supervisor without regions).
    scope: Scope | None = None

    @classmethod
    def setup(cls, org_id: int) -> Actor:
        """The deployment acting as an org's administrator, in setup run from the command line (the
        demo, adding a person): no one is signed in, and whoever runs it holds the database anyway."""
        return cls(None, role=Role.ADMIN, scope=Scope(org_id, None))

    @property
    def is_admin(self) -> bool:
        """Whether the actor administers the org they work in."""
        return self.scope is not None and (self.is_superuser or self.role == Role.ADMIN)

    def require_scope(self) -> Scope:
        """The scope the actor works in; NotAllowed when they work in no org."""
        if self.scope is None:
            raise NotAllowed(_("You don't have access to any regions. Contact your administrator."))
        return self.scope

    @property
    def org_id(self) -> int:
        """The org the actor works in; NotAllowed when they work in none."""
        return self.require_scope().org_id
