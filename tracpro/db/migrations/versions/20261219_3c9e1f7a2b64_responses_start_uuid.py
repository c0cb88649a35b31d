"""responses start uuid: a run of a flow start TracPro does not know yet remembers the start

Revision ID: 3c9e1f7a2b64
Revises: 89f9124f3147
Create Date: 2026-12-19 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '3c9e1f7a2b64'
down_revision: str | None = '89f9124f3147'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('responses', sa.Column('start_uuid', sa.String(length=36), nullable=True))
    op.create_index('ix_responses_org_id_start_uuid', 'responses', ['org_id', 'start_uuid'], unique=False,
                    postgresql_where=sa.text('start_uuid IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('ix_responses_org_id_start_uuid', table_name='responses',
                  postgresql_where=sa.text('start_uuid IS NOT NULL'))
    op.drop_column('responses', 'start_uuid')
