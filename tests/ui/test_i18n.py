"""Languages: every string has a German translation; switching language retranslates."""

from __future__ import annotations

import ast
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
        # A reason this laptop does not know (from a newer server) stays as written.
        unknown = "A rule this version does not know."
        assert i18n.server_reason(unknown) == unknown
        assert i18n.server_field_message(unknown, "city") == unknown
        # The server's own rules, with the kind of record in the user's language.
        assert i18n.server_reason("Only its author can change this comment.") == (
            "Diesen Datensatz (Kommentar) kann nur sein Verfasser ändern."
        )
        assert i18n.server_field_message("The customer was deleted.", "customer_id") == (
            "Der Kunde wurde gelöscht."
        )
    finally:
        translations.install("en")


def _sample(message: ast.expr) -> str | None:
    """A message the server may send, from the first argument of a ``Rejected(...)``, with
    sample values where it has placeholders (None when it is nothing but a placeholder)."""
    if isinstance(message, ast.Constant) and isinstance(message.value, str):
        return message.value
    if "exc.errors" in ast.unparse(message):
        return None  # field rules, "field: message; ...": translated as field messages above
    assert isinstance(message, ast.JoinedStr), ast.unparse(message)
    parts = []
    for part in message.values:
        if isinstance(part, ast.Constant):
            parts.append(str(part.value))
            continue
        assert isinstance(part, ast.FormattedValue)
        source = ast.unparse(part.value)
        if source == "exc":
            return None  # the stamp parser's own message: a client bug, not a person's
        if "60000" in source:
            parts.append("12")
        elif "join" in source:
            parts.append("customer, contact")
        else:
            value = "city" if "missing" in source else "comment"
            parts.append(repr(value) if part.conversion == ord("r") else value)
    return "".join(parts)


def test_every_reason_the_server_gives_is_translated(qapp: object) -> None:
    """Each sentence ``sync_server/push.py`` refuses a change with, and the laptop's own
    reasons, read in German (a new server rule without a translation fails here)."""
    from fieldcrm.store.replica import EVICTED_REASON

    tree = ast.parse((ROOT / "sync_server" / "push.py").read_text(encoding="utf-8"))
    messages: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "Rejected" and node.args:
            sample = _sample(node.args[0])
            if sample is not None:
                messages.append(sample)
        if (
            isinstance(node, ast.keyword)
            and node.arg == "reason"
            and isinstance(node.value, ast.Constant)
        ):
            messages.append(str(node.value.value))
    assert len(messages) >= 15, messages
    from fieldcrm.sync.engine import FUTURE_REASON, TOO_LARGE_REASON, UNREADABLE_REASON

    messages += [
        EVICTED_REASON,
        "The server refused this change.",
        TOO_LARGE_REASON,
        UNREADABLE_REASON.format(detail="'shoe_size' is not a field of customer"),
        FUTURE_REASON.format(minutes=120),
    ]
    translations = i18n.Translations()
    assert translations.install("de")
    try:
        untranslated = [m for m in messages if i18n.server_reason(m) == m]
        assert not untranslated
        assert "Minuten" in i18n.server_reason(
            next(m for m in messages if "minutes in the future" in m)
        )
    finally:
        translations.install("en")


def test_every_reason_a_sync_stops_reads_in_german(qapp: object) -> None:
    """The status bar says why a sync stopped in the user's language, for each kind of
    stop the engine has (a new kind without its own sentence fails here)."""
    from fieldcrm.sync import errors

    kinds = [
        cls
        for cls in vars(errors).values()
        if isinstance(cls, type)
        and issubclass(cls, errors.SyncError)
        and cls not in (errors.SyncError, errors.SyncCancelled)
    ]
    assert len(kinds) >= 12, kinds
    translations = i18n.Translations()
    english = {cls: i18n.sync_error(cls("an English sentence", status=500)) for cls in kinds}
    assert len(set(english.values())) == len(kinds)  # each kind has its own sentence
    assert translations.install("de")
    try:
        for cls in kinds:
            german = i18n.sync_error(cls("an English sentence", status=500))
            assert german != english[cls], cls
            assert "English" not in german
    finally:
        translations.install("en")
