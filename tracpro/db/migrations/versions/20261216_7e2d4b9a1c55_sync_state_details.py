"""sync state details: what a resource remembers between passes (the archives read per poll)

Revision ID: 7e2d4b9a1c55
Revises: 7e2b5c0d4a19
Create Date: 2026-12-16 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '7e2d4b9a1c55'
down_revision: str | None = '7e2b5c0d4a19'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('sync_states', sa.Column('details', postgresql.JSONB(astext_type=sa.Text()),
                                           server_default=sa.text("'{}'::jsonb"), nullable=False))


def downgrade() -> None:
    op.drop_column('sync_states', 'details')
