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


def test_server_reasons_are_translated_where_they_are_field_rules(qapp: object) -> None:
    translations = i18n.Translations()
    assert translations.install("de")
    try:
        reason = "city: must be at most 30 characters; email: 'x@' is not a valid e-mail address"
        assert i18n.server_reason(reason) == (
            "Ort: Höchstens 30 Zeichen; E-Mail: Keine gültige E-Mail-Adresse"
        )
        assert i18n.server_field_message(reason, "email") == "Keine gültige E-Mail-Adresse"
        # The server's own rules stay as it wrote them.
        own = "This record left your territory."
        assert i18n.server_reason(own) == own
        assert i18n.server_field_message(own, "city") == own
    finally:
        translations.install("en")
