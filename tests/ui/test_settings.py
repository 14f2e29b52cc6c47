"""Settings precedence: flag > environment > locked policy > user > policy preset > default."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from fieldcrm.ui.dialogs import SettingsDialog
from fieldcrm.ui.settings import Settings, Source


def make(tmp_path: Path, policy: Mapping[str, object], **kw: object) -> Settings:
    system = QSettings(str(tmp_path / "policy.ini"), QSettings.Format.IniFormat)
    for key, value in policy.items():
        system.setValue(key, value)
    system.sync()
    user = QSettings(str(tmp_path / "user.ini"), QSettings.Format.IniFormat)
    return Settings(user, policy=system, **kw)  # type: ignore[arg-type]


def test_defaults_then_user_then_preset(tmp_path: Path) -> None:
    settings = make(tmp_path, {"sync_interval_minutes": 15}, environ={})
    assert settings.resolve("server_url").source is Source.DEFAULT
    assert settings.resolve("sync_interval_minutes").value == 15
    assert settings.resolve("sync_interval_minutes").source is Source.POLICY_PRESET
    settings.set_user_value("sync_interval_minutes", 3)
    assert settings.resolve("sync_interval_minutes").value == 3
    assert settings.resolve("sync_interval_minutes").source is Source.USER


def test_locked_policy_beats_user_and_cannot_be_changed(tmp_path: Path) -> None:
    settings = make(
        tmp_path,
        {"server_url": "https://crm.example.com/", "locked/server_url": "true"},
        environ={},
    )
    settings.user.setValue("server_url", "http://elsewhere")
    resolved = settings.resolve("server_url")
    assert (resolved.value, resolved.source, resolved.locked) == (
        "https://crm.example.com",
        Source.POLICY,
        True,
    )
    with pytest.raises(PermissionError):
        settings.set_user_value("server_url", "http://mine")


def test_environment_and_flag_win(tmp_path: Path) -> None:
    policy = {"language": "en", "locked/language": "true"}
    settings = make(tmp_path, policy, environ={"FIELDCRM_LANGUAGE": "de"})
    assert settings.resolve("language").source is Source.ENVIRONMENT
    assert settings.value("language") == "de"
    flagged = make(tmp_path, policy, environ={"FIELDCRM_LANGUAGE": "de"}, flags={"language": "en"})
    assert flagged.resolve("language").source is Source.FLAG


def test_bad_values_are_refused_with_a_message(tmp_path: Path) -> None:
    settings = make(tmp_path, {}, environ={})
    with pytest.raises(ValueError, match="between 1 and 1440"):
        settings.set_user_value("sync_interval_minutes", 0)
    with pytest.raises(ValueError, match="language must be one of"):
        settings.set_user_value("language", "fr")
    assert settings.resolve("sync_interval_minutes").source is Source.DEFAULT


def test_settings_dialog_shows_locked_value(tmp_path: Path, qtbot: QtBot) -> None:
    settings = make(
        tmp_path,
        {"server_url": "https://crm.example.com", "locked/server_url": "true"},
        environ={},
    )
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.server.text() == "https://crm.example.com"
    assert not dialog.server.isEnabled()
    assert dialog.lock_labels["server_url"].isVisible()
    assert dialog.interval.isEnabled()
    dialog.interval.setValue(12)
    dialog.language.setCurrentIndex(dialog.language.findData("de"))
    dialog.save()
    assert settings.value("sync_interval_minutes") == 12
    assert settings.value("language") == "de"
    assert settings.value("server_url") == "https://crm.example.com"
