"""People who log in, and what they may do in each org."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
from tracpro.db.models.groups import Region


class User(Base):
    __tablename__ = "users"

    id: Mapped[intpk]
    login: Mapped[str] = mapped_column(String(254))
    name: Mapped[name_str]
    email: Mapped[str] = mapped_column(String(254), server_default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    is_superuser: Mapped[bool_false]
    is_active: Mapped[bool_true]
    # Set when an admin sets the password: the user must choose a new one at next login.
    must_change_password: Mapped[bool_false]
    # UI language chosen by the user; None means the org's default.
    language: Mapped[str | None] = mapped_column(String(16))

    failed_login_count: Mapped[int] = mapped_column(server_default="0")
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<User {self.login}>"


# Logins are compared case-insensitively: one account per address, however it is spelled.
Index("uq_users_login_lower", func.lower(User.login), unique=True)


class Role(enum.StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"


membership_regions = Table(
    "membership_regions",
    Base.metadata,
    Column("membership_id", Integer, ForeignKey("memberships.id", ondelete="CASCADE"), primary_key=True),
    Column("region_id", Integer, ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Membership(Base):
    """A user's role in one org, and the regions given to them there (sub-regions come with them)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "org_id"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    org_id: Mapped[org_fk]
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    created_at: Mapped[created_at]

    user: Mapped[User] = relationship(back_populates="memberships")
    regions: Mapped[list[Region]] = relationship(secondary=membership_regions)
