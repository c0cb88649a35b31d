"""sync request outcome: what a requested sync did, kept as data so each viewer reads it in their language

Revision ID: 5d2e8a1c9f30
Revises: 5d2a8c7e9f13
Create Date: 2026-12-22 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '5d2e8a1c9f30'
down_revision: str | None = '5d2a8c7e9f13'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('sync_requests', sa.Column('outcome', postgresql.JSONB(astext_type=sa.Text()), nullable=True))


def downgrade() -> None:
    op.drop_column('sync_requests', 'outcome')
