"""The audit trail in words: what each kind of event is called, and its details as one line an
administrator reads in their language ("Person: Sam · Role: Supervisor → Administrator").

The line is plain text for a table cell or a CSV file, never Markdown or HTML: names, emails and
messages in it are untrusted, and they stay exactly as they were typed (only line breaks become
spaces, so each event is one line). A detail this module has no words for is shown as
`key: value`, so a detail added later is never hidden; the only details left out are the ids of
what the event names (a person, a contact, a poll date ...), which mean nothing to a reader and
stay in the JSON the download also holds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from tracpro.auth.directory import ROLE_NAMES
from tracpro.db.models import AuditKind
from tracpro.i18n import LANGUAGES, N_, _, format_number, isolated
from tracpro.queries.messages import AUDIENCE_LABELS

# Translated where they are read (the read models are cached per language).
KIND_WORDS = {
    AuditKind.SIGNED_IN: N_("Signed in"),
    AuditKind.SIGN_IN_FAILED: N_("Sign-in failed"),
    AuditKind.LOCKED_OUT: N_("Locked out"),
    AuditKind.SIGNED_OUT: N_("Signed out"),
    AuditKind.USER_CREATED: N_("User created"),
    AuditKind.USER_CHANGED: N_("User changed"),
    AuditKind.ROLE_CHANGED: N_("Role changed"),
    AuditKind.REGIONS_CHANGED: N_("Regions changed"),
    AuditKind.USER_DEACTIVATED: N_("User deactivated"),
    AuditKind.USER_REACTIVATED: N_("User reactivated"),
    AuditKind.USER_UNLOCKED: N_("User unlocked"),
    AuditKind.ORG_CREATED: N_("Organization created"),
    AuditKind.ORG_SETTINGS_CHANGED: N_("Settings changed"),
    AuditKind.TOKEN_CHANGED: N_("RapidPro token changed"),
    AuditKind.ORG_DEACTIVATED: N_("Organization deactivated"),
    AuditKind.ORG_REACTIVATED: N_("Organization reactivated"),
    AuditKind.INDICATOR_CHANGED: N_("Indicator changed"),
    AuditKind.EXPORT_DOWNLOADED: N_("Download"),
    AuditKind.MESSAGE_SENT: N_("Message sent"),
    AuditKind.POLL_STARTED: N_("Poll started"),
    AuditKind.POLL_RESTARTED: N_("Poll restarted"),
    AuditKind.CONTACT_CREATED: N_("Contact added"),
    AuditKind.CONTACT_EDITED: N_("Contact edited"),
    AuditKind.CONTACT_DELETED: N_("Contact deleted"),
    AuditKind.SYNC_REQUESTED: N_("Sync requested"),
}

# Each detail's label; the line shows them in this order, then the unknown ones by name. The
# entries of a "changed" mapping (what an edit of a person or of the org's settings changed,
# each from what to what) take their labels from here too, where the "changed" detail stands.
LABELS = {
    "name": N_("Name"),
    "email": N_("Email"),
    "urn": N_("URN"),
    "slug": N_("Short name"),
    "setting": N_("Setting"),
    "export": N_("Contents"),
    "poll": N_("Poll"),
    "date": N_("Poll date"),
    "region": N_("Region"),
    "action": N_("Action"),
    "role": N_("Role"),
    "regions": N_("Regions"),
    "superuser": N_("Superuser"),
    "changed": N_("Changed"),
    "password": N_("Password"),
    "language": N_("Language"),
    "timezone": N_("Timezone"),
    "available_languages": N_("Languages"),
    "rapidpro_host": N_("RapidPro host"),
    "cleared": N_("Token removed"),
    "sameday_mode": N_("Repeated answers on one day"),
    "show_spoof_data": N_("Show spoof data on indicators"),
    "visible_fields": N_("Contact fields shown"),
    "logo": N_("Logo"),
    "reporter_groups": N_("Reporter groups"),
    "polls": N_("Polls"),
    "parents": N_("Region tree"),
    "moved_up": N_("Sub-regions moved up"),
    "retyped_questions": N_("Questions given a new type"),
    "failures": N_("Failures"),
    "account": N_("Account"),
    "until": N_("Locked until"),
    "audience": N_("Sent to"),
    "recipients": N_("Recipients"),
    "propagated": N_("Sub-regions too"),
    "contacts": N_("Contacts"),
    "text": N_("Message"),
    "pollruns": N_("Poll dates"),
    "start": N_("From"),
    "end": N_("To"),
    "kinds": N_("What"),
    "unaffiliated": N_("Events of no organization"),
    "file": N_("File"),
    "rows": N_("Rows"),
    "older_runs_days": N_("Days back"),
    "method": N_("Method"),
    "email_verified": N_("Email confirmed by the provider"),
}
# What "name" names depends on what the event is about; a download's "email" is its person filter.
_PEOPLE = (AuditKind.USER_CREATED, AuditKind.USER_CHANGED, AuditKind.ROLE_CHANGED, AuditKind.REGIONS_CHANGED,
           AuditKind.USER_DEACTIVATED, AuditKind.USER_REACTIVATED, AuditKind.USER_UNLOCKED)
_CONTACTS = (AuditKind.CONTACT_CREATED, AuditKind.CONTACT_EDITED, AuditKind.CONTACT_DELETED)
_ORGS = (AuditKind.ORG_CREATED, AuditKind.ORG_DEACTIVATED, AuditKind.ORG_REACTIVATED)
KIND_LABELS: dict[str, dict[str, str]] = {
    **{kind: {"name": N_("Person")} for kind in _PEOPLE},
    **{kind: {"name": N_("Contact")} for kind in _CONTACTS},
    **{kind: {"name": N_("Organization")} for kind in _ORGS},
    AuditKind.INDICATOR_CHANGED: {"name": N_("Indicator")},
    AuditKind.EXPORT_DOWNLOADED: {"email": N_("Person")},
}
# Ids of what the event names by name too: left out of the words (see the module docstring).
IDS = frozenset({"user", "contact", "indicator", "message", "pollrun", "request"})

# Values recorded as codes, in words; a code missing here is shown as it is.
_CHANGES = {"name": N_("Name"), "urn": N_("URN"), "language": N_("Language"), "fields": N_("Fields"),
            "groups": N_("Region and groups")}
VALUE_WORDS: dict[str, Mapping[Any, str]] = {
    "role": ROLE_NAMES,
    "audience": AUDIENCE_LABELS,
    "language": LANGUAGES,
    "available_languages": LANGUAGES,
    "kinds": KIND_WORDS,
    "changed": _CHANGES,
    "setting": {"organization": N_("Organization"), "regions": N_("Regions"),
                "reporter_groups": N_("Reporter groups"), "polls": N_("Polls"), "poll": N_("Poll"),
                "region_tree": N_("Region tree"), "region_deactivated": N_("Region deactivated")},
    "action": {"created": N_("created"), "changed": N_("changed"), "deleted": N_("deleted"),
               "spoof data made": N_("spoof data made"), "spoof data cleared": N_("spoof data cleared")},
    "export": {"responses": N_("Responses"), "audit trail": N_("Audit trail")},
    "password": {"set": N_("changed"), "changed by themselves": N_("changed by themselves")},
    "logo": {"added": N_("added"), "replaced": N_("replaced"), "removed": N_("removed")},
    "account": {"none": N_("no account has this email")},
    "method": {"single sign-on": N_("single sign-on")},
    "sameday_mode": {"use_last": N_("Use the last value submitted that day by each contact"),
                     "sum": N_("Use the sum of the values submitted that day by each contact")},
}
# What an empty value (None, no items) means: NONE, unless it means more here.
NONE = N_("none")
EMPTY_WORDS = {"email": N_("Everyone"), "kinds": N_("Everything"), "language": N_("the organization's")}
# Moments recorded in UTC, shown in the org's time like the trail's When.
MOMENTS = frozenset({"until"})
SEPARATOR = " · "
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]+")


def details_in_words(kind: AuditKind | str, details: Mapping[str, Any] | None, zone: tzinfo | None = None) -> str:
    """One event's details as a line of plain text in the current language: `Label: value` parts
    joined by " · ", in LABELS' order, then the unknown details by name (`key: value`). Lists are
    joined with commas, yes/no for booleans, counts with the language's marks, dates as recorded
    (ISO), a moment in `zone` (as recorded when None), a change `before → after` (for lists of
    names: what was added and removed). Empty for an event without details; never raises on odd ones."""
    details = details or {}
    overrides = KIND_LABELS.get(kind, {})  # by value: an AuditKind is its value as a string
    known = [key for key in LABELS if key in details]
    unknown = sorted(key for key in details if key not in LABELS and key not in IDS)
    unknown += sorted(key for key in details if key in IDS and not _is_id(details[key]))
    parts: list[str] = []
    for key in known + unknown:
        value = details[key]
        if key == "changed" and isinstance(value, Mapping):
            parts += [_part(_label(str(name)), _change_or_value(str(name), item, zone)) for name, item in value.items()]
        else:
            shown = _change(key, value[0], value[1], zone) if _is_pair(key, value) else _value(key, value, zone)
            parts.append(_part(_label(key, overrides), shown))
    return SEPARATOR.join(parts)


def _label(key: str, overrides: Mapping[str, str] | None = None) -> str:
    """The detail's label in the current language; an unknown detail's own name, untranslated."""
    marked = (overrides or {}).get(key) or LABELS.get(key)
    return _(marked) if marked else key


def _is_id(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _is_pair(key: str, value: Any) -> bool:
    """A (before, after) change: a role as a list, regions as two lists of names."""
    if not isinstance(value, list) or len(value) != 2:
        return False
    return key == "role" or (key == "regions" and all(isinstance(side, list) for side in value))


def _change_or_value(key: str, value: Any, zone: tzinfo | None) -> str:
    """An entry of a "changed" mapping: a pair is a change from what to what, else a value ("set")."""
    if isinstance(value, list) and len(value) == 2:
        return _change(key, value[0], value[1], zone)
    return _value(key, value, zone)


def _part(label: str, value: str) -> str:
    return _("{label}: {value}").format(label=label, value=value)


def _change(key: str, before: Any, after: Any, zone: tzinfo | None) -> str:
    if isinstance(before, list) and isinstance(after, list):
        added = [item for item in after if item not in before]
        removed = [item for item in before if item not in after]
        if added and removed:
            return _("{added}; {removed}").format(added=_("added {names}").format(names=_value(key, added, zone)),
                                                  removed=_("removed {names}").format(names=_value(key, removed, zone)))
        if added:
            return _("added {names}").format(names=_value(key, added, zone))
        if removed:
            return _("removed {names}").format(names=_value(key, removed, zone))
    # Translators: a change from one value to another; the arrow points from the old to the new.
    return _("{before} → {after}").format(before=_value(key, before, zone), after=_value(key, after, zone))


def _value(key: str, value: Any, zone: tzinfo | None) -> str:
    if value is None or value in ("", [], {}):
        return _(EMPTY_WORDS.get(key, NONE))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, list):
        # Translators: what separates the items of a list ("North, South").
        return _(", ").join(_value(key, item, zone) for item in value)
    if isinstance(value, Mapping):
        if key == "parents":
            return _(", ").join(_value(key, name, zone) if parent is None else _("{region} (in {parent})").format(
                region=_value(key, name, zone), parent=_value(key, parent, zone)) for name, parent in value.items())
        return _(", ").join(_part(_label(str(name)), _value(str(name), item, zone)) for name, item in value.items())
    words = VALUE_WORDS.get(key, {})
    if isinstance(value, str) and value in words:
        return _(words[value])
    if key in MOMENTS and isinstance(value, str):
        return _moment(value, zone)
    return isolated(_LINE_BREAKS.sub(" ", str(value)))


def _moment(text: str, zone: tzinfo | None) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return isolated(text)
    if moment.tzinfo is not None and zone is not None:
        moment = moment.astimezone(zone)
    return moment.strftime("%Y-%m-%d %H:%M")
