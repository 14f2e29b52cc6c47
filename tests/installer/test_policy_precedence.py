"""The managed configuration the package installs, read by the desktop's settings:
flag > environment > locked policy > user > policy preset > default, and locked keys
cannot be changed in the settings dialog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from fieldcrm.ui.dialogs import SettingsDialog
from fieldcrm.ui.settings import Settings, Source, user_settings

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "installer" / "linux" / "FieldCRM.conf.in"
PACKAGE_URL = "https://crm.from-package.example"


@pytest.fixture
def package_policy(tmp_path: Path) -> QSettings:
    """The policy file exactly as installer/build-linux writes it."""
    path = tmp_path / "FieldCRM.conf"
    path.write_text(TEMPLATE.read_text().replace("@SERVER_URL@", PACKAGE_URL))
    return QSettings(str(path), QSettings.Format.IniFormat)


def make_settings(
    tmp_path: Path, policy: QSettings, flags: dict[str, Any] | None = None, **env: str
) -> Settings:
    return Settings(user_settings(tmp_path), policy=policy, flags=flags, environ=env)


def test_package_policy_locks_server_url_and_presets_interval(
    tmp_path: Path, package_policy: QSettings
) -> None:
    settings = make_settings(tmp_path, package_policy)
    server = settings.resolve("server_url")
    assert (server.value, server.source, server.locked) == (PACKAGE_URL, Source.POLICY, True)
    interval = settings.resolve("sync_interval_minutes")
    assert (interval.value, interval.source, interval.locked) == (5, Source.POLICY_PRESET, False)
    assert settings.resolve("language").source is Source.DEFAULT


def test_precedence_flag_environment_policy_user_preset_default(
    tmp_path: Path, package_policy: QSettings
) -> None:
    env = {"FIELDCRM_SERVER_URL": "https://env.example", "FIELDCRM_SYNC_INTERVAL_MINUTES": "7"}
    flags = {"server_url": "https://flag.example", "sync_interval_minutes": 9}
    assert make_settings(tmp_path, package_policy, flags, **env).resolve("server_url").value == (
        "https://flag.example"
    )
    assert make_settings(tmp_path, package_policy, None, **env).resolve("server_url").value == (
        "https://env.example"
    )
    # A user's own value loses against a locked policy value...
    user_settings(tmp_path).setValue("server_url", "https://user.example")
    user_settings(tmp_path).setValue("sync_interval_minutes", 30)
    plain = make_settings(tmp_path, package_policy)
    assert plain.resolve("server_url").value == PACKAGE_URL
    # ...but wins against an unlocked one (a preset), which wins against the default.
    assert plain.resolve("sync_interval_minutes").source is Source.USER
    assert plain.resolve("sync_interval_minutes").value == 30
    assert make_settings(tmp_path, package_policy, flags, **env).value("sync_interval_minutes") == 9
    assert make_settings(tmp_path, package_policy, None, **env).value("sync_interval_minutes") == 7
    no_policy = QSettings(str(tmp_path / "empty.conf"), QSettings.Format.IniFormat)
    fresh = make_settings(tmp_path / "fresh-user", no_policy)
    assert fresh.resolve("sync_interval_minutes").source is Source.DEFAULT


def test_locked_policy_value_cannot_be_changed(tmp_path: Path, package_policy: QSettings) -> None:
    settings = make_settings(tmp_path, package_policy)
    with pytest.raises(PermissionError, match="fixed by policy"):
        settings.set_user_value("server_url", "https://elsewhere.example")
    assert settings.value("server_url") == PACKAGE_URL


def test_settings_dialog_shows_policy_value_locked(
    qtbot: Any, tmp_path: Path, package_policy: QSettings
) -> None:
    settings = make_settings(tmp_path, package_policy)
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.server.text() == PACKAGE_URL
    assert not dialog.server.isEnabled()
    assert not dialog.lock_labels["server_url"].isHidden()
    assert dialog.interval.isEnabled()
    assert dialog.lock_labels["sync_interval_minutes"].isHidden()

    # Even if the field's text were changed, saving keeps the policy value.
    dialog.server.setText("https://elsewhere.example")
    dialog.interval.setValue(15)
    dialog.save()
    assert settings.value("server_url") == PACKAGE_URL
    assert user_settings(tmp_path).value("server_url") is None
    assert settings.value("sync_interval_minutes") == 15
