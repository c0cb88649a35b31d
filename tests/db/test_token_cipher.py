"""The key rules of the stored RapidPro tokens: encrypted with the first key of TRACPRO_TOKEN_KEYS,
decrypted with any; made up once in demo mode; refused, in a sentence, without a usable key."""

from __future__ import annotations

import stat

import pytest
from cryptography.fernet import Fernet

from tracpro.config import load_settings
from tracpro.db.token_cipher import DEMO_KEY_FILE, TokenKeyError, decrypt_token, encrypt_token, reencrypt_token

TOKEN = "0123456789abcdef0123456789abcdef01234567"
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _settings(tmp_path, **environ: str):
    return load_settings(environ={"TRACPRO_DATA_DIR": str(tmp_path), **environ}, secrets_path=tmp_path / "none.toml")


def test_a_token_is_stored_encrypted_and_read_back(tmp_path):
    settings = _settings(tmp_path, TRACPRO_TOKEN_KEYS=OLD)
    stored = encrypt_token(TOKEN, settings)
    assert TOKEN not in stored and TOKEN[:8] not in stored and TOKEN[-8:] not in stored
    assert decrypt_token(stored, settings) == TOKEN
    assert encrypt_token("", settings) == "" and decrypt_token("", settings) == ""


def test_the_keys_are_never_in_the_settings_repr(tmp_path):
    assert OLD not in repr(_settings(tmp_path, TRACPRO_TOKEN_KEYS=f"{NEW},{OLD}"))


def test_outside_demo_mode_no_key_is_refused_in_one_sentence_naming_the_setting(tmp_path):
    with pytest.raises(TokenKeyError) as refused:
        encrypt_token(TOKEN, _settings(tmp_path))
    assert str(refused.value).startswith("TRACPRO_TOKEN_KEYS is not set: RapidPro tokens are stored encrypted")
    assert "Fernet.generate_key()" in str(refused.value)
    assert not (tmp_path / DEMO_KEY_FILE).exists()


def test_a_key_that_is_not_a_fernet_key_is_refused(tmp_path):
    with pytest.raises(TokenKeyError, match="Key 2 of TRACPRO_TOKEN_KEYS is not a Fernet key"):
        encrypt_token(TOKEN, _settings(tmp_path, TRACPRO_TOKEN_KEYS=f"{NEW}, change-me"))


def test_demo_mode_makes_up_a_key_once_in_the_data_folder_and_keeps_it(tmp_path):
    stored = encrypt_token(TOKEN, _settings(tmp_path, TRACPRO_DEMO="1"))
    key_file = tmp_path / DEMO_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # Another process (the sync job beside the app) reads the same key.
    assert decrypt_token(stored, _settings(tmp_path, TRACPRO_DEMO="1")) == TOKEN
    assert decrypt_token(stored, _settings(tmp_path, TRACPRO_TOKEN_KEYS=key_file.read_text().strip())) == TOKEN


def test_a_key_given_wins_over_the_demos_own(tmp_path):
    stored = encrypt_token(TOKEN, _settings(tmp_path, TRACPRO_DEMO="1", TRACPRO_TOKEN_KEYS=NEW))
    assert not (tmp_path / DEMO_KEY_FILE).exists()
    assert decrypt_token(stored, _settings(tmp_path, TRACPRO_TOKEN_KEYS=NEW)) == TOKEN


def test_rotation_keeps_tokens_readable_and_then_the_old_key_can_go(tmp_path):
    stored = encrypt_token(TOKEN, _settings(tmp_path, TRACPRO_TOKEN_KEYS=OLD))
    both = _settings(tmp_path, TRACPRO_TOKEN_KEYS=f"{NEW},{OLD}")
    assert decrypt_token(stored, both) == TOKEN  # the new key first: tokens made with the old one still read
    assert decrypt_token(encrypt_token(TOKEN, both), _settings(tmp_path, TRACPRO_TOKEN_KEYS=NEW)) == TOKEN
    renewed = reencrypt_token(stored, both)
    assert decrypt_token(renewed, _settings(tmp_path, TRACPRO_TOKEN_KEYS=NEW)) == TOKEN
    with pytest.raises(TokenKeyError, match="the key that encrypted it is no longer among them"):
        decrypt_token(stored, _settings(tmp_path, TRACPRO_TOKEN_KEYS=NEW))
