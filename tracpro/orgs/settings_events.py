"""The audit events of changes to what an org is and tracks: its settings (what changed from what),
its RapidPro token (that it changed, never what to), the groups, polls and regions it tracks.

The functions that change them (tracpro.orgs.settings, tracpro.orgs.superuser, tracpro.orgs.tracking,
tracpro.orgs.polls) call these in the session they change the org through, so the events are
written with the change or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracpro.audit.trail import record
from tracpro.db.models import AuditKind, DataField, Org, Poll, Region

if TYPE_CHECKING:
    from tracpro.orgs.settings import OrgSettings


def record_settings(session: Session, org: Org, data: OrgSettings) -> None:
    """The Organization page's settings, about to be saved over `org` as it still is."""
    visible = sorted(session.scalars(select(DataField.key).where(DataField.org_id == org.id, DataField.is_visible)))
    before_after = {
        "name": (org.name, (data.name or "").strip()),
        "timezone": (org.timezone, data.timezone),
        "language": (org.language, data.language),
        "available_languages": (list(org.available_languages), list(data.available_languages)),
        "rapidpro_host": (org.rapidpro_host, (data.rapidpro_host or "").strip()),
        "sameday_mode": (org.sameday_mode.value, data.sameday_mode),
        "show_spoof_data": (org.show_spoof_data, data.show_spoof_data),
        "visible_fields": (visible, sorted(data.visible_fields)),
    }
    changed: dict[str, object] = {name: list(pair) for name, pair in before_after.items() if pair[0] != pair[1]}
    if data.remove_logo and org.logo is not None:
        changed["logo"] = "removed"
    elif data.logo is not None:
        changed["logo"] = "replaced" if org.logo is not None else "added"
    if changed:
        record(session, AuditKind.ORG_SETTINGS_CHANGED, org.id, {"setting": "organization", "changed": changed})
    host = (data.rapidpro_host or "").strip()
    if data.rapidpro_token is not None:
        # A token typed is a token changed: it is compared with nothing (it is stored encrypted).
        record(session, AuditKind.TOKEN_CHANGED, org.id,
               {"rapidpro_host": host, "cleared": not data.rapidpro_token.strip()})
    elif not host and org.rapidpro_token_encrypted:  # an emptied host drops the token
        record(session, AuditKind.TOKEN_CHANGED, org.id, {"rapidpro_host": host, "cleared": True})


def record_setting(session: Session, org_id: int, setting: str, **as_it_is: object) -> None:
    """A setting of the org other than the Organization page's (`setting`: "regions", "reporter_groups",
    "polls", "region_tree", "poll" ...), described as it now is."""
    record(session, AuditKind.ORG_SETTINGS_CHANGED, org_id, {"setting": setting, **as_it_is})


def record_active(session: Session, org: Org, active: bool) -> None:
    """`org` is about to be (de)activated; recorded when that changes anything."""
    if org.is_active != active:
        record(session, AuditKind.ORG_REACTIVATED if active else AuditKind.ORG_DEACTIVATED, org.id, {"name": org.name})


def record_polls(session: Session, org_id: int, flow_uuids: Sequence[str]) -> None:
    """The flows that are now the org's polls, by name."""
    names = session.scalars(select(Poll.name).where(Poll.org_id == org_id, Poll.flow_uuid.in_(list(flow_uuids))))
    record_setting(session, org_id, "polls", polls=sorted(names, key=str.lower))


def record_region_tree(session: Session, org_id: int) -> None:
    """The org's region tree as it now is: each active region with its parent's name."""
    regions = session.scalars(select(Region).where(Region.org_id == org_id, Region.is_active)).all()
    names = {region.id: region.name for region in regions}
    tree = {region.name: names.get(region.parent_id) if region.parent_id else None for region in regions}
    record_setting(session, org_id, "region_tree", parents=dict(sorted(tree.items())))
