"""Organisations (one RapidPro workspace each) and the contact fields they sync."""

from __future__ import annotations

import enum

from sqlalchemy import LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracpro.db.base import (
    Base,
    bool_false,
    bool_true,
    created_at,
    intpk,
    name_str,
    org_fk,
    str_enum,
    updated_at,
)


class SameDayMode(enum.StrEnum):
    """How a numeric question's repeated answers by one contact on one org-local day are used."""

    USE_LAST = "use_last"
    SUM = "sum"


class Org(Base):
    __tablename__ = "orgs"

    id: Mapped[intpk]
    # Names the org on the command line (`sync_job.py --org SLUG`) and in URLs.
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[name_str]
    timezone: Mapped[str] = mapped_column(String(64), server_default="UTC")
    # UI languages (gettext codes such as "en", "fr", "ar"): the default and those offered.
    language: Mapped[str] = mapped_column(String(16), server_default="en")
    available_languages: Mapped[list[str]] = mapped_column(server_default='["en"]')

    rapidpro_host: Mapped[str] = mapped_column(String(255), server_default="")
    # The API token encrypted (tracpro.db.token_cipher), "" when there is none: never the token itself.
    # Only ever sent to rapidpro_host (tracpro.orgs.connection); a Fernet token outgrows its 255 characters.
    rapidpro_token_encrypted: Mapped[str] = mapped_column(Text, server_default="")

    sameday_mode: Mapped[SameDayMode] = mapped_column(
        str_enum(SameDayMode, "sameday_mode"), server_default=SameDayMode.USE_LAST.value
    )
    show_spoof_data: Mapped[bool_false]
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_content_type: Mapped[str | None] = mapped_column(String(64))

    is_active: Mapped[bool_true]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    def __repr__(self) -> str:
        return f"<Org {self.slug}>"


class FieldType(enum.StrEnum):
    """RapidPro's contact field types (API v2 `type`)."""

    TEXT = "text"
    NUMBER = "number"
    DATETIME = "datetime"
    STATE = "state"
    DISTRICT = "district"
    WARD = "ward"


class DataField(Base):
    """A RapidPro contact field; admins choose which are visible (filters, contact pages)."""

    __tablename__ = "data_fields"
    __table_args__ = (UniqueConstraint("org_id", "key"),)

    id: Mapped[intpk]
    org_id: Mapped[org_fk]
    key: Mapped[str] = mapped_column(String(64))
    label: Mapped[name_str]
    value_type: Mapped[FieldType] = mapped_column(str_enum(FieldType, "field_type"))
    is_visible: Mapped[bool_false]
    is_active: Mapped[bool_true]
