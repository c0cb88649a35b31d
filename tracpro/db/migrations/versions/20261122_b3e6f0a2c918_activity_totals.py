"""activity totals: the activity counts summed over every poll, and the per-poll tables indexed by poll

Revision ID: b3e6f0a2c918
Revises: 5d1e8f3a9c47
Create Date: 2026-11-22 12:30:00.000000

The totals are filled from the per-poll tables, so pages show the same counts straight after
the upgrade, before the next sync.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b3e6f0a2c918'
down_revision: str | None = '5d1e8f3a9c47'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, its extra key column, the per-poll table it sums)
TOTALS = (
    ('activity_region_totals', None, 'activity_days'),
    ('activity_language_totals', sa.Column('language', sa.String(length=8), nullable=False), 'activity_days'),
    ('activity_channel_totals', sa.Column('channel', sa.String(length=255), nullable=False), 'activity_days'),
    ('activity_group_totals', sa.Column('reporter_group_id', sa.Integer(), nullable=False), 'activity_group_days'),
)


def upgrade() -> None:
    op.create_index('ix_activity_days_org_id_poll_id_day', 'activity_days', ['org_id', 'poll_id', 'day'])
    op.create_index('ix_activity_group_days_org_id_poll_id_day', 'activity_group_days',
                    ['org_id', 'poll_id', 'day'])
    for table, split, source in TOTALS:
        key = ['org_id', 'day', 'region_id'] + ([split.name] if split is not None else [])
        op.create_table(table,
                        sa.Column('org_id', sa.Integer(), nullable=False),
                        sa.Column('day', sa.Date(), nullable=False),
                        sa.Column('region_id', sa.Integer(), nullable=False),
                        *([split] if split is not None else []),
                        sa.Column('responses', sa.BigInteger(), nullable=False),
                        sa.PrimaryKeyConstraint(*key, name=op.f(f'pk_{table}')))
        columns = ', '.join(key)
        op.execute(f'INSERT INTO {table} ({columns}, responses) '
                   f'SELECT {columns}, sum(responses) FROM {source} GROUP BY {columns}')


def downgrade() -> None:
    for table, _split, _source in reversed(TOTALS):
        op.drop_table(table)
    op.drop_index('ix_activity_group_days_org_id_poll_id_day', table_name='activity_group_days')
    op.drop_index('ix_activity_days_org_id_poll_id_day', table_name='activity_days')
