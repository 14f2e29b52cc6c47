"""The Files tab of a customer and the attachments of a visit: add, drop, show, delete."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QIcon
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from fieldcrm.app.attachments import Owner
from fieldcrm.ui.mainwindow import MainWindow
from tests.helpers.qt import answer_next_message_box, settle


def _photo(path: Path) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (30, 120, 200)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


def test_files_tab_adds_shows_drops_and_deletes(
    window: MainWindow,
    qtbot: QtBot,
    qtmodeltester: ModelTester,
    seeded: dict[str, Any],
    tmp_path: Path,
) -> None:
    customer = seeded["customers"][0]
    window.show_customer(customer)
    settle(qtbot, window)
    panel = window.detail.attachments
    window.detail.tabs.setCurrentWidget(panel)
    assert panel.owner == Owner("customer", customer)
    assert panel.add_button.isEnabled() and not panel.delete_button.isEnabled()

    panel.add_path(_photo(tmp_path / "Regal.jpg"))
    qtbot.waitUntil(lambda: len(panel.model.rows) == 1)
    row = panel.model.rows[0]
    assert (row["name"], row["state"]) == ("Regal.jpg", "waiting")
    index = panel.model.index(0, 0)
    assert "Waiting to upload" in panel.model.data(index)
    icon = panel.model.data(index, Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and not icon.isNull()
    qtmodeltester.check(panel.model)
    assert window.store.pending_count() >= 1  # the record goes with the next sync

    document = tmp_path / "Angebot.pdf"
    document.write_bytes(b"%PDF-1.4\n" + bytes(100))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(document))])
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    panel.dropEvent(drop)
    qtbot.waitUntil(lambda: len(panel.model.rows) == 2)
    assert [r["name"] for r in panel.model.rows] == ["Regal.jpg", "Angebot.pdf"]

    panel.view.setCurrentIndex(panel.model.index(1, 0))
    assert panel.delete_button.isEnabled() and panel.rename_button.isEnabled()
    answer_next_message_box("yes")
    panel.delete_selected()
    qtbot.waitUntil(lambda: len(panel.model.rows) == 1)


def test_a_file_that_cannot_be_attached_says_why_and_keeps_nothing(
    window: MainWindow, qtbot: QtBot, seeded: dict[str, Any], tmp_path: Path
) -> None:
    window.show_customer(seeded["customers"][0])
    settle(qtbot, window)
    panel = window.detail.attachments
    program = tmp_path / "urlaub.jpg"
    program.write_bytes(b"MZ" + bytes(500))
    with qtbot.waitSignal(window.ctx.message) as said:
        panel.add_path(program)
    assert "content decides" in said.args[0] and "not attached" in panel.hint.text()
    assert panel.model.rows == []
    assert window.store.counts()["attachment"] == 0


def test_a_visit_shows_its_attachments(
    window: MainWindow, qtbot: QtBot, seeded: dict[str, Any], tmp_path: Path
) -> None:
    store = window.store
    visit = store.create(
        "visit",
        {
            "customer_id": seeded["customers"][0],
            "rep_id": seeded["id"],
            "planned_start": "2026-12-01T09:00:00Z",
        },
    )
    window.show_page("visits")
    settle(qtbot, window)
    view = window.visits
    view.reload()
    settle(qtbot, window)
    [row] = [v for v in view.list_model.rows if v["id"] == visit]
    view.select_visit(row)
    settle(qtbot, window)
    assert view.attachments.owner == Owner("visit", visit)
    view.attachments.add_path(_photo(tmp_path / "Lieferung.jpg"))
    qtbot.waitUntil(lambda: len(view.attachments.model.rows) == 1)
    assert view.attachments.model.rows[0]["visit_id"] == visit
