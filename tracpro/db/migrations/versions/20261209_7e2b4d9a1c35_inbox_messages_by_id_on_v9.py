"""inbox messages by id on v9: a message without a uuid is named by its RapidPro id

Revision ID: 7e2b4d9a1c35
Revises: 4c1a9e2f7b63
Create Date: 2026-12-09 09:00:00.000000

A self-hosted RapidPro v9 gives messages an integer id and no uuid. The uuid becomes optional,
the id is stored beside it (unique per org, as the uuid is), and every message keeps one of
the two. Rows already stored all have a uuid, so nothing is rewritten.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7e2b4d9a1c35'
down_revision: str | None = '4c1a9e2f7b63'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('inbox_messages', sa.Column('rapidpro_id', sa.BigInteger(), nullable=True))
    op.alter_column('inbox_messages', 'uuid', existing_type=sa.String(length=36), nullable=True)
    op.create_unique_constraint(
        op.f('uq_inbox_messages_org_id_rapidpro_id'), 'inbox_messages', ['org_id', 'rapidpro_id']
    )
    op.create_check_constraint(
        op.f('ck_inbox_messages_named'), 'inbox_messages', 'uuid IS NOT NULL OR rapidpro_id IS NOT NULL'
    )


def downgrade() -> None:
    # Messages only a v9 server named (no uuid) cannot be kept without one.
    op.execute('DELETE FROM inbox_messages WHERE uuid IS NULL')
    op.drop_constraint(op.f('ck_inbox_messages_named'), 'inbox_messages', type_='check')
    op.drop_constraint(op.f('uq_inbox_messages_org_id_rapidpro_id'), 'inbox_messages', type_='unique')
    op.alter_column('inbox_messages', 'uuid', existing_type=sa.String(length=36), nullable=False)
    op.drop_column('inbox_messages', 'rapidpro_id')
