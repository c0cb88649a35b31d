"""The read models that read the sync job's summaries answer exactly as the reference queries
over responses (tests/queries/slow_paths.py) do, on random data spread over many org-local days
with day boundaries in a +04:30 timezone, inactive regions, contacts, polls and groups, contacts
without a region, language or URN, and superseded responses."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import select, text

from tests import factories as f
from tests.queries import slow_paths
from tracpro.auth.scope import Scope, subtree_ids
from tracpro.db.models import Poll, PollRunType, ResponseStatus
from tracpro.queries.activity import most_active, responses_by
from tracpro.queries.alerts import participation_alerts
from tracpro.queries.home import scope_summary
from tracpro.queries.poll_base import org_today
from tracpro.sync.summaries import refresh_if_changed, refresh_summaries

NOW = f.NOW + timedelta(hours=20, minutes=15)  # 04:15 the next day in Kabul
TODAY = date(2026, 11, 3)  # NOW's day in Kabul: the read models' windows end on it
STATUSES = list(ResponseStatus)


def _random_org(db, seed: int):
    rng = random.Random(seed)
    org = f.OrgFactory(timezone="Asia/Kabul")
    country = f.RegionFactory(org=org, name="Country")
    north = f.RegionFactory(org=org, name="North", parent=country)
    gicumbi = f.RegionFactory(org=org, name="Gicumbi", parent=north)
    closed = f.RegionFactory(org=org, name="Closed", parent=north, is_active=False)
    south = f.RegionFactory(org=org, name="South", parent=country)
    huye = f.RegionFactory(org=org, name="Huye", parent=south)
    regions = [country, north, gicumbi, closed, south, south, huye, None]
    groups = [f.ReporterGroupFactory(org=org, name=name, is_active=name != "Retired")
              for name in ("Teachers", "Nurses", "Retired")]
    urns = ["tel:+2507880{n:05d}", "whatsapp:2507{n:05d}", "twitter:user{n}", None]
    contacts = [
        f.ContactFactory(org=org, region=rng.choice(regions), is_active=rng.random() < 0.85,
                         language=rng.choice(["eng", "fra", "kin", None]),
                         urn=(lambda urn: urn and urn.format(n=n))(rng.choice(urns)),
                         reporter_groups=rng.sample(groups, rng.randint(0, 2)))
        for n in range(80)
    ]
    weekly = f.PollFactory(org=org, rapidpro_name="Weekly")
    daily = f.PollFactory(org=org, rapidpro_name="Daily")
    retired = f.PollFactory(org=org, rapidpro_name="Retired", is_active=False)
    pollruns = []
    for days_ago in range(5):  # Weekly's latest five dates feed the participation alerts
        pollruns.append((f.PollRunFactory(poll=weekly, conducted_on=NOW - timedelta(days=days_ago, hours=3)),
                         days_ago == 0))
    pollruns.append((f.PollRunFactory(poll=weekly, pollrun_type=PollRunType.PROPAGATED, region=north,
                                      conducted_on=NOW - timedelta(days=2)), False))
    pollruns.append((f.PollRunFactory(poll=weekly, pollrun_type=PollRunType.REGIONAL, region=south,
                                      conducted_on=NOW - timedelta(days=1)), False))
    for days_ago in range(0, 100, 12):
        pollruns.append((f.PollRunFactory(poll=daily, conducted_on=NOW - timedelta(days=days_ago, hours=1)), False))
    pollruns.append((f.PollRunFactory(poll=retired, conducted_on=NOW - timedelta(days=3)), False))
    for pollrun, latest in pollruns:
        for contact in contacts:
            if rng.random() > (0.9 if pollrun.poll is weekly else 0.4):
                continue
            # On Weekly's latest date, South mostly started and answered nothing: an alert.
            dropped = latest and contact.region in (south, huye)
            status = ResponseStatus.EMPTY if dropped and rng.random() < 0.8 else rng.choice(STATUSES)
            created = pollrun.conducted_on + timedelta(minutes=rng.randint(0, 36 * 60))
            updated = (
                created if status == ResponseStatus.EMPTY else created + timedelta(minutes=rng.randint(0, 30 * 60))
            )
            f.ResponseFactory(pollrun=pollrun, contact=contact, status=status, is_active=rng.random() < 0.9,
                              created_on=created, updated_on=updated)
    db.flush()
    refresh_summaries(db, org.id)
    return org, north, south


def _scopes(db, org, north, south):
    north_ids = frozenset(subtree_ids(db, org.id, [north.id]))
    assert len(north_ids) == 2  # North and Gicumbi; Closed is inactive
    return {
        "admin": Scope(org.id, None),
        "north supervisor": Scope(org.id, north_ids, north.id, True),
        "south only": Scope(org.id, frozenset({south.id}), south.id, False),
    }


def org_polls(db, org_id: int) -> list[Poll]:
    return list(db.scalars(select(Poll).where(Poll.org_id == org_id)))


def _same_frames(fast: pd.DataFrame, slow: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(fast.reset_index(drop=True), slow.reset_index(drop=True))


@pytest.mark.parametrize("seed", [7, 2026])
def test_summaries_answer_exactly_as_the_queries_over_responses(db, seed):
    org, north, south = _random_org(db, seed)
    seen = 0
    for name, scope in _scopes(db, org, north, south).items():
        for days in (1, 7, 30):
            fast = most_active(db, scope, today=TODAY, days=days)
            slow = slow_paths.most_active(db, scope, today=TODAY, days=days)
            _same_frames(fast.regions, slow.regions)
            _same_frames(fast.reporter_groups, slow.reporter_groups)
            seen += int(slow.regions["responses"].sum())
        for dimension in ("language", "channel"):
            for days in (2, 90):
                fast = responses_by(db, scope, dimension, today=TODAY, days=days)
                _same_frames(fast, slow_paths.responses_by(db, scope, dimension, today=TODAY, days=days))
        summary = scope_summary(db, scope, today=TODAY)
        assert summary.recent_responses == slow_paths.recent_responses(db, scope, today=TODAY)
        assert summary.reporter_groups == slow_paths.reporter_groups_in_view(db, scope), name
        assert participation_alerts(db, scope) == slow_paths.participation_alerts(db, scope), name
    # Not equal by both being empty:
    assert seen > 0
    assert org_today(db, Scope(org.id, None), NOW) == TODAY
    assert participation_alerts(db, Scope(org.id, None)), "the drop in South is flagged"
    assert scope_summary(db, Scope(org.id, None), today=TODAY).recent_responses > 0


def test_summaries_follow_the_last_refresh_not_later_writes(db):
    org, north, south = _random_org(db, 1)
    admin = Scope(org.id, None)
    before = scope_summary(db, admin, today=TODAY).recent_responses
    f.ResponseFactory(pollrun=f.PollRunFactory(org_id=org.id, poll=f.PollFactory(org=org), conducted_on=NOW),
                      contact=f.ContactFactory(org=org, region=north), created_on=NOW, updated_on=NOW)
    db.flush()
    assert scope_summary(db, admin, today=TODAY).recent_responses == before
    refresh_summaries(db, org.id)
    assert scope_summary(db, admin, today=TODAY).recent_responses == before + 1
    assert refresh_summaries(db, org.id) > 0  # a second refresh rewrites the same rows
    assert scope_summary(db, admin, today=TODAY).recent_responses == before + 1


@pytest.mark.parametrize("change", [
    "UPDATE contacts SET region_id = :south WHERE id = (SELECT min(id) FROM contacts WHERE org_id = :org "
    "AND region_id = :north)",                                                  # a contact moved region
    "UPDATE contacts SET language = 'zzz' WHERE id = (SELECT min(id) FROM contacts WHERE org_id = :org)",
    "UPDATE responses SET is_active = NOT is_active WHERE id = (SELECT min(id) FROM responses WHERE org_id = :org)",
    "DELETE FROM contact_reporter_groups WHERE contact_id IN (SELECT id FROM contacts WHERE org_id = :org)",
    "UPDATE orgs SET timezone = 'Pacific/Kiritimati' WHERE id = :org",
])
def test_a_pass_refreshes_when_an_input_changed_however_it_changed(db, change):
    org, north, south = _random_org(db, 3)
    assert refresh_if_changed(db, org.id, NOW) > 0  # never refreshed through here: refresh
    assert refresh_if_changed(db, org.id, NOW) is None  # nothing changed: left alone
    # Plain SQL, no updated_at touched: the fingerprint reads the columns themselves.
    db.execute(text(change), {"org": org.id, "north": north.id, "south": south.id})
    db.expire_all()
    assert refresh_if_changed(db, org.id, NOW) is not None
    scope = Scope(org.id, None)
    for days in (1, 30):
        fast = most_active(db, scope, today=TODAY, days=days)
        slow = slow_paths.most_active(db, scope, today=TODAY, days=days)
        _same_frames(fast.regions, slow.regions)
        _same_frames(fast.reporter_groups, slow.reporter_groups)
    for dimension in ("language", "channel"):
        _same_frames(responses_by(db, scope, dimension, today=TODAY, days=90),
                     slow_paths.responses_by(db, scope, dimension, today=TODAY, days=90))
    assert refresh_if_changed(db, org.id, NOW) is None


def test_a_poll_deactivated_or_reactivated_after_the_refresh_shows_at_once(db):
    """The totals count every poll; what an inactive poll holds is taken away when reading."""
    org, north, south = _random_org(db, 5)
    scope = Scope(org.id, None)

    def same_as_the_slow_paths() -> int:
        shown = 0
        for days in (1, 7, 30):
            fast = most_active(db, scope, today=TODAY, days=days)
            slow = slow_paths.most_active(db, scope, today=TODAY, days=days)
            _same_frames(fast.regions, slow.regions)
            _same_frames(fast.reporter_groups, slow.reporter_groups)
            shown += int(fast.regions["responses"].sum())
        for dimension in ("language", "channel"):
            fast = responses_by(db, scope, dimension, today=TODAY, days=90)
            _same_frames(fast, slow_paths.responses_by(db, scope, dimension, today=TODAY, days=90))
        return shown

    before = same_as_the_slow_paths()
    weekly = next(poll for poll in org_polls(db, org.id) if poll.rapidpro_name == "Weekly")
    weekly.is_active = False
    db.flush()
    without_weekly = same_as_the_slow_paths()
    assert 0 < without_weekly < before
    retired = next(poll for poll in org_polls(db, org.id) if poll.rapidpro_name == "Retired")
    weekly.is_active = retired.is_active = True
    db.flush()
    assert same_as_the_slow_paths() > before  # the retired poll's responses count again, weekly's too
    for poll in org_polls(db, org.id):
        poll.is_active = False
    db.flush()
    assert same_as_the_slow_paths() == 0
    assert responses_by(db, scope, "language", today=TODAY, days=90).empty  # all sums were zero: no rows


def test_reporter_groups_in_view_count_only_active_groups_with_an_active_member_in_scope(db):
    org = f.OrgFactory()
    north, south = f.RegionFactory(org=org, name="North"), f.RegionFactory(org=org, name="South")
    teachers, nurses = f.ReporterGroupFactory(org=org, name="Teachers"), f.ReporterGroupFactory(org=org, name="Nurses")
    retired = f.ReporterGroupFactory(org=org, name="Retired", is_active=False)
    f.ContactFactory(org=org, region=north, reporter_groups=[teachers, retired])
    f.ContactFactory(org=org, region=south, reporter_groups=[teachers, nurses])
    f.ContactFactory(org=org, region=north, reporter_groups=[nurses], is_active=False)
    db.flush()
    counts = {name: scope_summary(db, scope, today=TODAY).reporter_groups for name, scope in {
        "admin": Scope(org.id, None),
        "north": Scope(org.id, frozenset({north.id}), north.id, False),
        "south": Scope(org.id, frozenset({south.id}), south.id, False),
    }.items()}
    assert counts == {"admin": 2, "north": 1, "south": 2}
