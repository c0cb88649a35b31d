"""Pages read org data through `read_scoped`: registered read models only, cached per scope."""

from __future__ import annotations

import pytest

from tests import factories as f
from tracpro.auth.scope import Scope
from tracpro.queries.home import scope_summary
from tracpro.ui.database import LIVE_TTL_SECONDS, read_scoped, read_scoped_live

TODAY = f.NOW.date()


def test_the_cache_key_is_the_scope_so_users_never_share_an_answer(db):
    org = f.OrgFactory()
    north, south = f.RegionFactory(org=org), f.RegionFactory(org=org)
    f.ContactFactory(org=org, region=north)
    f.ContactFactory(org=org, region=south)
    db.flush()
    only_north = Scope(org.id, frozenset({north.id}), north.id)
    both = Scope(org.id, frozenset({north.id, south.id}))
    assert read_scoped(scope_summary, only_north, today=TODAY).contacts == 1
    assert read_scoped(scope_summary, both, today=TODAY).contacts == 2
    f.ContactFactory(org=org, region=north)
    db.flush()
    # Equal scopes, however built, share one cache entry (for a minute): the new contact is not seen yet.
    again = Scope(org.id, frozenset([north.id]), north.id)
    assert read_scoped(scope_summary, again, today=TODAY).contacts == 1


def test_only_registered_read_models_may_be_called():
    def unregistered(session, scope):
        return 0

    with pytest.raises(TypeError, match="not a registered read model"):
        read_scoped(unregistered, Scope(1, None))


def test_what_refreshes_itself_reads_through_a_cache_of_its_own_that_lives_shorter(db):
    org = f.OrgFactory()
    north = f.RegionFactory(org=org)
    f.ContactFactory(org=org, region=north)
    db.flush()
    scope = Scope(org.id, frozenset({north.id}), north.id)
    assert read_scoped(scope_summary, scope, today=TODAY).contacts == 1
    f.ContactFactory(org=org, region=north)
    db.flush()
    assert read_scoped(scope_summary, scope, today=TODAY).contacts == 1  # a minute's cache
    assert read_scoped_live(scope_summary, scope, today=TODAY).contacts == 2  # not that one
    assert LIVE_TTL_SECONDS < 30  # Home redraws its recent dates every 30 s: each redraw sees new ones
    with pytest.raises(TypeError, match="not a registered read model"):
        read_scoped_live(lambda session, scope: 0, scope)
