"""The org's region tree as people choose from it: active regions, indented, depth first.

The sidebar, the user forms and the settings pages all draw it; tracpro.auth.scope decides
which of its regions a user may see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracpro.db.models import Region


@dataclass(frozen=True)
class RegionOption:
    id: int
    name: str
    depth: int  # 0 for the top of the tree shown, whatever its depth in the org


def region_options(session: Session, org_id: int, visible: Iterable[int] | None = None) -> list[RegionOption]:
    """Active regions as an indented tree (depth-first, siblings by name).

    With `visible`, only those regions are listed; one whose parent is not listed becomes a
    top of the tree shown.
    """
    query = select(Region.id, Region.name, Region.parent_id).where(Region.org_id == org_id, Region.is_active)
    rows = session.execute(query).all()
    wanted = None if visible is None else set(visible)
    rows = [row for row in rows if wanted is None or row.id in wanted]
    ids = {row.id for row in rows}
    children: dict[int | None, list] = {}
    for row in rows:
        children.setdefault(row.parent_id if row.parent_id in ids else None, []).append(row)
    options: list[RegionOption] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for row in sorted(children.get(parent_id, []), key=lambda row: (row.name.lower(), row.id)):
            options.append(RegionOption(row.id, row.name, depth))
            if depth < 32:  # a cycle in the tree must not hang the sidebar
                walk(row.id, depth + 1)

    walk(None, 0)
    return options
