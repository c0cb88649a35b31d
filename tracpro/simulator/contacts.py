"""Generated contacts: every attribute is a vectorised function of the contact's index.

Indices 0..live-1 are live contacts (active, blocked, stopped); live..total-1 were deleted
before the anchor.  ``id = index + 1`` (creation order).  The modified_on order is a rank
permutation of the index (streams.py), so contacts.json pages come straight from ranks.

URNs are invertible encodings of the index (phone digits, handle suffix, telegram id), so
looking a contact up by URN -- for ``?urn=`` writes and uniqueness checks -- needs no index.

With ties on, a share of the contacts were modified in bulk (an import, a group action, a batch
of deletions): blocks of ``BULK`` consecutive modified_on ranks sharing one timestamp.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from .hashing import (
    AffinePerm,
    h,
    low48_of,
    pick,
    scramble48,
    unit,
    unscramble48,
    uuid4_many,
    uuid4_str,
    vh,
    vscramble48,
)
from .names import JSON_NAMES, NamePicker
from .regions import Org
from .streams import StreamSet
from .timefmt import DAY, MINUTE, US
from .vocab import LANGUAGE_WEIGHTS, LANGUAGES, OCCUPATIONS

MASK48 = (1 << 48) - 1
B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
HANDLES = ["amani", "sunny", "voice", "reporter", "kigali", "mwana", "rafiki", "ishimwe", "zuba", "imena"]
ACTIVE, BLOCKED, STOPPED = 0, 1, 2
STATUS_NAMES = ["active", "blocked", "stopped"]
# URN layouts: 0 tel, 1 tel+whatsapp, 2 twitter+tel, 3 twitter, 4 telegram, 5 tel+telegram, 6 none
URN_KIND_CUTS = [0.80, 0.86, 0.90, 0.93, 0.96, 0.985]
BULK, BULK_SHARE = 100, 0.25  # contacts per bulk update, share of the modified_on ranks in one


@dataclass
class Attrs:
    """Vectorised attributes of a batch of live contacts (arrays aligned with ``idx``)."""

    idx: np.ndarray
    lang: np.ndarray  # index into LANGUAGES, -1 for none
    status: np.ndarray
    region1: np.ndarray  # region index or -1
    region2: np.ndarray
    reporters: np.ndarray  # bit mask over the org's reporter groups
    optout: np.ndarray
    age: np.ndarray  # -1 for unset
    urn_kind: np.ndarray
    left_group: np.ndarray  # reporter group index the contact left, or -1


class ContactTable:
    """The generated contacts of one dataset (no per-contact storage)."""

    def __init__(self, seed: int, org: Org, anchor_us: int, ties: bool = True) -> None:
        tier = org.tier
        self.seed, self.org, self.anchor = seed, org, anchor_us
        self.live, self.deleted = tier.live_contacts, tier.deleted_contacts
        self.total = self.live + self.deleted
        self.rank_live = AffinePerm(self.live, seed, "contact-rank")
        self.rank_del = AffinePerm(self.deleted, seed, "contact-rank-del")
        self.phone = AffinePerm(10**7, seed, "phone")
        self.handle = AffinePerm(36**5, seed, "handle")
        self.telegram = AffinePerm(10**8, seed, "telegram")
        self.mask48 = h(seed, "contact-mask") & MASK48
        self.namer = NamePicker(seed)
        self.leaves = np.asarray(org.leaves, dtype=np.int64)
        self.inner = np.asarray(org.inner or org.leaves, dtype=np.int64)
        start = anchor_us - 90 * DAY
        # Live contacts: most modified over the 90 days; the last 3% of ranks within the last
        # half hour before the anchor (e.g. contacts who just left a group: later than their runs).
        live_curve = ([0.0, 0.97, 0.9700001, 1.0], [0.0, 89 * 86400.0, 90 * 86400.0 - 1800, 90 * 86400.0 - 1])
        del_curve = ([0.0, 1.0], [0.0, 90 * 86400.0 - 1])
        self.streams = StreamSet(seed, "contacts", [start, start], [1.0, 1.0], [self.live, self.deleted], [0, 1],
                                 [live_curve, del_curve], [0, 0], anchor_us, id_fn=self._ids,
                                 block=[BULK, BULK], tied=[BULK_SHARE * ties] * 2)

    # -- index <-> order -----------------------------------------------------------------------

    def _ids(self, s: np.ndarray, r: np.ndarray) -> np.ndarray:
        live = self.rank_live(r) + 1
        dead = self.live + self.rank_del(r) + 1
        return np.where(s == 0, live, dead)

    def modified_us(self, idx: np.ndarray) -> np.ndarray:
        idx = np.asarray(idx, dtype=np.int64)
        is_live = idx < self.live
        r = np.where(is_live, (idx - self.rank_live.b) * self.rank_live.ainv % self.rank_live.n,
                     (idx - self.live - self.rank_del.b) * self.rank_del.ainv % self.rank_del.n)
        return self.streams.times(np.where(is_live, 0, 1), r)

    def created_us(self, idx: np.ndarray) -> np.ndarray:
        idx = np.asarray(idx, dtype=np.int64)
        span = 600 * DAY
        return self.anchor - 95 * DAY - span + (idx * span) // self.total + pick(vh(self.seed, "cjit", idx), MINUTE)

    # -- uuids and urns ------------------------------------------------------------------------

    def uuid(self, i: int) -> str:
        return uuid4_str(h(self.seed, "cuuid", i), (h(self.seed, "cuuid-lo", i) & ~MASK48) | scramble48(i, self.mask48))

    def uuids(self, idx: np.ndarray) -> list[str]:
        """Vectorised `uuid`."""
        idx = np.asarray(idx, dtype=np.int64)
        lo = (vh(self.seed, "cuuid-lo", idx) & np.uint64(~MASK48 & (2**64 - 1))) | vscramble48(idx, self.mask48)
        return uuid4_many(vh(self.seed, "cuuid", idx), lo)

    def names(self, idx: np.ndarray, langs) -> list[str | None]:
        """Vectorised `name` (names.py)."""
        return self.namer.names(idx, langs)

    def index_of_uuid(self, uuid: str) -> int | None:
        """The generated index a UUID encodes, if it is one of ours."""
        low = low48_of(uuid)
        if low is None:
            return None
        i = unscramble48(low, self.mask48)
        return i if i < self.total and self.uuid(i) == uuid else None

    def urns(self, i: int, kind: int) -> list[str]:
        p = self.phone.one(i)
        tel = "+2507%d%07d" % ((8, 2, 3)[i % 3], p)
        handle = "%s_%s" % (HANDLES[i % len(HANDLES)], _b36(self.handle.one(i)))
        tg = str(100000000 + self.telegram.one(i))
        return [["tel:" + tel], ["tel:" + tel, "whatsapp:" + tel[1:]], ["twitter:" + handle, "tel:" + tel],
                ["twitter:" + handle], ["telegram:" + tg], ["tel:" + tel, "telegram:" + tg], []][kind]

    def index_of_urn(self, urn: str) -> int | None:
        """The generated live-or-deleted index whose generated URNs include ``urn``."""
        scheme, _, path = urn.partition(":")
        try:
            if scheme in ("tel", "whatsapp"):
                digits = path.lstrip("+")
                if len(digits) != 12 or not digits.startswith("2507"):
                    return None
                i = self.phone.inverse(int(digits[5:]))
            elif scheme == "twitter":
                i = self.handle.inverse(int(path.rpartition("_")[2], 36))
            elif scheme == "telegram":
                i = self.telegram.inverse(int(path) - 100000000)
            else:
                return None
        except ValueError:
            return None
        if i >= self.total or (i < self.live and urn not in self.urns(i, int(self.attrs([i]).urn_kind[0]))):
            return None
        return i if i < self.live else None

    # -- attributes ----------------------------------------------------------------------------

    def attrs(self, idx) -> Attrs:
        idx = np.asarray(idx, dtype=np.int64)
        s = self.seed
        u_lang = unit(vh(s, "lang", idx))
        lang = np.searchsorted(np.cumsum(LANGUAGE_WEIGHTS), u_lang, side="right")
        lang = np.where(lang >= len(LANGUAGES), -1, lang)
        u_status = unit(vh(s, "status", idx))
        status = np.where(u_status < 0.03, BLOCKED, np.where(u_status < 0.05, STOPPED, ACTIVE))
        u_reg = unit(vh(s, "region", idx))
        leaf_a = self.leaves[pick(vh(s, "leaf-a", idx), len(self.leaves))]
        leaf_b = self.leaves[(np.searchsorted(self.leaves, leaf_a) + 1 + pick(vh(s, "leaf-b", idx),
                                                                              max(len(self.leaves) - 1, 1)))
                             % len(self.leaves)]
        inner = self.inner[pick(vh(s, "inner", idx), len(self.inner))]
        region1 = np.where(u_reg < 0.03, -1, np.where((u_reg >= 0.06) & (u_reg < 0.16), inner, leaf_a))
        region2 = np.where((u_reg >= 0.03) & (u_reg < 0.06) & (leaf_b != leaf_a), leaf_b, -1)
        ngroups = len(self.org.reporter_groups)
        count = np.searchsorted([0.15, 0.65, 0.90], unit(vh(s, "rcount", idx)), side="right")
        reporters = np.zeros(len(idx), dtype=np.int64)
        for j in range(3):
            g = pick(vh(s, "rpick", idx, j), ngroups)
            reporters |= np.where(count > j, 1 << g, 0)
        # Contacts who left a reporter group: modified recently (top ranks), group removed.
        rank = (idx - self.rank_live.b) * self.rank_live.ainv % self.rank_live.n
        lowest = reporters & -reporters
        leaving = (rank >= int(self.live * 0.97) + 1) & (unit(vh(s, "leave", idx)) < 0.5) & (lowest > 0)
        left_group = np.where(leaving, np.log2(np.maximum(lowest, 1)).astype(np.int64), -1)
        reporters = np.where(leaving, reporters & ~lowest, reporters)
        optout = unit(vh(s, "optout", idx)) < 0.015
        age = np.where(unit(vh(s, "age-null", idx)) < 0.06, -1, 16 + pick(vh(s, "age", idx), 55))
        urn_kind = np.searchsorted(URN_KIND_CUTS, unit(vh(s, "urnkind", idx)), side="right")
        return Attrs(idx, lang, status, region1, region2, reporters, optout, age, urn_kind, left_group)

    def name(self, i: int, lang: int) -> str | None:
        return self.namer.name(i, lang)

    def group_indices(self, a: Attrs, k: int) -> list[int]:
        """Indices into org.groups of contact k of the batch (blocked/stopped are in none)."""
        if a.status[k] != ACTIVE:
            return []
        out = [int(r) for r in (a.region1[k], a.region2[k]) if r >= 0]
        base = len(self.org.regions)
        bits = int(a.reporters[k])
        out += [base + g for g in range(len(self.org.reporter_groups)) if bits >> g & 1]
        base += len(self.org.reporter_groups)
        if a.optout[k]:
            out.append(base)
        if 0 <= a.age[k] < 25:
            out.append(base + 1)
        return out

    def fields(self, a: Attrs, k: int) -> dict:
        i = int(a.idx[k])
        x = h(self.seed, "fields", i)
        region = int(a.region1[k])
        paths: dict[int, str] = {}
        while region >= 0:
            r = self.org.regions[region]
            paths[r.level] = r.path
            region = r.parent if r.parent is not None else -1
        from .timefmt import iso_local

        reg = int(self.created_us(np.array([i]))[0]) + (x % (3 * 86400)) * US
        size = 1 + (x >> 8) % 9
        household = None if (x >> 12) % 5 == 0 else (f"{size}.5" if (x >> 16) % 10 == 0 else str(size))
        name = self.name(i, int(a.lang[k]))
        return {
            "age": str(int(a.age[k])) if a.age[k] >= 0 else None,
            # The gender the given name suggests; a guess for the unnamed; a few never said.
            "gender": None if (x >> 20) % 25 == 0 else (
                self.namer.gender(i, int(a.lang[k])) or ("female" if (x >> 24) % 2 else "male")),
            "registration_date": iso_local(reg, 2),
            "state": paths.get(1),
            "district": paths.get(2),
            "ward": paths.get(3),
            "occupation": None if (x >> 28) % 10 < 3 else OCCUPATIONS[(x >> 32) % len(OCCUPATIONS)],
            "nickname": name.split()[0].lower() if name and (x >> 36) % 100 < 15 else None,
            "household_size": household,
        }

    def last_seen_us(self, i: int) -> int | None:
        x = h(self.seed, "seen", i)
        return None if x % 5 == 0 else self.anchor - (x >> 8) % (60 * DAY // US) * US - 1


def _b36(n: int) -> str:
    out = ""
    for _ in range(5):
        n, d = divmod(n, 36)
        out = B36[d] + out
    return out


def urn_display(urn: str | None) -> str | None:
    """How RapidPro displays a URN: local phone format for tel, the path otherwise."""
    if urn is None:
        return None
    scheme, _, path = urn.partition(":")
    if scheme == "tel" and path.startswith("+250") and len(path) == 13:
        return "0%s %s %s" % (path[4:7], path[7:10], path[10:])
    return path


def contact_refs(table: ContactTable, idx: np.ndarray) -> dict[int, str]:
    """Run ``contact`` objects (uuid, name, urn, urn_display) as JSON, per contact index."""
    uniq = np.unique(np.asarray(idx, dtype=np.int64))
    lang = languages_of(table, uniq).tolist()
    kind = np.searchsorted(URN_KIND_CUTS, unit(vh(table.seed, "urnkind", uniq)), side="right").tolist()
    uuids = table.uuids(uniq)
    names = table.names(uniq, lang)
    phones = table.phone(uniq).tolist()
    out = {}
    for i, u, name, k, p in zip(uniq.tolist(), uuids, names, kind, phones, strict=True):
        jname = JSON_NAMES.get(name) or json.dumps(name)
        if k in (0, 1, 5):
            d = (8, 2, 3)[i % 3]
            out[i] = '{"uuid":"%s","name":%s,"urn":"tel:+2507%d%07d","urn_display":"07%d%d %03d %03d"}' % (
                u, jname, d, p, d, p // 1000000, p // 1000 % 1000, p % 1000)
        elif k == 6:
            out[i] = '{"uuid":"%s","name":%s,"urn":null,"urn_display":null}' % (u, jname)
        else:
            urn = table.urns(i, k)[0]
            out[i] = '{"uuid":"%s","name":%s,"urn":"%s","urn_display":"%s"}' % (u, jname, urn, urn_display(urn))
    return out


def languages_of(table: ContactTable, idx: np.ndarray) -> np.ndarray:
    """Language index per contact (-1 for none), as ``attrs`` computes it."""
    lang = np.searchsorted(np.cumsum(LANGUAGE_WEIGHTS), unit(vh(table.seed, "lang", idx)), side="right")
    return np.where(lang >= len(LANGUAGES), -1, lang)
