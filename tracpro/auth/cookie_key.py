"""The key that signs login cookies: given by the operator, or made up once in demo mode.

Anyone who knows the key can mint a cookie that the library accepts, so a placeholder key is
as good as none. Outside demo mode the app refuses to start signing people in with a key that
is missing, a known placeholder or shorter than 32 characters. In demo mode such a key is
replaced by a random one generated on first use and kept in the data folder (git-ignored),
so demo sign-ins survive restarts.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from tracpro.config import Settings, made_once
from tracpro.i18n import _

SETTING = "TRACPRO_COOKIE_KEY"
MIN_LENGTH = 32
DEMO_KEY_FILE = "cookie-key"

# Values people copy from examples, and streamlit-authenticator's own default.
_PLACEHOLDERS = {"some_key", "somekey", "secret", "key", "cookie_key", "cookiekey", "password", "tracpro"}
_PLACEHOLDER_WORDS = re.compile(
    r"change[-_ ]?me|changeit|placeholder|replace[-_ ]?me|example|your[-_ ]?(cookie[-_ ]?)?key|xxxx"
)

_KEY_COMMAND = '`python -c "import secrets; print(secrets.token_urlsafe(48))"`'


def how_to_fix() -> str:
    """What the operator should do, in the viewer's language (the page shows the refusal)."""
    return _(
        "set it in the environment or in .streamlit/secrets.toml to a random string of at least "
        "{length} characters, for example the output of {command}"
    ).format(length=MIN_LENGTH, command=_KEY_COMMAND)


class CookieKeyRefused(Exception):
    """The key cannot be used; `str()` is one sentence for the operator."""


def problem_with(key: str | None) -> str | None:
    """Why `key` must not sign cookies, in a few words; None when it is fit for use."""
    if key is None or not key.strip():
        return _("{setting} is not set").format(setting=SETTING)
    lowered = key.strip().lower()
    if lowered in _PLACEHOLDERS or _PLACEHOLDER_WORDS.search(lowered):
        return _("{setting} is a placeholder").format(setting=SETTING)
    if len(key) < MIN_LENGTH:
        return _("{setting} is shorter than {length} characters").format(setting=SETTING, length=MIN_LENGTH)
    if len(set(key)) < 8:
        return _("{setting} repeats too few characters to be secret").format(setting=SETTING)
    return None


def _demo_key(data_dir: Path) -> str:
    """The demo's key, created on first use (and again if the file holds an unfit one)."""
    path = data_dir / DEMO_KEY_FILE
    if path.exists() and problem_with(path.read_text().strip()) is not None:
        path.unlink(missing_ok=True)
    return made_once(path, lambda: secrets.token_urlsafe(48))


def resolve_cookie_key(settings: Settings) -> str:
    """The key to sign cookies with; raises CookieKeyRefused outside demo mode when unfit."""
    problem = problem_with(settings.cookie_key)
    if problem is None:
        assert settings.cookie_key is not None  # problem_with refuses a missing key
        return settings.cookie_key.strip()
    if settings.demo_mode:
        return _demo_key(settings.data_dir)
    raise CookieKeyRefused(
        _("TracPro cannot sign anyone in: {problem}; {fix}.").format(problem=problem, fix=how_to_fix())
    )
