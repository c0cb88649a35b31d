"""Password hashing and the original TracPro's password messages."""

from __future__ import annotations

import bcrypt
import pytest

from tracpro.auth.passwords import (
    check_password,
    hash_password,
    new_password_errors,
    password_problem,
    unmatchable_hash,
)


def test_hashes_are_bcrypt_and_check_only_the_right_password():
    hashed = hash_password("a good password", rounds=4)
    assert hashed.startswith("$2b$04$")
    assert check_password("a good password", hashed)
    assert not check_password("a good passwort", hashed)
    assert bcrypt.checkpw(b"a good password", hashed.encode())  # plain bcrypt, as any other tool checks it


def test_something_that_is_not_a_hash_matches_nothing():
    assert not check_password("anything", "not-a-hash")
    assert not check_password("", unmatchable_hash())


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "This field is required."),
        ("123", "Ensure this value has at least 8 characters (it has 3)."),
        ("1234567", "Ensure this value has at least 8 characters (it has 7)."),
        (" padded password ", "A password cannot start or end with a space."),
        ("x" * 73, "Ensure this value has at most 72 bytes (it has 73)."),
    ],
)
def test_password_messages(password, message):
    assert password_problem(password) == message


def test_eight_characters_are_enough():
    assert password_problem("12345678") is None


def test_the_confirmation_must_match():
    assert new_password_errors("long enough", "long enougg") == {"confirm_password": "Passwords don't match."}
    assert new_password_errors("long enough", "") == {"confirm_password": "This field is required."}
    assert new_password_errors("long enough", "long enough") == {}


def test_an_optional_password_may_be_left_empty_but_not_half_filled():
    assert new_password_errors("", "", required=False) == {}
    assert new_password_errors("", "", required=True) == {"password": "This field is required."}
    assert new_password_errors("", "something", required=False) == {"password": "This field is required."}
