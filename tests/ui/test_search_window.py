"""The search window through its widgets: Ctrl+Shift+F, typing, grouped hits, open."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from fieldcrm.app.search import SearchHit
from fieldcrm.ui.mainwindow import MainWindow
from fieldcrm.ui.search_window import HIT_ROLE, HTML_ROLE, SearchWindow, search_command


def _rows(window: SearchWindow) -> list[tuple[str, Any]]:
    model = window.model
    return [
        (str(model.index(r, 0).data()), model.index(r, 0).data(HIT_ROLE))
        for r in range(model.rowCount())
    ]


def test_search_everything_groups_highlights_and_opens(
    window: MainWindow, seeded: dict[str, Any], qtbot: QtBot
) -> None:
    with window.store.read() as conn:
        customer_id, name, phone = conn.execute(
            sa.text("SELECT id, name, phone FROM customer ORDER BY id LIMIT 1")
        ).one()
    note_customer = window.store.create("customer", {"name": "Straßenbau Hahn"})
    window.store.create(
        "note",
        {"customer_id": note_customer, "author_id": seeded["id"], "text": "Wants Streusalz."},
    )
    qtbot.keyClick(
        window,
        Qt.Key.Key_F,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: search_command(window).search_window is not None)
    dialog = search_command(window).search_window
    assert dialog is not None and dialog.isVisible()

    # A phone number typed the national way finds the customer stored as +49 ….
    national = "0" + phone.removeprefix("+49 ")
    with qtbot.waitSignal(dialog.shown, timeout=10_000):
        qtbot.keyClicks(dialog.query, national)
    rows = _rows(dialog)
    assert rows[0][0] == "Customers (1)" and rows[0][1] is None
    hit: SearchHit = rows[1][1]
    assert (hit.kind, hit.id, hit.snippet) == ("customer", customer_id, phone)
    assert "background-color" in str(dialog.model.index(1, 0).data(HTML_ROLE))

    # Each kind under its own heading: the customer by its name, the note by its words.
    dialog.query.setText("strassenbau")
    with qtbot.waitSignal(dialog.shown, timeout=10_000):
        dialog.run_search()
    assert [r[0] for r in _rows(dialog)] == ["Customers (1)", "Straßenbau Hahn"]
    dialog.query.setText("streusalz")
    with qtbot.waitSignal(dialog.shown, timeout=10_000):
        dialog.run_search()
    rows = _rows(dialog)
    assert rows[0][0] == "Notes (1)"
    assert str(dialog.model.index(1, 0).data(HTML_ROLE)).count("background-color") == 1

    # Opening a hit shows its customer.
    dialog.view.doubleClicked.emit(dialog.model.index(1, 0))
    qtbot.waitUntil(lambda: window.detail.customer_id == note_customer)

    dialog.query.setText("nichts dergleichen")
    with qtbot.waitSignal(dialog.shown, timeout=10_000):
        dialog.run_search()
    assert dialog.model.rowCount() == 0
    assert dialog.status.text() == "Nothing found."
    assert name  # the seeded customer has a name (shown as the hit's title above)
