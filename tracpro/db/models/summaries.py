"""Summary tables the sync job keeps (tracpro.sync.summaries), so Home and Activity read a few
thousand rows instead of scanning every response.

Each holds counts of an org's *active* responses (a later run of the same contact and pollrun
supersedes a response) as of the org's last sync; `refresh_summaries` replaces an org's rows
in one transaction. They store ids, not names or flags that admins change in TracPro (poll,
region and reporter group names and `is_active`): read models join those small tables at read
time, so such a change shows at once. What the sync alone changes (contacts' region, language,
URN, reporter groups and `is_active`, the org's timezone) is baked in and follows the last sync.

No foreign keys: the rows are derived data, rewritten whole, and reads join to the live tables
(a deleted poll or region simply stops matching). Plain tables, not ORM entities: only
INSERT … SELECT writes them.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, DateTime, Index, Integer, String, Table

from tracpro.db.base import Base

# Answered (partial or complete) responses of active contacts with a region, per poll, region,
# org-local day of the latest answer (`updated_on`), language and channel: what the totals below
# are summed from, and read for the polls deactivated since.
activity_days = Table(
    "activity_days",
    Base.metadata,
    Column("org_id", Integer, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("poll_id", Integer, primary_key=True),
    Column("region_id", Integer, primary_key=True),
    # The contact's language, "unknown" when it has none (ISO 639-3 codes are 3 letters).
    Column("language", String(8), primary_key=True),
    # The scheme of the contact's URN (tel, whatsapp, twitter ...), "none" when it has no URN.
    Column("channel", String(255), primary_key=True),
    Column("responses", BigInteger, nullable=False),
    # The rows of one poll: what the totals below hold of a poll that is no longer active.
    Index("ix_activity_days_org_id_poll_id_day", "org_id", "poll_id", "day"),
)

# The same responses per reporter group of the contact (a contact in two groups counts in each).
activity_group_days = Table(
    "activity_group_days",
    Base.metadata,
    Column("org_id", Integer, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("poll_id", Integer, primary_key=True),
    Column("region_id", Integer, primary_key=True),
    Column("reporter_group_id", Integer, primary_key=True),
    Column("responses", BigInteger, nullable=False),
    Index("ix_activity_group_days_org_id_poll_id_day", "org_id", "poll_id", "day"),
)

# The same counts summed over every poll, per region and day, and per language, channel or
# reporter group besides. What pages read: without the poll a day holds a few rows per region
# instead of a few per region and poll (at the national tier 15 times fewer). A poll an admin
# has since deactivated is taken out at read time by subtracting its rows in the tables above
# (tracpro.queries.recent.active_poll_counts), so the answer is the same as summing only active
# polls, at once.


def _activity_totals(name: str, *split: Column) -> Table:
    return Table(
        name,
        Base.metadata,
        Column("org_id", Integer, primary_key=True),
        Column("day", Date, primary_key=True),
        Column("region_id", Integer, primary_key=True),
        *split,
        Column("responses", BigInteger, nullable=False),
    )


activity_region_totals = _activity_totals("activity_region_totals")
activity_language_totals = _activity_totals("activity_language_totals",
                                            Column("language", String(8), primary_key=True))
activity_channel_totals = _activity_totals("activity_channel_totals",
                                           Column("channel", String(255), primary_key=True))
activity_group_totals = _activity_totals("activity_group_totals",
                                         Column("reporter_group_id", Integer, primary_key=True))

# Every response (any status) of active contacts with a region, per pollrun and region, and how
# many of them are answered (participation alerts).
pollrun_region_counts = Table(
    "pollrun_region_counts",
    Base.metadata,
    Column("org_id", Integer, primary_key=True),
    Column("pollrun_id", Integer, primary_key=True),
    Column("region_id", Integer, primary_key=True),
    Column("responses", BigInteger, nullable=False),
    Column("answered", BigInteger, nullable=False),
)

# Every response (any status, any contact) per contact region (None: the contact has none) and
# org-local day it was started (`created_on`) (Home's "Responses, last 30 days").
started_days = Table(
    "started_days",
    Base.metadata,
    Column("org_id", Integer, nullable=False),
    Column("region_id", Integer),
    Column("day", Date, nullable=False),
    Column("responses", BigInteger, nullable=False),
    Index("ix_started_days_org_id_day", "org_id", "day"),
)

# What the summaries were last computed from (tracpro.sync.summaries.inputs_fingerprint): a pass
# whose inputs are the same leaves them alone instead of rewriting millions of rows.
summary_inputs = Table(
    "summary_inputs",
    Base.metadata,
    Column("org_id", Integer, primary_key=True),
    Column("fingerprint", String(200), nullable=False),
    Column("refreshed_at", DateTime(timezone=True), nullable=False),
)
