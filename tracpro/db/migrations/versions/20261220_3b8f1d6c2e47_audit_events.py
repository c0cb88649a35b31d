"""audit events: the audit trail (who did what, when, in which org and region)

Revision ID: 3b8f1d6c2e47
Revises: 3c9e1f7a2b64
Create Date: 2026-12-20 09:00:00.000000

A new table; nothing that exists changes. The trail starts empty at the upgrade.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '3b8f1d6c2e47'
down_revision: str | None = '3c9e1f7a2b64'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    'signed_in', 'sign_in_failed', 'locked_out', 'signed_out',
    'user_created', 'user_changed', 'role_changed', 'regions_changed', 'user_deactivated', 'user_reactivated',
    'user_unlocked',
    'org_created', 'org_settings_changed', 'token_changed', 'org_deactivated', 'org_reactivated',
    'indicator_changed',
    'export_downloaded', 'message_sent', 'poll_started', 'poll_restarted',
    'contact_created', 'contact_edited', 'contact_deleted', 'sync_requested',
)


def upgrade() -> None:
    op.create_table(
        'audit_events',
        sa.Column('id', sa.BigInteger(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('org_id', sa.Integer(), nullable=True),
        sa.Column('region_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.Enum(*KINDS, name='audit_kind', native_enum=False, create_constraint=True,
                                  length=max(map(len, KINDS))), nullable=False),
        sa.Column('details', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"),
                  nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_audit_events_org_id_orgs'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_audit_events_region_id_regions'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_events_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    )
    op.create_index(op.f('ix_audit_events_at'), 'audit_events', ['at'], unique=False)
    op.create_index(op.f('ix_audit_events_user_id'), 'audit_events', ['user_id'], unique=False)
    op.create_index('ix_audit_events_org_id_at', 'audit_events', ['org_id', 'at'], unique=False)


def downgrade() -> None:
    op.drop_table('audit_events')
