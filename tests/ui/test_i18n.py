"""Languages: every string has a German translation; switching language retranslates."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from fieldcrm.protocol.codes import FIELD_PROBLEMS, REJECTIONS, english
from fieldcrm.ui import i18n, reasons
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


def test_a_refused_change_reads_in_german_from_its_code(qapp: object) -> None:
    translations = i18n.Translations()
    assert translations.install("de")
    try:
        invalid = {
            "code": "invalid",
            "params": {},
            "reason": "customer: city: must be at most 30 characters; ...",
            "problems": [
                {"field": "city", "code": "too_long", "params": {"max": 30}},
                {"field": "email", "code": "bad_email", "params": {"value": "x@"}},
            ],
        }
        assert reasons.rejected_change_reason(invalid) == (
            "Ort: Höchstens 30 Zeichen; E-Mail: Keine gültige E-Mail-Adresse"
        )
        assert reasons.rejected_field_message(invalid, "email") == "Keine gültige E-Mail-Adresse"
        # A code this laptop does not know (from a newer server) keeps the server's words.
        unknown = {"code": "newer_rule", "params": {}, "reason": "A rule this version lacks."}
        assert reasons.rejected_change_reason(unknown) == "A rule this version lacks."
        assert reasons.rejected_field_message(unknown, "city") == "A rule this version lacks."
        # The server's own rules, with the kind of record in the user's language.
        assert reasons.rejection("author_only", {"entity": "comment"}) == (
            "Diesen Datensatz (Kommentar) kann nur sein Verfasser ändern."
        )
        assert reasons.rejection("customer_deleted") == "Der Kunde wurde gelöscht."
        assert "Minuten" in reasons.rejection("future", {"minutes": 120})
    finally:
        translations.install("en")


def _sample_params() -> dict[str, object]:
    return {
        "entity": "comment",
        "ref": "visit",
        "id": "0190",
        "name": "city",
        "minutes": 12,
        "kib": 1024,
        "detail": "x",
        "max": 30,
        "min": 1,
        "value": "x@",
        "choices": "a, b",
    }


def test_every_code_the_server_or_the_laptop_gives_is_translated(qapp: object) -> None:
    """Every rejection and field problem code has its own German sentence (a new code
    without a translation fails here), and every code the server raises is in the table."""
    rejections, problems = reasons.known_codes()
    assert set(REJECTIONS) == rejections
    assert set(FIELD_PROBLEMS) == problems
    tree = ast.parse((ROOT / "sync_server" / "push.py").read_text(encoding="utf-8"))
    raised = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and ast.unparse(node.func) == "Rejected"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    assert len(raised) >= 20 and raised <= set(REJECTIONS), raised - set(REJECTIONS)
    translations = i18n.Translations()
    assert translations.install("de")
    try:
        params = _sample_params()
        untranslated = [
            code
            for code in REJECTIONS
            if code != "invalid"
            and reasons.rejection(code, params) == english(REJECTIONS, code, params)
        ]
        untranslated += [
            code
            for code in FIELD_PROBLEMS
            if reasons.field_problem(code, params)
            in (
                english(FIELD_PROBLEMS, code, params),
                english(FIELD_PROBLEMS, code, params).capitalize(),
            )
        ]
        assert not untranslated
    finally:
        translations.install("en")


def test_no_regular_expression_reads_the_servers_words() -> None:
    for module in ("i18n.py", "reasons.py"):
        source = (ROOT / "fieldcrm" / "ui" / module).read_text(encoding="utf-8")
        assert "re.compile" not in source and "re.match" not in source, module


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


def test_a_sync_that_moved_records_or_took_a_new_identity_says_so_in_german(
    qapp: object,
) -> None:
    from fieldcrm.sync.engine import ScopeChange, SyncResult

    moved = SyncResult(
        scope_change=ScopeChange("East", "West", "rep", "rep", {"customer": 2}, {"customer": 3})
    )
    area = SyncResult(scope_change=ScopeChange("A", "A", "manager", "manager", {"customer": 2}, {}))
    copied = SyncResult(device_reused=True)
    assert i18n.sync_notice(SyncResult()) is None
    translations = i18n.Translations()
    assert translations.install("de")
    try:
        assert i18n.sync_notice(moved) == (
            "Sie arbeiten jetzt im Gebiet West: 2 Kunden von diesem Laptop entfernt, "
            "3 hinzugekommen."
        )
        assert i18n.sync_notice(area) == (
            "Was Sie sehen dürfen, hat sich geändert: 2 Kunden von diesem Laptop entfernt, "
            "0 hinzugekommen."
        )
        assert "neue Gerätekennung" in (i18n.sync_notice(copied) or "")
    finally:
        translations.install("en")


def test_the_window_tells_the_user_what_a_sync_moved(window: MainWindow, qtbot: QtBot) -> None:
    from fieldcrm.sync.engine import ScopeChange, SyncResult

    result = SyncResult(
        ok=True,
        scope_change=ScopeChange("East", "West", "rep", "rep", {"customer": 2}, {"customer": 2}),
    )
    with qtbot.waitSignal(window.ctx.message, timeout=5_000) as said:
        window.ctx.sync.synced.emit(result)
    assert said.args == [
        "You now work in territory West: 2 customers removed from this laptop, 2 added."
    ]
