"""group status, absence and member checks: a group left out of groups.json is untracked only after
several passes, and the members of a re-evaluated group are read again

Revision ID: 82a5b673a4a2
Revises: 7e2b4d9a1c35
Create Date: 2026-12-07 07:00:00.000000

Existing groups start ready, seen on the last pass, with their members unchecked (the next pass
compares them with RapidPro's counts once).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '82a5b673a4a2'
down_revision: str | None = '7e2b4d9a1c35'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('contact_groups', sa.Column('status', sa.String(length=16), server_default='ready', nullable=False))
    op.add_column('contact_groups', sa.Column('missing_passes', sa.Integer(), server_default='0', nullable=False))
    op.add_column('contact_groups', sa.Column('missing_since', sa.DateTime(timezone=True), nullable=True))
    op.add_column('contact_groups', sa.Column('members_stale', sa.Boolean(), server_default=sa.text('false'),
                                              nullable=False))
    op.add_column('contact_groups', sa.Column('members_checked_count', sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column('contact_groups', 'members_checked_count')
    op.drop_column('contact_groups', 'members_stale')
    op.drop_column('contact_groups', 'missing_since')
    op.drop_column('contact_groups', 'missing_passes')
    op.drop_column('contact_groups', 'status')
