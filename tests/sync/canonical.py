"""A canonical dump of what the sync stores for an org, to compare two databases.

Rows are named by RapidPro's identifiers instead of our surrogate ids (a killed transaction
still consumes sequence values) and bookkeeping timestamps (updated_at) are left out: two
syncs of the same data must agree on everything else.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, text

QUERIES = {
    "data_fields": "SELECT key, label, value_type, is_visible, is_active FROM data_fields WHERE org_id = :org",
    "contact_groups": """SELECT uuid, name, query, is_system, contact_count, is_active
                         FROM contact_groups WHERE org_id = :org""",
    "boundaries": """SELECT b.osm_id, b.name, b.level, p.osm_id AS parent, b.aliases, b.geometry
                     FROM boundaries b LEFT JOIN boundaries p ON p.id = b.parent_id WHERE b.org_id = :org""",
    "regions": """SELECT r.uuid, r.name, p.uuid AS parent, b.osm_id AS boundary, r.is_active
                  FROM regions r LEFT JOIN regions p ON p.id = r.parent_id
                  LEFT JOIN boundaries b ON b.id = r.boundary_id WHERE r.org_id = :org""",
    "reporter_groups": "SELECT uuid, name, is_active FROM reporter_groups WHERE org_id = :org",
    "contacts": """SELECT c.uuid, c.name, c.urn, c.language, r.uuid AS region, c.fields, c.group_uuids,
                          c.rapidpro_status, c.is_active, c.created_on, c.modified_on
                   FROM contacts c LEFT JOIN regions r ON r.id = c.region_id WHERE c.org_id = :org""",
    "contact_reporter_groups": """SELECT c.uuid AS contact, g.uuid AS reporter_group
                                  FROM contact_reporter_groups l JOIN contacts c ON c.id = l.contact_id
                                  JOIN reporter_groups g ON g.id = l.reporter_group_id WHERE c.org_id = :org""",
    "polls": """SELECT flow_uuid, rapidpro_name, custom_name, flow_type, is_archived, is_active, created_on
                FROM polls WHERE org_id = :org""",
    "questions": """SELECT p.flow_uuid, q.key, q.rapidpro_name, q.question_type, q.node_uuids, q.rules,
                           q.categories, q."order", q.is_active
                    FROM questions q JOIN polls p ON p.id = q.poll_id WHERE q.org_id = :org""",
    "pollruns": """SELECT p.flow_uuid, pr.pollrun_type, pr.conducted_date, pr.conducted_on, r.uuid AS region
                   FROM pollruns pr JOIN polls p ON p.id = pr.poll_id LEFT JOIN regions r ON r.id = pr.region_id
                   WHERE pr.org_id = :org""",
    "responses": """SELECT r.run_uuid, p.flow_uuid, pr.pollrun_type, pr.conducted_date, c.uuid AS contact,
                           r.status, r.is_active, r.created_on, r.updated_on
                    FROM responses r JOIN pollruns pr ON pr.id = r.pollrun_id JOIN polls p ON p.id = pr.poll_id
                    JOIN contacts c ON c.id = r.contact_id WHERE r.org_id = :org""",
    "answers": """SELECT r.run_uuid, q.key, c.uuid AS contact, a.value, a.value_number, a.category,
                         a.value_to_use, a.value_to_use_number, a.submitted_on, a.submitted_date
                  FROM answers a JOIN responses r ON r.id = a.response_id JOIN questions q ON q.id = a.question_id
                  JOIN contacts c ON c.id = a.contact_id WHERE a.org_id = :org""",
    "inbox_messages": """SELECT m.uuid, c.uuid AS contact, m.text, m.direction, m.status, m.archived,
                                m.created_on, m.sent_on
                         FROM inbox_messages m JOIN contacts c ON c.id = m.contact_id WHERE m.org_id = :org""",
}


def _hashable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value


def canonical_dump(engine: Engine, org_slug: str) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        org = connection.execute(text("SELECT id FROM orgs WHERE slug = :slug"), {"slug": org_slug}).scalar_one()
        return {
            table: sorted(
                (tuple(_hashable(value) for value in row) for row in connection.execute(text(query), {"org": org})),
                key=lambda row: tuple("" if value is None else str(value) for value in row),
            )
            for table, query in QUERIES.items()
        }


def differences(first: dict[str, list], second: dict[str, list], limit: int = 3) -> dict[str, Any]:
    """Per table, a few rows only in one dump or only in the other (empty when they agree)."""
    found = {}
    for table in QUERIES:
        first_rows, second_rows = set(first[table]), set(second[table])
        only_first = [row for row in first[table] if row not in second_rows]
        only_second = [row for row in second[table] if row not in first_rows]
        if only_first or only_second:
            found[table] = {"only in the first": only_first[:limit], "only in the second": only_second[:limit]}
    return found
