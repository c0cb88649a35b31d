"""Items kept aside as unreadable are tried again less often the more they failed: every retry is
a request counted against RapidPro's rate limit."""

from __future__ import annotations

from datetime import timedelta

from tests import factories as f
from tests.sync.fake_rapidpro import T0
from tracpro.sync import malformed


def test_an_item_is_tried_again_ten_minutes_after_its_last_try_doubling_up_to_a_day(db, org):
    items = {attempts: f.MalformedItemFactory(org=org, resource="runs:F-1", attempts=attempts, last_seen_at=T0)
             for attempts in (1, 3, 20)}
    db.flush()

    def due(after: timedelta) -> list[int]:
        return sorted(item.attempts for item in malformed.to_retry(db, org.id, "runs:F-1", T0 + after))

    assert due(timedelta(minutes=9)) == []
    assert due(timedelta(minutes=10)) == [1]
    assert due(timedelta(minutes=40)) == [1, 3]
    assert due(timedelta(hours=23)) == [1, 3] and due(timedelta(days=1)) == [1, 3, 20]
    assert malformed.to_retry(db, org.id, "runs:F-1", T0 + timedelta(days=1), limit=1) == [items[1]]
