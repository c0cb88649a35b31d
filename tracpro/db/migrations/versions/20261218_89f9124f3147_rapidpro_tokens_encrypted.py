"""rapidpro tokens encrypted: orgs.rapidpro_token becomes orgs.rapidpro_token_encrypted

Revision ID: 89f9124f3147
Revises: 8955ce5f0a63
Create Date: 2026-12-18 09:00:00.000000

Every stored token is encrypted here, once, with the key the app and the sync job will decrypt it
with (tracpro.db.token_cipher: TRACPRO_TOKEN_KEYS, or the demo's own key), so no code ever has to
guess whether a value is a token or its encryption. A database holding tokens cannot be upgraded
without that key: the upgrade stops, changes nothing, and says which setting to set. The downgrade
decrypts them back into the old column.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracpro.db.connection import DatabaseUnavailable
from tracpro.db.token_cipher import TokenKeyError, decrypt_token, encrypt_token

revision: str = '89f9124f3147'
down_revision: str | None = '8955ce5f0a63'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _convert(source: str, target: str, convert) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text(f"SELECT id, {source} FROM orgs WHERE {source} <> ''")).all()
    try:
        converted = [{'id': org_id, 'value': convert(value)} for org_id, value in rows]
    except TokenKeyError as error:
        raise DatabaseUnavailable(
            f"The database holds RapidPro tokens, which TracPro now keeps encrypted, and they cannot be converted: "
            f"{error} Nothing was changed."
        ) from error
    if converted:
        connection.execute(sa.text(f"UPDATE orgs SET {target} = :value WHERE id = :id"), converted)


def upgrade() -> None:
    op.add_column('orgs', sa.Column('rapidpro_token_encrypted', sa.Text(), server_default='', nullable=False))
    _convert('rapidpro_token', 'rapidpro_token_encrypted', encrypt_token)
    op.drop_column('orgs', 'rapidpro_token')


def downgrade() -> None:
    op.add_column('orgs', sa.Column('rapidpro_token', sa.String(length=255), server_default='', nullable=False))
    _convert('rapidpro_token_encrypted', 'rapidpro_token', decrypt_token)
    op.drop_column('orgs', 'rapidpro_token_encrypted')
