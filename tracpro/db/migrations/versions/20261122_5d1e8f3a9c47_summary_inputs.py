"""summary inputs: the fingerprint of what an org's summaries were last computed from

Revision ID: 5d1e8f3a9c47
Revises: a7c3d91e5b20
Create Date: 2026-11-22 10:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5d1e8f3a9c47'
down_revision: str | None = 'a7c3d91e5b20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('summary_inputs',
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=200), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('org_id', name=op.f('pk_summary_inputs'))
    )


def downgrade() -> None:
    op.drop_table('summary_inputs')
