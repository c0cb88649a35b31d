"""Generated messages (inbox, flows, sent), broadcasts and flow starts of the history.

Messages are three rank streams (streams.py): ``inbox`` -- incoming, not handled by a flow,
spread over the last 14 days so "last 7 days" is a real filter; ``flows`` -- incoming answers
handled by a flow; ``sent`` -- outgoing questions, ``sent_on`` two seconds after
``created_on`` (so the sent folder's ``-sent_on`` order equals ``-created_on``).  They are
served in the current server's shape, or in a v9 server's (``as_v9``) when asked.
"""

from __future__ import annotations

import json

import numpy as np

from .contacts import ContactTable, languages_of
from .flows import SLOTS, FlowSpec
from .hashing import h, pick, uid, unit, uuid7_many, vh, vscramble48
from .regions import Org
from .schedule import Schedule
from .streams import Batch, StreamSet
from .timefmt import DAY, MINUTE, US, iso, iso_many
from .vocab import INBOX_TEXT, LANGUAGES

INBOX, FLOWS, SENT = 0, 1, 2
SENT_DELAY = 2 * US
CHANNEL = '{"uuid":"%s","name":"Vonage"}'


class MessageTable:
    def __init__(self, seed: int, org: Org, contacts: ContactTable, flows: list[FlowSpec], anchor_us: int) -> None:
        tier = org.tier
        self.seed, self.org, self.ct, self.flows, self.anchor = seed, org, contacts, flows, anchor_us
        self.polls = [f for f in flows if f.is_poll]
        self.channel = CHANNEL % uid(seed, "channel")
        self.mask48 = h(seed, "msg-mask") & ((1 << 48) - 1)
        lin = ([0.0, 1.0], [0.0, 1.0])
        n = [tier.inbox_msgs, tier.flow_msgs, tier.sent_msgs]
        spans = [14 * DAY, 90 * DAY, 90 * DAY]
        t0 = [anchor_us - sp for sp in spans]
        self.streams = StreamSet(seed, "messages", t0, [sp / US - 3 for sp in spans], n, [0, 0, 0], [lin],
                                 [0, n[0], n[0] + n[1]], anchor_us)

    def contact_of(self, ids: np.ndarray) -> np.ndarray:
        """A live contact with a URN for each message (hash pick, skipping URN-less ones)."""
        live = self.ct.live
        c = pick(vh(self.seed, "msg-contact", ids), live)
        for _ in range(3):
            kind = np.searchsorted([0.80, 0.86, 0.90, 0.93, 0.96, 0.985], unit(vh(self.seed, "urnkind", c)),
                                   side="right")
            c = np.where(kind == 6, (c + 1) % live, c)
        return c

    def render(self, b: Batch, archived: dict[int, int] | None = None) -> list[str]:
        """JSON text per message; ``archived`` maps contact index -> time its messages were archived."""
        if len(b) == 0:
            return []
        ids = b.ids
        c = self.contact_of(ids)
        lang = languages_of(self.ct, c)
        lang = np.where(lang < 0, 0, lang).tolist()
        kinds = np.searchsorted([0.80, 0.86, 0.90, 0.93, 0.96, 0.985], unit(vh(self.seed, "urnkind", c)),
                                side="right").tolist()
        x = vh(self.seed, "msg", ids).tolist()
        uuids = self.ct.uuids(c)
        names = self.ct.names(c, languages_of(self.ct, c).tolist())
        stamps = iso_many(np.concatenate([b.t, b.t + SENT_DELAY, b.t + 500_000]))
        n = len(b)
        msg_uuids = uuid7_many(b.t // 1000, vh(self.seed, "msg", ids) >> np.uint64(20), vscramble48(ids, self.mask48))
        out = []
        for k in range(n):
            s, rid, ci, xk = int(b.s[k]), int(ids[k]), int(c[k]), x[k]
            urn = self.ct.urns(ci, kinds[k])[0]
            flow = "null"
            if s == INBOX:
                texts = INBOX_TEXT[LANGUAGES[lang[k]]]
                text = texts[xk % len(texts)]
            else:
                f = self.polls[xk % len(self.polls)]
                flow = f.ref_json
                q = (xk >> 8) % len(f.questions)
                text = (f.slot_options[q][lang[k]][(xk >> 16) % SLOTS][0] if s == FLOWS
                        else f.questions[q].text)
            visible = not (archived and ci in archived and archived[ci] >= int(b.t[k]))
            incoming = s != SENT
            out.append("".join([
                '{"uuid":"', msg_uuids[k], '","id":', str(rid),
                ',"broadcast":null,"contact":{"uuid":"', uuids[k], '","name":',
                json.dumps(names[k]), '},"urn":"', urn,
                '","channel":', self.channel, ',"direction":"', "in" if incoming else "out",
                '","type":"text","status":"', "handled" if incoming else ("delivered" if xk % 4 else "sent"),
                '","archived":', "false" if visible else "true", ',"visibility":"',
                "visible" if visible else "archived", '","text":', json.dumps(text, ensure_ascii=True),
                ',"labels":[],"flow":', flow, ',"attachments":[],"quick_replies":[],"media":null,"created_on":"',
                stamps[k], '","sent_on":', "null" if incoming else '"' + stamps[n + k] + '"',
                ',"modified_on":"', stamps[2 * n + k] if incoming else stamps[n + k], '"}']))
        return out


# A self-hosted v9 server (the community fork, rapidpro/rapidpro v9.0.0) serves messages by
# MsgReadSerializer's fields of that version: an integer `id`, no `uuid` and no `quick_replies`.
V9_MESSAGE_KEYS = ("id", "broadcast", "contact", "urn", "channel", "direction", "type", "status", "archived",
                   "visibility", "text", "labels", "flow", "attachments", "created_on", "sent_on", "modified_on",
                   "media")


def as_v9(items: list[str]) -> list[str]:
    """Messages (JSON text) in a v9 server's shape."""
    out = []
    for item in items:
        message = json.loads(item)
        out.append(json.dumps({key: message.get(key) for key in V9_MESSAGE_KEYS}, ensure_ascii=True,
                              separators=(",", ":")))
    return out


def history_broadcasts(seed: int, org: Org, anchor_us: int) -> list[dict]:
    """A few broadcasts sent to reporter groups over the history (newest last)."""
    out = []
    count = 6 + len(org.reporter_groups)
    for k in range(count):
        g = org.reporter_groups[k % len(org.reporter_groups)]
        created = anchor_us - 88 * DAY + k * (86 * DAY // count) + h(seed, "bc-min", k) % (600 * MINUTE)
        out.append({"uuid": uid(seed, "broadcast", k), "id": k + 1, "status": "completed",
                    "progress": {"total": 100 + k * 7, "started": 100 + k * 7}, "urns": [], "contacts": [],
                    "groups": [{"uuid": g.uuid, "name": g.name}],
                    "text": {"eng": "Reminder: this week's poll is open. Thank you for reporting!"},
                    "attachments": {"eng": []}, "quick_replies": {"eng": []}, "base_language": "eng",
                    "created_on": iso(created), "_t": created})
    return out


def history_flow_starts(seed: int, org: Org, schedule: Schedule) -> list[dict]:
    """The flow starts behind the waves whose runs carry ``start`` (newest last)."""
    out: list[dict] = []
    for w, (fi, _week, start, n, start_uuid) in enumerate(schedule.waves):
        if not start_uuid:
            continue
        f = schedule.flows[fi]
        g = org.reporter_groups[w % len(org.reporter_groups)]
        modified = start + 5 * MINUTE
        out.append({"uuid": start_uuid, "id": len(out) + 1, "flow": f.ref, "status": "completed",
                    "progress": {"total": n, "started": n}, "groups": [{"uuid": g.uuid, "name": g.name}],
                    "contacts": [], "params": {}, "created_on": iso(start - MINUTE), "modified_on": iso(modified),
                    "extra": {}, "restart_participants": True, "exclude_active": False, "_t": modified})
    out.sort(key=lambda d: (d["_t"], d["id"]))
    return out
