"""An event's details as administrators read them: one line of plain text, each recorded detail
under a translated label, nothing recorded left out but ids, untrusted text kept as it was typed."""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from tests import factories as f
from tests.audit.test_events import ACTIONS, build_world
from tracpro.db.models import AuditKind
from tracpro.i18n import use_language
from tracpro.queries.audit_words import IDS, LABELS, details_in_words

KIGALI = ZoneInfo("Africa/Kigali")  # UTC+2
SAM = {"user": 7, "name": "Sam", "email": "sam@example.org"}
NINA = {"contact": 9, "name": "Nina", "urn": "tel:+250788000001"}
K = AuditKind

# Details as each recording function writes them (tracpro/auth, orgs, actions, indicators, sync,
# ui/exports), and their words in English.
EXAMPLES = [
    (K.SIGN_IN_FAILED, {"failures": 3}, "Failures: 3"),
    (K.SIGN_IN_FAILED, {"account": "none"}, "Account: no account has this email"),
    (K.LOCKED_OUT, {"until": "2026-11-02T09:50:00+00:00"}, "Locked until: 2026-11-02 11:50"),
    (K.USER_CREATED, {**SAM, "role": "supervisor", "regions": ["North", "South"], "superuser": False},
     "Person: Sam · Email: sam@example.org · Role: Supervisor · Regions: North, South · Superuser: no"),
    (K.USER_CREATED, {**SAM, "role": None, "regions": [], "superuser": True},
     "Person: Sam · Email: sam@example.org · Role: none · Regions: none · Superuser: yes"),
    (K.USER_CHANGED, {**SAM, "changed": {"name": ["Sam", "Samuel"], "password": "set"}},
     "Person: Sam · Email: sam@example.org · Name: Sam → Samuel · Password: changed"),
    (K.USER_CHANGED, {**SAM, "changed": {"password": "changed by themselves"}},
     "Person: Sam · Email: sam@example.org · Password: changed by themselves"),
    (K.USER_CHANGED, {**SAM, "changed": {"language": [None, "fr"]}},
     "Person: Sam · Email: sam@example.org · Language: the organization's → Français"),
    (K.ROLE_CHANGED, {**SAM, "role": ["supervisor", "admin"]},
     "Person: Sam · Email: sam@example.org · Role: Supervisor → Administrator"),
    (K.ROLE_CHANGED, {**SAM, "role": [None, "admin"]},
     "Person: Sam · Email: sam@example.org · Role: none → Administrator"),
    (K.REGIONS_CHANGED, {**SAM, "regions": [["North"], ["Kigali", "North"]]},
     "Person: Sam · Email: sam@example.org · Regions: added Kigali"),
    (K.REGIONS_CHANGED, {**SAM, "regions": [["North", "South"], ["Kigali"]]},
     "Person: Sam · Email: sam@example.org · Regions: added Kigali; removed North, South"),
    (K.USER_DEACTIVATED, SAM, "Person: Sam · Email: sam@example.org"),
    (K.USER_REACTIVATED, SAM, "Person: Sam · Email: sam@example.org"),
    (K.USER_UNLOCKED, {**SAM, "failures": 5}, "Person: Sam · Email: sam@example.org · Failures: 5"),
    (K.ORG_CREATED, {"name": "Kenya", "slug": "kenya", "rapidpro_host": ""},
     "Organization: Kenya · Short name: kenya · RapidPro host: none"),
    (K.ORG_SETTINGS_CHANGED,
     {"setting": "organization", "changed": {"timezone": ["UTC", "Africa/Kigali"],
                                             "available_languages": [["en", "fr"], ["ar", "en"]],
                                             "sameday_mode": ["use_last", "sum"], "show_spoof_data": [False, True],
                                             "visible_fields": [["age"], []], "logo": "replaced"}},
     "Setting: Organization · Timezone: UTC → Africa/Kigali · Languages: added العربية; removed Français · "
     "Repeated answers on one day: Use the last value submitted that day by each contact → Use the sum of the "
     "values submitted that day by each contact · Show spoof data on indicators: no → yes · "
     "Contact fields shown: removed age · Logo: replaced"),
    (K.ORG_SETTINGS_CHANGED, {"setting": "regions", "regions": ["North", "South"]},
     "Setting: Regions · Regions: North, South"),
    (K.ORG_SETTINGS_CHANGED, {"setting": "reporter_groups", "reporter_groups": ["Teachers"]},
     "Setting: Reporter groups · Reporter groups: Teachers"),
    (K.ORG_SETTINGS_CHANGED, {"setting": "polls", "polls": ["Attendance", "Water"]},
     "Setting: Polls · Polls: Attendance, Water"),
    (K.ORG_SETTINGS_CHANGED, {"setting": "region_tree", "parents": {"Gasabo": "Kigali", "Kigali": None}},
     "Setting: Region tree · Region tree: Gasabo (in Kigali), Kigali"),
    (K.ORG_SETTINGS_CHANGED, {"setting": "poll", "poll": "Attendance", "retyped_questions": 2},
     "Setting: Poll · Poll: Attendance · Questions given a new type: 2"),
    (K.ORG_SETTINGS_CHANGED, {"setting": "region_deactivated", "region": "Kigali", "moved_up": ["Gasabo"]},
     "Setting: Region deactivated · Region: Kigali · Sub-regions moved up: Gasabo"),
    (K.TOKEN_CHANGED, {"rapidpro_host": "https://rapidpro.example", "cleared": False},
     "RapidPro host: https://rapidpro.example · Token removed: no"),
    (K.ORG_DEACTIVATED, {"name": "Rwanda"}, "Organization: Rwanda"),
    (K.ORG_REACTIVATED, {"name": "Rwanda"}, "Organization: Rwanda"),
    (K.INDICATOR_CHANGED, {"indicator": 3, "name": "Attendance up", "action": "deleted"},
     "Indicator: Attendance up · Action: deleted"),
    (K.INDICATOR_CHANGED, {"action": "spoof data made", "pollruns": 92, "start": "2026-09-01", "end": "2026-11-30"},
     "Action: spoof data made · Poll dates: 92 · From: 2026-09-01 · To: 2026-11-30"),
    (K.EXPORT_DOWNLOADED, {"export": "responses", "poll": "Attendance", "pollrun": 4, "date": "2026-12-01",
                           "file": "responses-attendance-2026-12-01.csv", "rows": 1520},
     "Contents: Responses · Poll: Attendance · Poll date: 2026-12-01 · "
     "File: responses-attendance-2026-12-01.csv · Rows: 1,520"),
    (K.EXPORT_DOWNLOADED, {"export": "audit trail", "start": "2026-10-03", "end": "2026-11-02", "email": None,
                           "kinds": ["signed_in", "role_changed"], "unaffiliated": True, "file": "audit.csv",
                           "rows": 4},
     "Person: Everyone · Contents: Audit trail · From: 2026-10-03 · To: 2026-11-02 · "
     "What: Signed in, Role changed · Events of no organization: yes · File: audit.csv · Rows: 4"),
    (K.MESSAGE_SENT, {"message": 1, "audience": "non_respondents", "pollrun": 4, "recipients": 101,
                      "text": "Please answer\ntoday"},
     "Sent to: Non-respondents · Recipients: 101 · Message: Please answer today"),
    (K.POLL_STARTED, {"poll": "Attendance", "pollrun": 4, "region": "North", "propagated": True, "contacts": 1200},
     "Poll: Attendance · Region: North · Sub-regions too: yes · Contacts: 1,200"),
    (K.POLL_RESTARTED, {"poll": "Attendance", "pollrun": 4, "contacts": 3}, "Poll: Attendance · Contacts: 3"),
    (K.CONTACT_CREATED, NINA, "Contact: Nina · URN: tel:+250788000001"),
    (K.CONTACT_EDITED, {**NINA, "changed": ["groups", "name"]},
     "Contact: Nina · URN: tel:+250788000001 · Changed: Region and groups, Name"),
    (K.CONTACT_DELETED, NINA, "Contact: Nina · URN: tel:+250788000001"),
    (K.SYNC_REQUESTED, {"request": 2, "older_runs_days": 30}, "Days back: 30"),
    (K.SYNC_REQUESTED, {"request": 2, "older_runs_days": None}, "Days back: none"),
]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    use_language("en")
    yield
    use_language("en")


