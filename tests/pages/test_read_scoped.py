"""Pages read org data through `read_scoped`: registered read models only, cached per scope."""

from __future__ import annotations

import pytest

from tests import factories as f
from tracpro.auth.scope import Scope
from tracpro.queries.home import scope_summary
from tracpro.ui.database import read_scoped


def test_the_cache_key_is_the_scope_so_users_never_share_an_answer(db):
    org = f.OrgFactory()
    north, south = f.RegionFactory(org=org), f.RegionFactory(org=org)
    f.ContactFactory(org=org, region=north)
    f.ContactFactory(org=org, region=south)
    db.flush()
    only_north = Scope(org.id, frozenset({north.id}), north.id)
    both = Scope(org.id, frozenset({north.id, south.id}))
    assert read_scoped(scope_summary, only_north).contacts == 1
    assert read_scoped(scope_summary, both).contacts == 2
    f.ContactFactory(org=org, region=north)
    db.flush()
    # Equal scopes, however built, share one cache entry (for a minute): the new contact is not seen yet.
    again = Scope(org.id, frozenset([north.id]), north.id)
    assert read_scoped(scope_summary, again).contacts == 1


def test_only_registered_read_models_may_be_called():
    def unregistered(session, scope):
        return 0

    with pytest.raises(TypeError, match="not a registered read model"):
        read_scoped(unregistered, Scope(1, None))
