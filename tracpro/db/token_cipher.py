"""RapidPro API tokens encrypted at rest: the orgs table keeps a Fernet token (from `cryptography`)
made from each API token, never the API token itself; "" stays "" (no token).

The keys are TRACPRO_TOKEN_KEYS: one or more Fernet keys separated by commas. The first encrypts,
every one decrypts (MultiFernet), which is how a key is replaced: put the new key first and the
old one after it, run `python -m tracpro token-key rotate` (every stored token re-encrypted with
the new key), then drop the old key.

With no key set, demo mode makes one on first use and keeps it beside the embedded database in the
data folder (`token-key`), so the demo needs no setup and its app and sync job share it. Anywhere
else a token can be neither stored nor read until the key is set, and the error says how: a key
kept beside the data it protects guards only against copies of the database (a dump, a backup),
so production keeps its key apart, as it keeps the cookie key.

This module speaks to whoever runs TracPro: its sentences are English and name the setting.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from tracpro.config import Settings, load_settings, made_once

SETTING = "TRACPRO_TOKEN_KEYS"
DEMO_KEY_FILE = "token-key"
NEW_KEY_COMMAND = '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`'


class TokenKeyError(Exception):
    """A token cannot be encrypted or decrypted; `str()` is one sentence for whoever runs TracPro."""


def _fernet(key: str, position: int) -> Fernet:
    try:
        return Fernet(key)
    except ValueError as error:
        raise TokenKeyError(
            f"Key {position} of {SETTING} is not a Fernet key (32 random bytes in URL-safe base64); "
            f"make one with {NEW_KEY_COMMAND}."
        ) from error


def cipher(settings: Settings | None = None) -> MultiFernet:
    """What encrypts with the first key and decrypts with any; raises TokenKeyError when there is none."""
    settings = settings or load_settings()
    keys = settings.token_keys
    if not keys and settings.demo_mode:
        keys = (made_once(settings.data_dir / DEMO_KEY_FILE, lambda: Fernet.generate_key().decode()),)
    if not keys:
        raise TokenKeyError(
            f"{SETTING} is not set: RapidPro tokens are stored encrypted with it. Set it in the environment or "
            f"in .streamlit/secrets.toml to a key made with {NEW_KEY_COMMAND}."
        )
    return MultiFernet([_fernet(key, position) for position, key in enumerate(keys, start=1)])


def encrypt_token(token: str, settings: Settings | None = None) -> str:
    """What the database keeps for `token`: its Fernet token under the first key; "" for no token."""
    if not token:
        return ""
    return cipher(settings).encrypt(token.encode()).decode()


def decrypt_token(stored: str, settings: Settings | None = None) -> str:
    """The API token `stored` was made from; "" for none. Raises TokenKeyError when no key opens it."""
    if not stored:
        return ""
    try:
        return cipher(settings).decrypt(stored.encode()).decode()
    except InvalidToken as error:
        raise TokenKeyError(
            f"A stored RapidPro token cannot be decrypted with the keys in {SETTING}: the key that encrypted it "
            "is no longer among them. Put that key back after the first one, or type the org's token again."
        ) from error


def reencrypt_token(stored: str, settings: Settings | None = None) -> str:
    """`stored` encrypted again with the first key (it may have been encrypted with any); "" stays ""."""
    if not stored:
        return ""
    try:
        return cipher(settings).rotate(stored.encode()).decode()
    except InvalidToken as error:
        raise TokenKeyError(
            f"A stored RapidPro token cannot be decrypted with any key in {SETTING}; nothing was re-encrypted."
        ) from error
