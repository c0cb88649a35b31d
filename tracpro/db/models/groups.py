"""RapidPro contact groups, and the ones an org tracks as regions or reporter groups; map boundaries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracpro.db.base import (
    Base,
    bool_false,
    bool_true,
    created_at,
    intpk,
    json_list,
    name_str,
    org_fk,
    rapidpro_uuid,
    updated_at,
)


class ContactGroup(Base):
    """Every RapidPro group of the org, as last synced: the choices on the settings pages."""

    __tablename__ = "contact_groups"
    __table_args__ = (UniqueConstraint("org_id", "uuid"),)

    id: Mapped[intpk]
    org_id: Mapped[org_fk]
    uuid: Mapped[rapidpro_uuid]
    name: Mapped[name_str]
    # Smart groups have a query; RapidPro's own ("Open Tickets") are system groups.
    query: Mapped[str | None] = mapped_column(String(1000))
    is_system: Mapped[bool_false]
    contact_count: Mapped[int] = mapped_column(server_default="0")
    # RapidPro's "ready", "evaluating" (a smart group being re-checked) or "invalid" (its query is
    # broken); groups.json never shows "initializing": the group is left out of it meanwhile.
    status: Mapped[str] = mapped_column(String(16), server_default="ready")
    # False once the group is gone from RapidPro: left out of groups.json for several passes in a
    # row, over a minimum time (tracpro.sync.groups), since a group being re-initialized is left out too.
    is_active: Mapped[bool_true]
    # Consecutive groups passes that did not list it, and the first of them.
    missing_passes: Mapped[int] = mapped_column(server_default="0")
    missing_since: Mapped[datetime | None]
    # RapidPro re-evaluated the group (its query changed, it was missing or evaluating): the members
    # we hold are to be read again from RapidPro (tracpro.sync.group_members).
    members_stale: Mapped[bool_false]
    # RapidPro's count when the members we hold last agreed with it, or were last read again.
    members_checked_count: Mapped[int | None]
    updated_at: Mapped[updated_at]


class Boundary(Base):
    """An administrative boundary from RapidPro (level 0 country, 1 state, 2 district, 3 ward)."""

    __tablename__ = "boundaries"
    __table_args__ = (UniqueConstraint("org_id", "osm_id"),)

    id: Mapped[intpk]
    org_id: Mapped[org_fk]
    osm_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[name_str]
    level: Mapped[int] = mapped_column(SmallInteger)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("boundaries.id", ondelete="SET NULL"), index=True
    )
    aliases: Mapped[json_list]
    # GeoJSON MultiPolygon, rings wound clockwise on ingest so plotly's geo maps draw them right.
    geometry: Mapped[dict[str, Any] | None]
    updated_at: Mapped[updated_at]


class Region(Base):
    """A RapidPro group tracked as a region ("panel"); a region grants all its sub-regions."""

    __tablename__ = "regions"
    __table_args__ = (UniqueConstraint("org_id", "uuid"),)

    id: Mapped[intpk]
    org_id: Mapped[org_fk]
    uuid: Mapped[rapidpro_uuid]
    name: Mapped[name_str]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="SET NULL"), index=True)
    boundary_id: Mapped[int | None] = mapped_column(ForeignKey("boundaries.id", ondelete="SET NULL"))
    is_active: Mapped[bool_true]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    parent: Mapped[Region | None] = relationship(remote_side=lambda: Region.id)
    boundary: Mapped[Boundary | None] = relationship()

    def __repr__(self) -> str:
        return f"<Region {self.name}>"


class ReporterGroup(Base):
    """A RapidPro group tracked as a reporter group ("cohort"); contacts may be in several."""

    __tablename__ = "reporter_groups"
    __table_args__ = (UniqueConstraint("org_id", "uuid"),)

    id: Mapped[intpk]
    org_id: Mapped[org_fk]
    uuid: Mapped[rapidpro_uuid]
    name: Mapped[name_str]
    is_active: Mapped[bool_true]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
