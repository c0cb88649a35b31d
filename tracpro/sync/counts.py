"""How many rows a sync created, updated, deleted, left unchanged or found malformed.

Each syncer returns them, the engine adds them up page by page, and the runner logs and stores
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tracpro.db.upsert import Upserted


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    malformed: int = 0

    def add(self, other: Counts) -> Counts:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, values: dict[str, Any] | None) -> Counts:
        values = values or {}
        return cls(**{name: int(values.get(name, 0)) for name in cls.__dataclass_fields__})

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted

    def __str__(self) -> str:
        return " ".join(f"{name}={value}" for name, value in self.as_dict().items())

    @classmethod
    def of(cls, written: Upserted) -> Counts:
        """The counts of one upsert: rows inserted, rows updated, rows that already matched."""
        return cls(created=len(written.created), updated=len(written.updated), unchanged=written.unchanged)
