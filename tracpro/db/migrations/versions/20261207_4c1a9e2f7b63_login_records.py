"""login records: user_sessions renamed login_records ("session" now means the database session only)

Revision ID: 4c1a9e2f7b63
Revises: b3e6f0a2c918
Create Date: 2026-12-07 09:00:00.000000

Renamed in place, rows kept: everyone signed in stays signed in (the cookie's name is unchanged
too). The constraints, index and id sequence follow the table's new name, as the naming
convention would name them.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '4c1a9e2f7b63'
down_revision: str | None = 'b3e6f0a2c918'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (kind, name under user_sessions, name under login_records)
NAMES = (
    ('constraint', 'pk_user_sessions', 'pk_login_records'),
    ('constraint', 'uq_user_sessions_token_hash', 'uq_login_records_token_hash'),
    ('constraint', 'fk_user_sessions_user_id_users', 'fk_login_records_user_id_users'),
    ('index', 'ix_user_sessions_user_id', 'ix_login_records_user_id'),
    ('sequence', 'user_sessions_id_seq', 'login_records_id_seq'),
)


def _rename(table: str, renames: Sequence[tuple[str, str, str]]) -> None:
    for kind, old, new in renames:
        if kind == 'constraint':
            op.execute(f'ALTER TABLE {table} RENAME CONSTRAINT {old} TO {new}')
        elif kind == 'index':
            op.execute(f'ALTER INDEX {old} RENAME TO {new}')
        else:
            op.execute(f'ALTER SEQUENCE {old} RENAME TO {new}')


def upgrade() -> None:
    op.rename_table('user_sessions', 'login_records')
    _rename('login_records', NAMES)


def downgrade() -> None:
    op.rename_table('login_records', 'user_sessions')
    _rename('user_sessions', [(kind, new, old) for kind, old, new in NAMES])
