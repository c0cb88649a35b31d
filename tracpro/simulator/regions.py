"""The workspace, its region tree (groups + boundaries), reporter and other groups, fields.

Region plan: each region is a contact group whose name equals its boundary's name, and the
boundary ``parent`` links mirror the region tree (level-1 regions hang off the country).
``Org.region_plan`` lists (group uuid, name, parent group uuid, boundary osm_id, level) so a
demo setup can choose regions, parents and boundaries programmatically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .geometry import tile
from .hashing import h, uid
from .tiers import Tier
from .timefmt import DAY, HOUR
from .vocab import PLACE_SYLLABLES, REPORTER_GROUPS

COUNTRY = "Rwanda"
OSM_PREFIX = {1: "1708", 2: "1711", 3: "1712"}


@dataclass
class Region:
    index: int  # position in Org.regions (levels in order)
    level: int  # 1 = state, 2 = district, 3 = ward
    name: str
    parent: int | None  # index of the parent region, None under the country
    group_uuid: str = ""
    osm_id: str = ""
    aliases: list[str] = field(default_factory=list)
    geometry: list = field(default_factory=list)
    path: str = ""  # "Rwanda > State > District", the contact-field form
    children: list[int] = field(default_factory=list)


@dataclass
class Group:
    uuid: str
    name: str
    query: str | None
    system: bool
    created_us: int
    id: int
    kind: str  # "region" | "reporter" | "optout" | "smart" | "system"


@dataclass
class FieldDef:
    key: str
    name: str
    type: str
    created_us: int
    id: int
    featured: bool = False


class Org:
    """Static reference data of one generated workspace."""

    def __init__(self, seed: int, tier: Tier, anchor_us: int) -> None:
        self.seed, self.tier, self.anchor = seed, tier, anchor_us
        self.uuid = uid(seed, "org")
        self.name = "TracPro Demo" if tier.name == "demo" else f"TracPro {tier.name.title()} Simulation"
        self.country_osm = f"1714{seed % 100:02d}"  # never collides with the region prefixes
        self.regions = self._regions()
        self._geometry_done = False
        base = anchor_us - 400 * DAY
        groups: list[Group] = []
        for r in self.regions:
            groups.append(
                Group(r.group_uuid, r.name, None, False, base + len(groups) * HOUR, len(groups) + 1, "region")
            )
        self.reporter_groups = []
        for k in range(tier.reporter_groups):
            g = Group(uid(seed, "reporter", k), REPORTER_GROUPS[k], None, False, base + len(groups) * HOUR,
                      len(groups) + 1, "reporter")
            groups.append(g)
            self.reporter_groups.append(g)
        self.optout = Group(uid(seed, "optout"), "Opt-Outs", None, False, base + len(groups) * HOUR, len(groups) + 1,
                            "optout")
        groups.append(self.optout)
        self.smart = Group(uid(seed, "smart"), "Young Reporters", "age < 25", False, base + len(groups) * HOUR,
                           len(groups) + 1, "smart")
        groups.append(self.smart)
        self.tickets = Group(uid(seed, "tickets"), "Open Tickets", "tickets > 0", True, base - DAY, 0, "system")
        groups.append(self.tickets)
        self.groups = groups
        self.groups_by_uuid = {g.uuid: g for g in groups}
        self.groups_by_name = {g.name.lower(): g for g in groups}
        self.fields = [FieldDef(k, n, t, base + i * HOUR, i + 1, featured=k in ("state", "district"))
                       for i, (k, n, t) in enumerate([
                           ("age", "Age", "number"), ("gender", "Gender", "text"),
                           ("registration_date", "Registration Date", "datetime"), ("state", "State", "state"),
                           ("district", "District", "district"), ("ward", "Ward", "ward"),
                           ("occupation", "Occupation", "text"), ("nickname", "Nickname", "text"),
                           ("household_size", "Household Size", "number")])]
        self.field_keys = [f.key for f in self.fields]

    # -- regions -------------------------------------------------------------------------------

    def _regions(self) -> list[Region]:
        seed, counts = self.seed, self.tier.regions
        used: set[str] = {COUNTRY.lower()}
        regions: list[Region] = []
        prev_level: list[int] = []
        for level, count in enumerate(counts, start=1):
            if level == 1:
                parents: list[int | None] = [None] * count
            else:
                # Only two thirds of the parents get children at the ward level, so some
                # districts are leaves; the others share the children round-robin.
                order = sorted(prev_level, key=lambda p: h(seed, "porder", level, p))
                if level == 3:
                    order = order[: max(1, -(-len(order) * 2 // 3))]
                parents = [order[j % len(order)] for j in range(count)]
            current = []
            for j, parent in enumerate(parents):
                name = self._place_name(level, j, used)
                r = Region(len(regions), level, name, parent)
                r.group_uuid = uid(seed, "region", r.index)
                prefix = OSM_PREFIX[level]
                r.osm_id = ("R" if level == 2 and j % 5 == 3 else "") + prefix + str(r.index + 1)
                if h(seed, "alias", r.index) % 3 == 0:
                    r.aliases = [name.replace(" Province", ""), name.replace("k", "c").replace(" Province", "")]
                    r.aliases = sorted(set(r.aliases) - {name})
                r.path = (regions[parent].path if parent is not None else COUNTRY) + " > " + name
                if parent is not None:
                    regions[parent].children.append(r.index)
                regions.append(r)
                current.append(r.index)
            prev_level = current
        return regions

    def _place_name(self, level: int, j: int, used: set[str]) -> str:
        salt = 0
        while True:
            x = h(self.seed, "place", level, j, salt)
            parts = 2 + (x >> 60) % 2
            word = "".join(PLACE_SYLLABLES[(x >> (6 * k)) % len(PLACE_SYLLABLES)] for k in range(parts))
            name = word.capitalize() + (" Province" if level == 1 else "")
            if name.lower() not in used:
                used.add(name.lower())
                return name
            salt += 1

    @property
    def leaves(self) -> list[int]:
        return [r.index for r in self.regions if not r.children]

    @property
    def inner(self) -> list[int]:
        return [r.index for r in self.regions if r.children]

    def ensure_geometry(self) -> None:
        """Cut the boundaries (lazily: only boundaries.json needs them)."""
        if self._geometry_done:
            return
        by_level = [[r for r in self.regions if r.level == L] for L in (1, 2, 3)]
        pos = {r.index: k for lvl in by_level for k, r in enumerate(lvl)}
        parents = [[0 if r.parent is None else pos[r.parent] for r in lvl] for lvl in by_level if lvl]
        country, per_level = tile(self.seed, self.tier.grid, parents)
        self.country_geometry = country
        for lvl, coords in zip(by_level, per_level, strict=False):  # an empty level has no coordinates
            for r, c in zip(lvl, coords, strict=True):
                r.geometry = c
        self._geometry_done = True

    @property
    def region_plan(self) -> list[tuple[str, str, str | None, str, int]]:
        """(group uuid, name, parent group uuid, boundary osm_id, level) per region, parents first."""
        return [(r.group_uuid, r.name, self.regions[r.parent].group_uuid if r.parent is not None else None,
                 r.osm_id, r.level) for r in self.regions]

    # -- API shapes ----------------------------------------------------------------------------

    def workspace(self) -> dict:
        return {"uuid": self.uuid, "name": self.name, "country": "RW",
                "languages": ["eng", "fra", "kin", "swa", "ara"], "timezone": "Africa/Kigali",
                "date_style": "day_first", "anon": False, "credits": {"used": -1, "remaining": -1},
                "primary_language": "eng"}

    def boundaries(self) -> list[dict]:
        """Every boundary, ordered by osm_id as a string (the server's ordering)."""
        self.ensure_geometry()
        items: list[dict] = [{"osm_id": self.country_osm, "name": COUNTRY, "parent": None, "level": 0, "aliases": [],
                  "geometry": {"type": "MultiPolygon", "coordinates": self.country_geometry}}]
        for r in self.regions:
            parent = ({"osm_id": self.regions[r.parent].osm_id, "name": self.regions[r.parent].name}
                      if r.parent is not None else {"osm_id": self.country_osm, "name": COUNTRY})
            items.append({"osm_id": r.osm_id, "name": r.name, "parent": parent, "level": r.level,
                          "aliases": r.aliases, "geometry": {"type": "MultiPolygon", "coordinates": r.geometry}})
        return sorted(items, key=lambda b: b["osm_id"])

    def field_dict(self, f: FieldDef) -> dict:
        value_type = {"number": "numeric"}.get(f.type, f.type)
        return {"key": f.key, "name": f.name, "type": f.type, "featured": f.featured, "priority": 0,
                "usages": {"flows": 0, "groups": 1 if f.key == "age" else 0, "campaign_events": 0},
                "agent_access": "view", "label": f.name, "value_type": value_type}

    def group_dict(self, g: Group, count: int, status: str = "ready", query: str | None = None) -> dict:
        """groups.json's item; ``query`` is the one saved last (the group's own when None)."""
        return {"uuid": g.uuid, "name": g.name, "query": query if query is not None else g.query, "status": status,
                "system": g.system, "count": count}


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))
