"""The search window through its widgets: Ctrl+Shift+F, typing, grouped hits, open."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from fieldcrm.app.search import SearchHit, search
from fieldcrm.store import search_build
from fieldcrm.store.replica import in_bulk_load
from fieldcrm.store.textindex import TEXT_INDEXES, reset_sql
from fieldcrm.sync.engine import SyncEngine
from fieldcrm.sync.errors import VerificationFailed
from fieldcrm.ui.mainwindow import MainWindow
from fieldcrm.ui.search_window import HIT_ROLE, HTML_ROLE, SearchWindow, search_command
from tests.helpers.laptops import OtherLaptop
from tests.helpers.qt import settle
from tests.helpers.realserver import PASSWORD, RealServer


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


def test_while_the_index_is_being_built_the_window_says_how_far_in_both_languages(
    window: MainWindow, qtbot: QtBot
) -> None:
    for n in range(12):
        window.store.create("customer", {"name": f"Ziegelei {n:02d}"})
    # As a first sync leaves it: emptied, then the builder got through a few rows.
    with window.store.write() as uow:
        for index in TEXT_INDEXES:
            for statement in reset_sql(index):
                uow.connection.exec_driver_sql(statement)
    search_build.build_step(window.store, rows=9)  # the 5 seeded customers and 4 more
    dialog = search_command(window).open()
    dialog.query.setText("ziegelei")
    with qtbot.waitSignal(dialog.shown, timeout=10_000):
        dialog.run_search()
    percent = dialog.index_percent
    assert 0 < percent < 100
    found = [r for r in _rows(dialog) if r[1] is not None]
    assert 0 < len(found) < 12
    assert dialog.status.text() == (
        f"{len(found)} found\nThe search index is still being built ({percent} %): "
        "records not indexed yet are not found."
    )
    assert window.translations is not None
    window.translations.install("de")
    try:
        dialog.retranslate()
        assert f"Der Suchindex wird noch aufgebaut ({percent} %)" in dialog.status.text()
    finally:
        window.translations.install("en")
        dialog.retranslate()

    # The builder finishes in the background; the open search runs again by itself.
    assert window.search_index is not None
    progressed: list[int] = []
    window.search_index.progressed.connect(progressed.append)
    with qtbot.waitSignal(dialog.shown, timeout=30_000):
        window.search_index.start()
    assert progressed and progressed[-1] == 100
    assert dialog.index_percent == 100
    assert [r[0] for r in _rows(dialog)][:2] == ["Customers (12)", "Ziegelei 00"]
    assert dialog.status.text() == "12 found"


@pytest.mark.slow
def test_the_app_builds_the_index_in_the_background_after_a_first_sync(
    tmp_path: Path, make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    server = RealServer(tmp_path / "server")
    server.setup_area()
    server.start()
    try:
        ben = OtherLaptop(tmp_path / "ben", server.url)
        for n in range(30):
            ben.store.create("customer", {"name": f"Ziegelei {n:02d}"})
        ben.sync()
        ben.close()
        window = make_window({"server_url": server.url})
        assert window.search_index is not None
        progressed: list[int] = []
        window.search_index.progressed.connect(progressed.append)
        with qtbot.waitSignal(window.sync.synced, timeout=120_000):
            window.auto_login(server.url, "anna", PASSWORD)
        # The sync ended with the index emptied; the builder started and completed it.
        qtbot.waitUntil(lambda: 0 in progressed and progressed[-1] == 100, timeout=60_000)
        assert not window.search_index.running or progressed[-1] == 100
        found = search(window.store, "ziegelei", ["customer"], limit=100)
        assert len(found) == 30
        settle(qtbot, window)
    finally:
        server.stop()


def test_a_first_sync_that_ends_in_an_error_after_the_data_still_gets_its_indexes(
    tmp_path: Path,
    make_window: Callable[..., MainWindow],
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A first sync leaves its indexes and search index to the window's builder. When the
    run stops with an error after the data is in (the check against the server's totals,
    attachments, changes held back), the builder starts all the same: the rep does not
    work on unindexed tables until a later sync succeeds."""
    server = RealServer(tmp_path / "server")
    server.setup_area()
    server.start()
    try:
        ben = OtherLaptop(tmp_path / "ben", server.url)
        for n in range(30):
            ben.store.create("customer", {"name": f"Ziegelei {n:02d}"})
        ben.sync()
        ben.close()
        original = SyncEngine.sync

        def sync_then_fail(self: SyncEngine) -> Any:
            original(self)
            raise VerificationFailed("The local data still differs from the server's.")

        monkeypatch.setattr(SyncEngine, "sync", sync_then_fail)
        window = make_window({"server_url": server.url})
        window.auto_login(server.url, "anna", PASSWORD)
        qtbot.waitUntil(lambda: window.sync.state.error is not None, timeout=120_000)
        assert window.store.counts()["customer"] == 30
        qtbot.waitUntil(
            lambda: not in_bulk_load(window.store) and search_build.progress(window.store).built,
            timeout=30_000,
        )
        found = search(window.store, "ziegelei", ["customer"], limit=100)
        assert len(found) == 30
        settle(qtbot, window)
    finally:
        server.stop()
