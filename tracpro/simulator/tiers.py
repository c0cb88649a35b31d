"""The dataset sizes we build for: the built-in demo (and its second, health workspace), a district
(50,000 contacts) and a nation (300,000)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tier:
    """Knobs of one tier.  Every count is exact except the answers, which follow from
    ``wave_fraction`` (the share of live contacts each weekly poll reaches)."""

    name: str
    live_contacts: int  # active, blocked and stopped contacts
    deleted_contacts: int
    regions: tuple[int, int, int]  # region groups per level (state, district, ward)
    reporter_groups: int
    polls: int  # poll flows; a "Single Message" flow comes on top
    wave_fraction: float
    inbox_msgs: int
    flow_msgs: int
    sent_msgs: int
    grid: int  # cells per side of the raster the boundaries are cut from
    weeks: int = 13  # weekly waves in the ~90 days before the anchor, the runs RapidPro still holds
    # Weekly waves before those: history older than RapidPro's retention, which it keeps in archives only.
    archived_weeks: int = 2
    poll_set: str = "default"  # the first polls' names and questions (flows.POLL_SETS)
    # Participation dropped in one district (a network outage): the latest runs of the polls sent in
    # the last this many days before the anchor went unanswered there (schedule.py); 0: no outage.
    outage_days: int = 0


TIERS: dict[str, Tier] = {
    "demo": Tier("demo", 1950, 50, (3, 6, 6), 4, 5, 0.52, 400, 3000, 3000, 96, poll_set="schools", outage_days=3),
    # The demo's second workspace: a health programme, smaller.
    "demo-health": Tier("demo-health", 700, 20, (3, 6, 6), 3, 3, 0.52, 150, 1000, 1000, 96, poll_set="health",
                        outage_days=3),
    "district": Tier("district", 49000, 1000, (4, 16, 40), 8, 20, 0.087, 5000, 50000, 50000, 100),
    "national": Tier("national", 294000, 6000, (6, 44, 250), 12, 60, 0.024, 20000, 200000, 200000, 200),
}


def get_tier(name: str) -> Tier:
    try:
        return TIERS[name]
    except KeyError:
        raise ValueError(f"unknown tier {name!r}; choose one of {', '.join(TIERS)}") from None
