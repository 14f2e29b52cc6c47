"""Languages: every string has a German translation; switching language retranslates."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from fieldcrm.ui import i18n
from fieldcrm.ui.mainwindow import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def test_german_translation_is_complete() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fieldcrm.ui.i18n_tool", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_switch_to_german_in_settings(window: MainWindow, qtbot: QtBot) -> None:
    assert window.today.boxes[0].title() == "Visits today"
    window.settings.flags.pop("language")
    window.settings.set_user_value("language", "de")
    window.apply_settings()
    try:
        assert window.today.boxes[0].title() == "Besuche heute"
        assert window.sync_action.text() == "Synchronisieren"
        assert window.customers.status.itemText(1) == "Interessent"
        assert i18n.format_date("2030-01-09") == "09.01.30"
    finally:
        assert window.translations is not None
        window.translations.install("en")
