"""outbox maybe sent: an action whose answer from RapidPro was lost is "maybe_sent"

Revision ID: 7e2b5c0d4a19
Revises: 82a5b673a4a2
Create Date: 2026-12-15 09:00:00.000000

The status column widens to the new value's length and its CHECK constraint admits it. No row
changes: actions that went back to "pending" after a lost answer before this upgrade stay so.
Downgrading turns "maybe_sent" actions into "sending" ones, which the pusher of that version
also looks up in RapidPro before sending again (once their lease has run out).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7e2b5c0d4a19'
down_revision: str | None = '82a5b673a4a2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONSTRAINT = 'ck_outbox_actions_outbox_status'
BEFORE = ('pending', 'sending', 'done', 'failed')
AFTER = ('pending', 'sending', 'maybe_sent', 'done', 'failed')


def _allow(statuses: Sequence[str], length: int) -> None:
    op.drop_constraint(op.f(CONSTRAINT), 'outbox_actions', type_='check')
    op.alter_column('outbox_actions', 'status', type_=sa.String(length=length), existing_nullable=False,
                    existing_server_default='pending')
    listed = ', '.join(f"'{status}'" for status in statuses)
    op.create_check_constraint(op.f(CONSTRAINT), 'outbox_actions', f'status IN ({listed})')


def upgrade() -> None:
    _allow(AFTER, 10)


def downgrade() -> None:
    op.execute("UPDATE outbox_actions SET status = 'sending' WHERE status = 'maybe_sent'")
    _allow(BEFORE, 7)
