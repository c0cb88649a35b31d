"""provider sign-ins: the single sign-on identities TracPro has acted on, each used once

Revision ID: 5d2a8c7e9f13
Revises: 3b8f1d6c2e47
Create Date: 2026-12-21 09:00:00.000000

A new table; nothing that exists changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5d2a8c7e9f13'
down_revision: str | None = '3b8f1d6c2e47'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'provider_sign_ins',
        sa.Column('identity_digest', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_provider_sign_ins_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('identity_digest', name=op.f('pk_provider_sign_ins')),
    )
    op.create_index(op.f('ix_provider_sign_ins_at'), 'provider_sign_ins', ['at'], unique=False)


def downgrade() -> None:
    op.drop_table('provider_sign_ins')
