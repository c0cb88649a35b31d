"""sync positions and malformed items: a pass resumes from the modified_on it committed; items
RapidPro sent that could not be read are kept aside

Revision ID: 8955ce5f0a63
Revises: 7e2d4b9a1c55
Create Date: 2026-12-16 09:00:00.000000

The watermark now means the largest modified_on a pass committed, where it meant the start of
the last pass by TracPro's clock; the value kept is at or after what that pass saw, and the next
pass starts a margin before it, so nothing is skipped by the change. A pass under way drops its
cursor and starts again from its own beginning (its pages are read again; writes are upserts).
What each resource has stored so far is counted from the rows it wrote.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '8955ce5f0a63'
down_revision: str | None = '7e2d4b9a1c55'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STORED_RUNS = """
UPDATE sync_states s SET stored_total = stored.n
FROM (SELECT p.org_id, 'runs:' || p.flow_uuid AS resource, count(r.id) AS n
      FROM polls p JOIN pollruns pr ON pr.poll_id = p.id JOIN responses r ON r.pollrun_id = pr.id
      GROUP BY 1, 2) AS stored
WHERE s.org_id = stored.org_id AND s.resource = stored.resource
"""
STORED_CONTACTS = """
UPDATE sync_states s SET stored_total = (
    SELECT count(*) FROM contacts c
    WHERE c.org_id = s.org_id AND (s.resource = 'contacts' OR c.rapidpro_status = 'deleted'))
WHERE s.resource IN ('contacts', 'deleted_contacts')
"""


def upgrade() -> None:
    op.create_table('malformed_items',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('resource', sa.String(length=100), nullable=False),
    sa.Column('item_key', sa.String(length=100), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=True),
    sa.Column('raw', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_malformed_items_org_id_orgs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_malformed_items')),
    sa.UniqueConstraint('org_id', 'resource', 'item_key', name=op.f('uq_malformed_items_org_id_resource_item_key'))
    )
    op.add_column('sync_states', sa.Column('pass_position', sa.DateTime(timezone=True), nullable=True))
    op.add_column('sync_states', sa.Column('stored_total', sa.BigInteger(), server_default='0', nullable=False))
    op.add_column('sync_states', sa.Column('expected_total', sa.BigInteger(), nullable=True))
    op.execute("UPDATE sync_states SET resume_cursor = NULL")
    op.execute(STORED_RUNS)
    op.execute(STORED_CONTACTS)


def downgrade() -> None:
    op.drop_column('sync_states', 'expected_total')
    op.drop_column('sync_states', 'stored_total')
    op.drop_column('sync_states', 'pass_position')
    op.drop_table('malformed_items')
