"""Moving a planned visit by dragging it to another day of the week planner, undoing the
move with Ctrl+Z; against a real sync server, the other laptop of the territory sees where
the visit went after a sync."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.qtbot import QtBot

from fieldcrm.app import visits
from fieldcrm.app.corrections import same_time_on
from fieldcrm.domain.validation import parse_datetime
from fieldcrm.ui.mainwindow import MainWindow
from fieldcrm.ui.pages.visits import VISIT_MIME
from tests.helpers.laptops import OtherLaptop, area_server, sync_window
from tests.helpers.realserver import PASSWORD, RealServer

pytestmark = pytest.mark.slow


def _cell_of(table: QTableView, visit_id: str) -> tuple[int, int]:
    model = table.model()
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            visit = model.visit_at(model.index(row, column))  # type: ignore[attr-defined]
            if visit is not None and visit["id"] == visit_id:
                return row, column
    raise AssertionError(f"visit {visit_id} is not in the week planner")


def _drag(table: QTableView, source: tuple[int, int], day: int) -> bool:
    """Drag the cell at ``source`` onto the first line of ``day`` as a mouse would: the
    view builds the drag's data from the model, the viewport gets enter, move and drop."""
    model = table.model()
    data = model.mimeData([model.index(*source)])
    assert isinstance(data, QMimeData) and data.hasFormat(VISIT_MIME)
    target = table.visualRect(model.index(0, day)).center()
    viewport = table.viewport()
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    move = Qt.DropAction.MoveAction
    enter = QDragEnterEvent(QPoint(target), move, data, buttons, keys)
    QApplication.sendEvent(viewport, enter)
    over = QDragMoveEvent(QPoint(target), move, data, buttons, keys)
    QApplication.sendEvent(viewport, over)
    drop = QDropEvent(QPointF(target), move, data, buttons, keys)
    QApplication.sendEvent(viewport, drop)
    return drop.isAccepted()


def _local(text: str) -> datetime:
    return parse_datetime(text).astimezone()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RealServer]:
    yield from area_server(tmp_path / "server")


def test_a_visit_dragged_to_another_day_moves_and_ctrl_z_moves_it_back(
    tmp_path: Path,
    server: RealServer,
    make_window: Callable[..., MainWindow],
    qtbot: QtBot,
) -> None:
    window: MainWindow = make_window({"server_url": server.url}, after_edit_ms=60_000)
    with qtbot.waitSignal(window.sync.synced, timeout=120_000):
        window.auto_login(server.url, "anna", PASSWORD)
    store, anna = window.store, str(window.ctx.user_id)
    customer = store.create("customer", {"name": "Bäckerei Müller", "city": "Kiel"})
    # Tuesday of next week, 9:30 local time, one hour; a visit already done on Wednesday.
    monday = visits.week_start(date.today()) + timedelta(days=7)
    start = datetime.combine(monday + timedelta(days=1), time(9, 30)).astimezone()
    planned = store.create(
        "visit",
        {
            "customer_id": customer,
            "rep_id": anna,
            "planned_start": start,
            "planned_end": start + timedelta(hours=1),
            "purpose": "Jahresgespräch",
        },
    )
    done = store.create(
        "visit",
        {
            "customer_id": customer,
            "rep_id": anna,
            "planned_start": start + timedelta(days=1),
            "status": "done",
        },
    )
    sync_window(window, qtbot)
    ben = OtherLaptop(tmp_path / "ben", server.url)
    try:
        ben.sync()
        window.show_page("visits")
        page = window.visits
        page.show_week(monday)
        table = page.week_table
        qtbot.waitUntil(lambda: page.week_model.visit(planned) is not None)
        assert _cell_of(table, planned)[1] == 1

        # A visit that took place cannot be picked up; the planned one can.
        model = page.week_model
        assert not model.flags(model.index(*_cell_of(table, done))) & Qt.ItemFlag.ItemIsDragEnabled
        assert model.flags(model.index(*_cell_of(table, planned))) & Qt.ItemFlag.ItemIsDragEnabled

        # Dragged from Tuesday to Friday: same time of day, same length.
        assert _drag(table, _cell_of(table, planned), 4)
        qtbot.waitUntil(lambda: _cell_of(table, planned)[1] == 4, timeout=10_000)
        moved = store.get("visit", planned)
        assert moved is not None
        assert _local(moved["planned_start"]) == start + timedelta(days=3)
        assert _local(moved["planned_end"]) == start + timedelta(days=3, hours=1)
        assert _local(moved["planned_start"]).time() == time(9, 30)

        # The other laptop sees the visit on Friday after a sync.
        sync_window(window, qtbot)
        ben.sync()
        there = ben.store.get("visit", planned)
        assert there is not None and _local(there["planned_start"]) == start + timedelta(days=3)

        # Ctrl+Z names the move and puts the visit back on Tuesday, here and there.
        undo = window.edit_menu.undo_action
        assert undo.text() == "&Undo Move visit"
        undo.trigger()
        qtbot.waitUntil(lambda: _cell_of(table, planned)[1] == 1, timeout=10_000)
        back = store.get("visit", planned)
        assert back is not None and _local(back["planned_start"]) == start
        sync_window(window, qtbot)
        ben.sync()
        there = ben.store.get("visit", planned)
        assert there is not None and _local(there["planned_start"]) == start

        # Dropped on its own day: nothing changes and nothing is added to undo.
        assert _drag(table, _cell_of(table, planned), 1)
        qtbot.wait(200)
        assert _local(store.get("visit", planned)["planned_start"]) == start  # type: ignore[index]
        assert not undo.isEnabled()
    finally:
        ben.close()


def test_same_time_on_keeps_the_wall_clock_time() -> None:
    start = datetime(2026, 3, 27, 8, 30, tzinfo=UTC)  # a Friday before summer time
    moved = same_time_on(start, date(2026, 3, 30))
    assert moved.astimezone().time() == start.astimezone().time()
    assert moved.astimezone().date() == date(2026, 3, 30)
    assert moved.tzinfo is not None
