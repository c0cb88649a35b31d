"""`python -m tracpro token-key rotate`, run as an operator replacing the key runs it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from tests.conftest import ROOT
from tracpro.config import load_settings
from tracpro.db.connection import make_engine
from tracpro.db.migrate import upgrade_to_head
from tracpro.db.token_cipher import decrypt_token, encrypt_token

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _keys(keys: str):
    return load_settings(environ={"TRACPRO_TOKEN_KEYS": keys})


def _rotate(database_url: str, keys: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if "DATABASE_URL" not in key}
    environment |= {"DATABASE_URL": database_url, "TRACPRO_TOKEN_KEYS": keys}
    return subprocess.run([sys.executable, "-m", "tracpro", "token-key", "rotate"], cwd=ROOT, env=environment,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)


@pytest.fixture
def engine(fresh_database):
    engine = make_engine(fresh_database)
    upgrade_to_head(engine)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO orgs (slug, name, rapidpro_token_encrypted) VALUES "
                                "('unicef', 'UNICEF', :unicef), ('moh', 'MoH', :moh), ('new', 'New', '')"),
                           {"unicef": encrypt_token("unicef-token", _keys(OLD)),
                            "moh": encrypt_token("moh-token", _keys(OLD))})
    yield engine
    engine.dispose()


def _stored(engine) -> dict[str, str]:
    with engine.connect() as connection:
        return dict(connection.execute(text("SELECT slug, rapidpro_token_encrypted FROM orgs")).all())


def test_rotating_encrypts_every_token_with_the_new_key_so_the_old_one_can_go(fresh_database, engine):
    result = _rotate(fresh_database, f"{NEW},{OLD}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Encrypted 2 RapidPro token(s) again with the first key of TRACPRO_TOKEN_KEYS")
    stored = _stored(engine)
    assert {slug: decrypt_token(value, _keys(NEW)) for slug, value in stored.items()} == {
        "unicef": "unicef-token", "moh": "moh-token", "new": ""}


def test_rotating_without_the_key_a_token_was_encrypted_with_changes_nothing(fresh_database, engine):
    before = _stored(engine)
    result = _rotate(fresh_database, NEW)
    assert result.returncode == 2
    assert result.stderr.startswith("tracpro: The token of the org 'unicef' cannot be decrypted with any key in "
                                    "TRACPRO_TOKEN_KEYS: nothing was re-encrypted.")
    assert _stored(engine) == before
