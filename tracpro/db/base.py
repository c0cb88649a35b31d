"""The declarative base: naming convention, type map and the column types models share.

The naming convention keeps constraint and index names stable, so Alembic migrations
can refer to them by name and `alembic check` compares like with like.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    false,
    func,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        # Every timestamp is stored with its zone; pages convert to the org's timezone.
        datetime: DateTime(timezone=True),
        date: Date,
        dict[str, Any]: JSONB,
        list[Any]: JSONB,
        list[str]: JSONB,
    }
    if TYPE_CHECKING:
        # Every model is declared with __tablename__, so it is mapped to a Table (never a join or a
        # subquery, which SQLAlchemy's general FromClause type allows); the sync's upserts insert into it.
        __table__: ClassVar[Table]


def str_enum(enum_class: type[enum.StrEnum], name: str) -> Enum:
    """A short VARCHAR with a CHECK constraint, storing the enum's values (not its member names).

    Native PostgreSQL enums are avoided because adding a value to one needs a migration that
    cannot run inside a transaction.
    """
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


# Keys
intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
# Tables that grow with every run (responses, answers, messages) get 64-bit keys.
bigintpk = Annotated[int, mapped_column(BigInteger, primary_key=True)]
org_fk = Annotated[int, mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)]

# RapidPro identifiers: UUIDs are kept as the strings RapidPro sends.
rapidpro_uuid = Annotated[str, mapped_column(String(36))]
name_str = Annotated[str, mapped_column(String(255))]

# Flags and timestamps with database-side defaults, so raw INSERTs (sync upserts) get them too.
bool_true = Annotated[bool, mapped_column(server_default=true())]
bool_false = Annotated[bool, mapped_column(server_default=false())]
created_at = Annotated[datetime, mapped_column(server_default=func.now())]
updated_at = Annotated[datetime, mapped_column(server_default=func.now(), onupdate=func.now())]

# Free-form RapidPro data.
json_dict = Annotated[dict[str, Any], mapped_column(JSONB, server_default=text("'{}'::jsonb"))]
json_list = Annotated[list[Any], mapped_column(JSONB, server_default=text("'[]'::jsonb"))]
