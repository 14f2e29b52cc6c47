"""A page reloads only when a write or sync changed a kind of record it shows."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from fieldcrm.app import EVERYTHING
from fieldcrm.app.changes import CONFLICT, REJECTED
from fieldcrm.ui.mainwindow import MainWindow
from tests.helpers.qt import settle


def test_a_page_reloads_only_when_a_kind_it_shows_changed(window: MainWindow, qtbot: QtBot) -> None:
    window.show_page("customers")
    qtbot.waitUntil(lambda: window.customers.model.rowCount() > 0)
    settle(qtbot, window)
    model = window.customers.model

    with qtbot.assertNotEmitted(model.page_loaded, wait=500):
        window.ctx.data_changed.emit(frozenset({"comment", CONFLICT}))
    with qtbot.waitSignal(model.page_loaded, timeout=10_000):
        window.ctx.data_changed.emit(frozenset({"customer"}))
    settle(qtbot, window)

    # A hidden page is marked stale only by its own kinds, and reloads when shown.
    window.today._stale = False
    window.ctx.data_changed.emit(frozenset({REJECTED}))
    assert not window.today._stale
    window.ctx.data_changed.emit(EVERYTHING)
    assert window.today._stale