def test_every_kind_that_records_details_has_an_example():
    assert {kind for kind, _details, _words in EXAMPLES} == set(AuditKind) - {K.SIGNED_IN, K.SIGNED_OUT}


@pytest.mark.parametrize(("kind", "details", "words"), EXAMPLES, ids=lambda value: getattr(value, "value", ""))
def test_each_kind_in_words(kind, details, words):
    assert details_in_words(kind, details, KIGALI) == words


def test_no_details_no_words():
    assert details_in_words(K.SIGNED_IN, {}) == details_in_words(K.SIGNED_OUT, None) == ""


def test_a_moment_without_the_orgs_zone_is_shown_as_recorded():
    assert details_in_words(K.LOCKED_OUT, {"until": "2026-11-02T09:50:00+00:00"}) == "Locked until: 2026-11-02 09:50"


def test_an_unknown_detail_is_shown_under_its_own_name_after_the_known_ones():
    details = {"zone": "east", "failures": 2, "batch": [1, 2], "extra": {"a": True}, "user": "bob"}
    # An id key holding something other than an id is not an id: it is shown too.
    assert details_in_words("a_kind_of_tomorrow", details) == (
        "Failures: 2 · batch: 1, 2 · extra: a: yes · zone: east · user: bob")


def test_odd_shapes_are_worded_never_refused():
    details = {"role": {"x": 1}, "regions": [1, [2]], "changed": "everything", "until": "not a moment",
               "parents": ["North"], "audience": "everyone", "rows": 2.5}
    assert details_in_words(K.ROLE_CHANGED, details) == (
        "Role: x: 1 · Regions: 1, 2 · Changed: everything · Region tree: North · Locked until: not a moment · "
        "Sent to: everyone · Rows: 2.5")


