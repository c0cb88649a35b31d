"""activity summaries: daily response counts the sync job keeps for Home and Activity

Revision ID: a7c3d91e5b20
Revises: e960a14b1658
Create Date: 2026-11-22 06:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a7c3d91e5b20'
down_revision: str | None = 'e960a14b1658'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('activity_days',
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('channel', sa.String(length=255), nullable=False),
    sa.Column('responses', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('org_id', 'day', 'poll_id', 'region_id', 'language', 'channel',
                            name=op.f('pk_activity_days'))
    )
    op.create_table('activity_group_days',
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('reporter_group_id', sa.Integer(), nullable=False),
    sa.Column('responses', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('org_id', 'day', 'poll_id', 'region_id', 'reporter_group_id',
                            name=op.f('pk_activity_group_days'))
    )
    op.create_table('pollrun_region_counts',
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('pollrun_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('responses', sa.BigInteger(), nullable=False),
    sa.Column('answered', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('org_id', 'pollrun_id', 'region_id', name=op.f('pk_pollrun_region_counts'))
    )
    op.create_table('started_days',
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('responses', sa.BigInteger(), nullable=False)
    )
    op.create_index('ix_started_days_org_id_day', 'started_days', ['org_id', 'day'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_started_days_org_id_day', table_name='started_days')
    op.drop_table('started_days')
    op.drop_table('pollrun_region_counts')
    op.drop_table('activity_group_days')
    op.drop_table('activity_days')
