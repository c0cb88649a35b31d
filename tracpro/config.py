"""Settings, read in one place: the environment first, then `.streamlit/secrets.toml`.

The app and the sync job both call `load_settings()`; neither reads the environment itself.
This module must not import streamlit: the sync job runs without it.
"""

from __future__ import annotations

import os
import re
import secrets as random_secrets
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRETS_PATH = PROJECT_ROOT / ".streamlit" / "secrets.toml"
DEFAULT_DATA_DIR = PROJECT_ROOT / ".tracpro-data"


class SettingsError(Exception):
    """A setting is missing or unusable; the message is one sentence meant for the operator."""


@dataclass(frozen=True)
class Settings:
    # None means "use the embedded PostgreSQL whose data lives in data_dir".
    database_url: str | None
    data_dir: Path
    # Demo mode allows the built-in demo org and its printed logins; never on in production.
    demo_mode: bool
    # How many days the audit trail keeps an event; the sync job deletes older ones on every run.
    audit_days: int = 400
    # How the app and the sync job write log lines: "plain" text, or one JSON object a line ("json").
    log_format: str = "plain"
    # How long to wait for RapidPro to answer one request, in seconds.
    rapidpro_timeout: float = 120.0
    # How far before the largest modified_on already read each pass starts reading again, in
    # seconds: RapidPro stamps a change when its transaction starts and serves lists from a
    # replica, so a change can become visible after later ones were read (tracpro.sync.state).
    sync_overlap: float = 120.0
    # How long one org's pass may wait out RapidPro's rate limit in all, in seconds; past it the
    # resource stops where it is and goes on at the next run.
    throttle_wait: float = 60.0
    # How long one run of the sync job may spend on one org, in seconds (0: no limit); what is left
    # goes on at the next run, so a first sync of hours moves on steadily and the other orgs get
    # their turn.
    sync_pass_seconds: float = 600.0
    # A group RapidPro leaves out of groups.json is taken as gone (its region or reporter group no
    # longer tracked) once it has been left out of this many sync passes in a row, over at least
    # this many seconds: RapidPro also leaves out a smart group while it re-initializes it.
    group_gone_passes: int = 3
    group_gone_after: float = 3600.0
    # Signs login cookies (TRACPRO_COOKIE_KEY). Checked by tracpro.auth.cookie_key, which refuses
    # placeholders outside demo mode; kept out of repr so it never reaches a log line.
    cookie_key: str | None = field(default=None, repr=False)
    # Encrypt the RapidPro API tokens stored in the database (TRACPRO_TOKEN_KEYS, Fernet keys, the
    # first encrypting); used by tracpro.db.token_cipher, kept out of repr for the same reason.
    token_keys: tuple[str, ...] = field(default=(), repr=False)
    # Whether TRACPRO_DATA_DIR was set: outside demo mode the embedded PostgreSQL is used only in a
    # folder named so (tracpro.db.connection.database_url), never in the default inside the code.
    data_dir_named: bool = False
    # The words on the single sign-on button (TRACPRO_SINGLE_SIGN_ON_LABEL), e.g. "Sign in with
    # Google"; None: a sentence of TracPro's, translated. The provider itself is set in Streamlit's
    # `[auth]` secrets (tracpro.ui.single_sign_on).
    single_sign_on_label: str | None = None

    @property
    def uses_embedded_database(self) -> bool:
        return self.database_url is None


def _read_secrets(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path} is not valid TOML: {error}.") from error


def _lookup(name: str, environ: Mapping[str, str], secrets: Mapping[str, Any]) -> str | None:
    """An environment variable wins over a secret; secrets may spell the key in lower case."""
    value = environ.get(name)
    if value is None:
        value = secrets.get(name, secrets.get(name.lower()))
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _as_keys(value: str | None) -> tuple[str, ...]:
    """Keys listed one after the other, separated by commas, spaces or new lines."""
    return tuple(key for key in re.split(r"[\s,]+", value or "") if key)


