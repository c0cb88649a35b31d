"""RapidPro → PostgreSQL: one small module per RapidPro resource over a shared engine."""