HOSTILE = '**x** <img src=x onerror=alert(1)> =HYPERLINK("http://attacker.example","y")'


def test_untrusted_text_stays_literal_text():
    words = details_in_words(K.MESSAGE_SENT, {"text": HOSTILE, HOSTILE: HOSTILE})
    assert words == f"Message: {HOSTILE} · {HOSTILE}: {HOSTILE}"
    assert details_in_words(K.CONTACT_CREATED, {"name": "[a](http://x) `b`"}) == "Contact: [a](http://x) `b`"


def test_in_french():
    use_language("fr")
    assert details_in_words(K.ROLE_CHANGED, {**SAM, "role": ["supervisor", "admin"]}) == (
        "Personne : Sam · E-mail : sam@example.org · Rôle : Superviseur → Administrateur")
    assert details_in_words(K.REGIONS_CHANGED, {**SAM, "regions": [["North"], ["Kigali"]]}).endswith(
        "Régions : ajout de Kigali ; retrait de North")
    assert details_in_words(K.EXPORT_DOWNLOADED, {"file": "r.csv", "rows": 4180, "unaffiliated": False}) == (
        "Événements sans organisation : non · Fichier : r.csv · Lignes : 4\u202f180")


def test_in_arabic_the_arrow_points_the_way_the_line_is_read_and_names_are_set_apart():
    use_language("ar")
    assert details_in_words(K.ROLE_CHANGED, {"role": ["supervisor", "admin"], "name": "Sam"}) == (
        "الشخص: \u2068Sam\u2069 · الدور: مشرف ← مسؤول")


@pytest.fixture
def world(db):
    return build_world(db, f.OrgFactory(name="Rwanda"))


@pytest.mark.parametrize("kind", list(AuditKind))
def test_every_detail_the_actions_record_has_words(world, kind):
    # The details as the code records them today: none falls back to its own name, no id shows.
    ACTIONS[kind](world)
    for event in world.events():
        changed = event.details.get("changed")
        recorded = set(event.details) | (set(changed) if isinstance(changed, dict) else set())
        assert recorded <= set(LABELS) | IDS, f"{event.kind}: no label for {recorded - set(LABELS) - IDS}"
        words = details_in_words(event.kind, event.details, KIGALI)
        assert "{" not in words and "[" not in words, words
