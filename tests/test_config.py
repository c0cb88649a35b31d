"""Settings come from the environment first, then .streamlit/secrets.toml."""

from __future__ import annotations

import pytest

from tracpro.config import DEFAULT_DATA_DIR, SettingsError, load_settings


def test_with_nothing_configured_the_embedded_database_is_used(tmp_path):
    settings = load_settings(environ={}, secrets_path=tmp_path / "absent.toml")
    assert settings.uses_embedded_database
    assert settings.data_dir == DEFAULT_DATA_DIR
    assert settings.demo_mode is False


def test_the_environment_wins_over_secrets(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('DATABASE_URL = "postgresql://from-secrets/db"\n')
    assert load_settings(environ={}, secrets_path=secrets).database_url == "postgresql://from-secrets/db"
    environ = {"DATABASE_URL": "postgresql://from-env/db"}
    assert load_settings(environ=environ, secrets_path=secrets).database_url == "postgresql://from-env/db"


def test_secrets_may_spell_keys_in_lower_case_and_blank_means_unset(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('database_url = "postgresql://lower/db"\ntracpro_demo = "yes"\n')
    settings = load_settings(environ={"TRACPRO_DATA_DIR": str(tmp_path / "pg")}, secrets_path=secrets)
    assert settings.database_url == "postgresql://lower/db"
    assert settings.demo_mode is True
    assert settings.data_dir == tmp_path / "pg"
    assert load_settings(environ={"DATABASE_URL": "  "}, secrets_path=tmp_path / "x").database_url is None


def test_unreadable_secrets_are_reported_in_one_sentence(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("DATABASE_URL = postgresql://unquoted\n")
    with pytest.raises(SettingsError, match="is not valid TOML"):
        load_settings(environ={}, secrets_path=secrets)


def test_the_rapidpro_timeout_is_a_positive_number_of_seconds(tmp_path):
    absent = tmp_path / "absent.toml"
    assert load_settings(environ={}, secrets_path=absent).rapidpro_timeout == 120.0
    assert load_settings(environ={"TRACPRO_RAPIDPRO_TIMEOUT": "2.5"}, secrets_path=absent).rapidpro_timeout == 2.5
    for bad in ("soon", "0", "-3"):
        with pytest.raises(SettingsError, match="TRACPRO_RAPIDPRO_TIMEOUT"):
            load_settings(environ={"TRACPRO_RAPIDPRO_TIMEOUT": bad}, secrets_path=absent)


def test_the_sync_overlap_the_throttle_wait_and_the_time_per_org_are_seconds_zero_or_more(tmp_path):
    absent = tmp_path / "absent.toml"
    settings = load_settings(environ={}, secrets_path=absent)
    assert (settings.sync_overlap, settings.throttle_wait, settings.sync_pass_seconds) == (120.0, 60.0, 600.0)
    given = load_settings(environ={"TRACPRO_SYNC_OVERLAP": "300", "TRACPRO_THROTTLE_WAIT": "0",
                                   "TRACPRO_SYNC_PASS_SECONDS": "0"}, secrets_path=absent)
    assert (given.sync_overlap, given.throttle_wait, given.sync_pass_seconds) == (300.0, 0.0, 0.0)
    for name in ("TRACPRO_SYNC_OVERLAP", "TRACPRO_THROTTLE_WAIT", "TRACPRO_SYNC_PASS_SECONDS"):
        for bad in ("a minute", "-1"):
            with pytest.raises(SettingsError, match=name):
                load_settings(environ={name: bad}, secrets_path=absent)


def test_the_audit_trail_keeps_400_days_and_logs_are_plain_unless_told(tmp_path):
    absent = tmp_path / "absent.toml"
    settings = load_settings(environ={}, secrets_path=absent)
    assert (settings.audit_days, settings.log_format) == (400, "plain")
    settings = load_settings(environ={"TRACPRO_AUDIT_DAYS": "30", "TRACPRO_LOG_FORMAT": "JSON"}, secrets_path=absent)
    assert (settings.audit_days, settings.log_format) == (30, "json")
    for name, bad in (("TRACPRO_AUDIT_DAYS", "0"), ("TRACPRO_AUDIT_DAYS", "a year"), ("TRACPRO_LOG_FORMAT", "xml")):
        with pytest.raises(SettingsError, match=name):
            load_settings(environ={name: bad}, secrets_path=absent)


def test_when_a_group_left_out_of_groups_json_counts_as_gone(tmp_path):
    absent = tmp_path / "absent.toml"
    settings = load_settings(environ={}, secrets_path=absent)
    assert (settings.group_gone_passes, settings.group_gone_after) == (3, 3600.0)
    settings = load_settings(environ={"TRACPRO_GROUP_GONE_PASSES": "5", "TRACPRO_GROUP_GONE_SECONDS": "600"},
                             secrets_path=absent)
    assert (settings.group_gone_passes, settings.group_gone_after) == (5, 600.0)
    for name, bad in (("TRACPRO_GROUP_GONE_PASSES", "0"), ("TRACPRO_GROUP_GONE_PASSES", "2.5"),
                      ("TRACPRO_GROUP_GONE_SECONDS", "-1")):
        with pytest.raises(SettingsError, match=name):
            load_settings(environ={name: bad}, secrets_path=absent)


def test_the_single_sign_on_button_says_what_the_deployment_names_it(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('TRACPRO_SINGLE_SIGN_ON_LABEL = "Sign in with the Ministry\'s account"\n')
    assert load_settings(environ={}, secrets_path=tmp_path / "absent.toml").single_sign_on_label is None
    assert load_settings(environ={"TRACPRO_SINGLE_SIGN_ON_LABEL": ""},
                         secrets_path=tmp_path / "absent.toml").single_sign_on_label is None
    assert load_settings(environ={}, secrets_path=secrets).single_sign_on_label == "Sign in with the Ministry's account"


def test_outside_demo_mode_the_embedded_database_needs_its_folder_named(tmp_path, monkeypatch):
    """A production start that forgot DATABASE_URL must not quietly make an empty database in the
    code folder (every new release folder would start empty)."""
    import tracpro.db.embedded
    from tracpro.db.connection import DatabaseUnavailable, database_url

    started = []
    monkeypatch.setattr(tracpro.db.embedded, "embedded_database_url", lambda folder: started.append(folder) or "url")
    absent = tmp_path / "absent.toml"
    with pytest.raises(DatabaseUnavailable, match="set DATABASE_URL to your PostgreSQL, or TRACPRO_DATA_DIR"):
        database_url(load_settings(environ={}, secrets_path=absent))
    assert started == []
    database_url(load_settings(environ={"TRACPRO_DATA_DIR": str(tmp_path / "pg")}, secrets_path=absent))
    database_url(load_settings(environ={"TRACPRO_DEMO": "1"}, secrets_path=absent))
    assert started == [tmp_path / "pg", DEFAULT_DATA_DIR]
