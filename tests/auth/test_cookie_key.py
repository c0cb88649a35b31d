"""The cookie key: refused when missing or a placeholder, made up once in demo mode."""

from __future__ import annotations

import pytest

from tracpro.auth.cookie_key import DEMO_KEY_FILE, CookieKeyRefused, problem_with, resolve_cookie_key
from tracpro.config import load_settings

GOOD = "Zq3v9KfL0pW7xY2mN5bR8tC1dE4gH6jS"  # 32 characters


def _settings(tmp_path, **environ):
    return load_settings(
        environ={"TRACPRO_DATA_DIR": str(tmp_path), **environ}, secrets_path=tmp_path / "none.toml"
    )


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        (None, "is not set"),
        ("", "is not set"),
        ("some_key", "is a placeholder"),  # streamlit-authenticator's default
        ("change-me", "is a placeholder"),
        ("CHANGE_ME-please-0123456789abcdefghijklmnop", "is a placeholder"),
        ("replace-me-with-a-long-random-string-0123456789", "is a placeholder"),
        ("short-but-random-9f8e7d", "is shorter than 32 characters"),
        ("a" * 40, "repeats too few characters"),
    ],
)
def test_unfit_keys_are_named_for_what_is_wrong(key, problem):
    assert problem in problem_with(key)


def test_a_random_key_of_32_characters_is_fine(tmp_path):
    assert problem_with(GOOD) is None
    assert resolve_cookie_key(_settings(tmp_path, TRACPRO_COOKIE_KEY=GOOD)) == GOOD


def test_outside_demo_mode_an_unfit_key_is_refused_in_one_sentence(tmp_path):
    with pytest.raises(CookieKeyRefused) as refused:
        resolve_cookie_key(_settings(tmp_path, TRACPRO_COOKIE_KEY="change-me"))
    message = str(refused.value)
    assert message.startswith("TracPro cannot sign anyone in: TRACPRO_COOKIE_KEY is a placeholder;")
    assert "secrets.toml" in message and message.count(". ") == 0


def test_the_key_may_come_from_secrets_toml(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'TRACPRO_COOKIE_KEY = "{GOOD}"\n')
    assert load_settings(environ={}, secrets_path=secrets).cookie_key == GOOD
    assert GOOD not in repr(load_settings(environ={}, secrets_path=secrets))  # never in a log line


def test_demo_mode_makes_up_a_key_once_and_keeps_it(tmp_path):
    settings = _settings(tmp_path, TRACPRO_DEMO="1")
    first = resolve_cookie_key(settings)
    assert problem_with(first) is None
    assert resolve_cookie_key(settings) == first
    assert (tmp_path / DEMO_KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert resolve_cookie_key(_settings(tmp_path, TRACPRO_DEMO="1", TRACPRO_COOKIE_KEY=GOOD)) == GOOD
