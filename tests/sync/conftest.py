"""Fixtures for syncer tests: an org, the fake RapidPro, and a sync context joining them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests import factories as f
from tests.sync.fake_rapidpro import T0, FakeRapidPro
from tracpro.sync.engine import SyncContext
from tracpro.sync.progress import Progress


@pytest.fixture
def rapidpro() -> FakeRapidPro:
    return FakeRapidPro()


@pytest.fixture
def org(db):
    # Kabul is UTC+4:30, so org-local days and UTC days differ in the evening.
    return f.OrgFactory(name="UNICEF", slug="unicef", timezone="Asia/Kabul")


@pytest.fixture
def make_context(db, org, rapidpro):
    def make(now: datetime = T0 + timedelta(days=1)) -> SyncContext:
        db.flush()
        db.refresh(org)
        return SyncContext(org.id, org.slug, ZoneInfo(org.timezone), org.sameday_mode, rapidpro, now,
                           Progress(bars=False))

    return make