def _as_bool(value: str | None) -> bool:
    return value is not None and value.lower() in {"1", "true", "yes", "on"}


def _as_seconds(name: str, value: str | None, default: float, allow_zero: bool = False) -> float:
    if value is None:
        return default
    try:
        seconds = float(value)
    except ValueError as error:
        raise SettingsError(f"{name} must be a number of seconds, not '{value}'.") from error
    if seconds < 0 or (seconds == 0 and not allow_zero):
        raise SettingsError(f"{name} must be more than 0 seconds." if not allow_zero
                            else f"{name} must be 0 seconds or more.")
    return seconds


def _seconds(name: str, environ: Mapping[str, str], secrets: Mapping[str, Any], default: float,
             allow_zero: bool = False) -> float:
    return _as_seconds(name, _lookup(name, environ, secrets), default, allow_zero)


def _as_count(value: str | None, default: int, name: str) -> int:
    if value is None:
        return default
    try:
        count = int(value)
    except ValueError as error:
        raise SettingsError(f"{name} must be a whole number, not '{value}'.") from error
    if count < 1:
        raise SettingsError(f"{name} must be at least 1.")
    return count


LOG_FORMATS = ("plain", "json")


def _as_log_format(value: str | None) -> str:
    if value is None:
        return "plain"
    if value.lower() not in LOG_FORMATS:
        raise SettingsError(f"TRACPRO_LOG_FORMAT must be plain or json, not '{value}'.")
    return value.lower()


def load_settings(environ: Mapping[str, str] | None = None, secrets_path: Path | None = None) -> Settings:
    environ = os.environ if environ is None else environ
    secrets = _read_secrets(SECRETS_PATH if secrets_path is None else secrets_path)
    data_dir = _lookup("TRACPRO_DATA_DIR", environ, secrets)
    return Settings(
        database_url=_lookup("DATABASE_URL", environ, secrets),
        data_dir=Path(data_dir).expanduser().resolve() if data_dir else DEFAULT_DATA_DIR,
        demo_mode=_as_bool(_lookup("TRACPRO_DEMO", environ, secrets)),
        audit_days=_as_count(_lookup("TRACPRO_AUDIT_DAYS", environ, secrets), 400, "TRACPRO_AUDIT_DAYS"),
        log_format=_as_log_format(_lookup("TRACPRO_LOG_FORMAT", environ, secrets)),
        cookie_key=_lookup("TRACPRO_COOKIE_KEY", environ, secrets),
        token_keys=_as_keys(_lookup("TRACPRO_TOKEN_KEYS", environ, secrets)),
        data_dir_named=bool(data_dir),
        single_sign_on_label=_lookup("TRACPRO_SINGLE_SIGN_ON_LABEL", environ, secrets) or None,
        rapidpro_timeout=_seconds("TRACPRO_RAPIDPRO_TIMEOUT", environ, secrets, default=120.0),
        sync_overlap=_seconds("TRACPRO_SYNC_OVERLAP", environ, secrets, default=120.0, allow_zero=True),
        throttle_wait=_seconds("TRACPRO_THROTTLE_WAIT", environ, secrets, default=60.0, allow_zero=True),
        sync_pass_seconds=_seconds("TRACPRO_SYNC_PASS_SECONDS", environ, secrets, default=600.0, allow_zero=True),
        group_gone_passes=_as_count(_lookup("TRACPRO_GROUP_GONE_PASSES", environ, secrets), 3,
                                    "TRACPRO_GROUP_GONE_PASSES"),
        group_gone_after=_seconds("TRACPRO_GROUP_GONE_SECONDS", environ, secrets, default=3600.0),
    )


def made_once(path: Path, make: Callable[[], str]) -> str:
    """The secret kept in `path`, made by `make()` the first time (the demo's keys, in its data folder).

    Processes starting together agree on one: the file appears complete or not at all, and the
    second to write it reads the first's. Only its owner may read it.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{random_secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(make() + "\n")
        try:
            # A hard link appears complete or not at all, and fails if another process won the race.
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
