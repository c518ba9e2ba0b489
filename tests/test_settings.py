"""Settings: one table of name, default and help; user files and overrides checked by type."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import SettingError
from detente.settings import load_settings, setting_table


def test_every_setting_has_a_default_and_help() -> None:
    for setting in setting_table().values():
        assert setting.help.strip(), setting.name
        assert setting.default is not None, setting.name


def test_a_user_file_overrides_only_the_keys_it_sets(tmp_path: Path) -> None:
    f = tmp_path / "my.toml"
    f.write_text("batch_size = 16\n")
    s = load_settings(f)
    assert s.batch_size == 16
    assert s.commit_every == setting_table()["commit_every"].default


def test_command_line_overrides_are_coerced_to_the_default_type() -> None:
    s = load_settings(overrides=[("batch_size", "8"), ("keep_hypothetical", "false"), ("fetch_timeout", "3")])
    assert s.batch_size == 8 and s.keep_hypothetical is False and s.fetch_timeout == 3.0


def test_unknown_or_mistyped_settings_fail_with_a_message_naming_them() -> None:
    with pytest.raises(SettingError, match="unknown setting 'batchsize'"):
        load_settings(overrides=[("batchsize", "8")])
    with pytest.raises(SettingError, match="needs a int"):
        load_settings(overrides=[("batch_size", "many")])


def test_a_broken_settings_file_is_named_in_the_error(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text("batch_size = = 3")
    with pytest.raises(SettingError, match="bad.toml"):
        load_settings(f)
