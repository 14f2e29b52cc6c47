"""What a user typed on the conflicts and rejected-changes pages is kept, or she is told why not."""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from fieldcrm.app import EVERYTHING, review
from fieldcrm.sampledata.demo import seed_sync_outcomes
from fieldcrm.store import tables as t
from fieldcrm.ui.mainwindow import MainWindow
from tests.helpers.qt import settle, type_text


def open_page_with_two_of_each(
    window: MainWindow, qtbot: QtBot, seeded: dict[str, Any], page: str
) -> None:
    """Two conflicts and two rejected changes, as two syncs would leave them; ``page`` shown."""
    seed_sync_outcomes(window.store, seeded, seeded["customers"])
    seed_sync_outcomes(window.store, seeded, seeded["customers"][2:])
    window.ctx.data_changed.emit(EVERYTHING)
    window.show_page(page)
    view = window.conflicts if page == "conflicts" else window.rejected
    qtbot.waitUntil(lambda: view.model.rowCount() == 2 and view.current is not None)
    settle(qtbot, window)


def test_a_typed_conflict_value_whose_conflict_went_away_is_reported(
    window: MainWindow, qtbot: QtBot, seeded: dict[str, Any]
) -> None:
    open_page_with_two_of_each(window, qtbot, seeded, "conflicts")
    view = window.conflicts
    first = view.current
    assert first is not None
    view.edit_value.selectAll()
    type_text(qtbot, view.edit_value, "+49 40 999 0000")

    # Settled meanwhile (as by a sync bringing the other side's resolution).
    review.resolve_conflict(window.store, first["id"], None, write_value=False)
    with qtbot.waitSignal(window.ctx.message, timeout=10_000) as said:
        window.ctx.data_changed.emit(EVERYTHING)
    settle(qtbot, window)

    assert said.args == ["The conflict you were typing a value for was resolved meanwhile."]
    assert window.statusBar().currentMessage() == said.args[0]
    # The page moved on to the conflict that is left, with that conflict's own value.
    assert view.model.rowCount() == 1
    second = view.current
    assert second is not None and second["id"] != first["id"]
    assert view.table.currentIndex().row() == 0
    assert view.edit_value.text() == view.mine_value.text() != "+49 40 999 0000"
    assert not view.edit_value.isModified()


def test_a_correction_whose_rejected_change_went_away_is_reported(
    window: MainWindow, qtbot: QtBot, seeded: dict[str, Any]
) -> None:
    open_page_with_two_of_each(window, qtbot, seeded, "rejected")
    view = window.rejected
    first = view.current
    assert first is not None and view.form is not None
    city: QLineEdit = view.form.editors["city"]  # type: ignore[assignment]
    city.clear()
    type_text(qtbot, city, "Altona")

    review.discard_rejected_change(window.store, first["op_no"])  # e.g. from another window
    with qtbot.waitSignal(window.ctx.message, timeout=10_000) as said:
        window.ctx.data_changed.emit(EVERYTHING)
    settle(qtbot, window)

    assert said.args == [
        "The change you were correcting is no longer in the list of rejected changes."
    ]
    assert view.model.rowCount() == 1
    second = view.current
    assert second is not None and second["op_no"] != first["op_no"]
    assert view.form is not None and not view.form.dirty
    assert view.form.editors["city"].text() != "Altona"  # type: ignore[attr-defined]


def test_a_refused_conflict_value_is_kept_when_a_reload_came_in_while_it_was_saved(
    window: MainWindow, qtbot: QtBot, seeded: dict[str, Any]
) -> None:
    """A sync that finished just before Save reloads the page while the value is written;
    when the value is refused, the user still has what she typed, with the reason."""
    open_page_with_two_of_each(window, qtbot, seeded, "conflicts")
    view = window.conflicts
    conflict = view.current
    assert conflict is not None
    too_long = "+49 40 " + "1" * 40  # a phone number has at most 40 characters
    view.edit_value.selectAll()
    type_text(qtbot, view.edit_value, too_long)

    release = threading.Event()
    window.db.submit(lambda: release.wait(20))  # the database thread is busy for a moment
    try:
        window.ctx.data_changed.emit(EVERYTHING)  # the reload is queued before the save
        qtbot.mouseClick(view.edit_button, Qt.MouseButton.LeftButton)
    finally:
        release.set()
    qtbot.waitUntil(view.error.isVisible, timeout=10_000)
    settle(qtbot, window)

    assert view.error.text() == "At most 40 characters"
    assert view.current is not None and view.current["id"] == conflict["id"]
    assert view.edit_value.text() == too_long
    assert view.edit_value.isModified()  # still unsaved: leaving the page would ask
    with window.store.read() as conn:
        assert not conn.scalar(
            sa.select(t.conflict.c.resolved).where(t.conflict.c.id == conflict["id"])
        )
