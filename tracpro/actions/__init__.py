"""Things users do that go back to RapidPro: stored first (the outbox), then pushed."""
