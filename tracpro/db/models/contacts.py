"""Contacts: the people who answer polls, synced from RapidPro and edited from TracPro."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracpro.db.base import (
    Base,
    bool_true,
    created_at,
    intpk,
    json_dict,
    json_list,
    org_fk,
    rapidpro_uuid,
    updated_at,
)
from tracpro.db.models.groups import Region, ReporterGroup

contact_reporter_groups = Table(
    "contact_reporter_groups",
    Base.metadata,
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "reporter_group_id",
        Integer,
        ForeignKey("reporter_groups.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("org_id", "uuid"),
        # Scoped reads filter contacts by region first.
        Index("ix_contacts_org_id_region_id", "org_id", "region_id"),
        # Duplicate URN checks on the contact form.
        Index("ix_contacts_org_id_urn", "org_id", "urn"),
    )

    id: Mapped[intpk]
    org_id: Mapped[org_fk]
    uuid: Mapped[rapidpro_uuid]
    name: Mapped[str] = mapped_column(String(255), server_default="")
    # The first URN RapidPro lists with a scheme we show (tel, twitter, twitterid, ...), with its scheme.
    urn: Mapped[str | None] = mapped_column(String(255))
    # ISO 639-3, as RapidPro stores it (eng, fra, kin, swa, ara ...).
    language: Mapped[str | None] = mapped_column(String(3))
    # One region per contact; None (and inactive) when the contact is in no tracked region.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="SET NULL"))
    # Every RapidPro field value, keyed by field key; values are strings or null, as RapidPro sends them.
    fields: Mapped[json_dict]
    # The uuids of all the contact's RapidPro groups: region and reporter groups are derived from
    # them, so a change of which groups are tracked needs no new sync.
    group_uuids: Mapped[json_list]
    # RapidPro's status: active, blocked, stopped, archived; "deleted" once RapidPro deleted it.
    rapidpro_status: Mapped[str] = mapped_column(String(16), server_default="active")
    # False when deleted or blocked in RapidPro, or outside every tracked region.
    is_active: Mapped[bool_true]

    # RapidPro's timestamps, used as the sync's watermark and shown on contact pages.
    created_on: Mapped[datetime | None]
    modified_on: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    region: Mapped[Region | None] = relationship()
    reporter_groups: Mapped[list[ReporterGroup]] = relationship(secondary=contact_reporter_groups)

    def __str__(self) -> str:
        # The original TracPro shows the URN's path when a contact has no name.
        if self.name:
            return self.name
        return (self.urn or "").partition(":")[2] or self.uuid
