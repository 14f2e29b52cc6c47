"""The rep's workflows driven through the widgets, checked in the database rows."""

from __future__ import annotations

import threading
from functools import partial
from typing import Any

import shiboken6
import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from fieldcrm.app import EVERYTHING
from fieldcrm.sampledata.demo import seed_sync_outcomes
from fieldcrm.store import tables as t
from fieldcrm.ui.dialogs import LoginDialog
from fieldcrm.ui.mainwindow import MainWindow
from tests.helpers import workflows
from tests.helpers.qt import answer_next_message_box, settle, type_text
from tests.helpers.workflows import active_dialog, editor, open_first_customer, rows, save


def test_create_customer_shows_validation_next_to_field(window: MainWindow, qtbot: QtBot) -> None:
    workflows.create_customer_shows_validation_next_to_field(window, qtbot)


def test_search_as_you_type_and_filters(window: MainWindow, qtbot: QtBot) -> None:
    window.show_page("customers")
    view = window.customers
    settle(qtbot, window)
    assert view.model.rowCount() == 5
    first = view.model.rows[0]
    with qtbot.waitSignal(view.search_applied, timeout=5000):
        type_text(qtbot, view.search, first["number"])
    assert [r["id"] for r in view.model.rows] == [first["id"]]
    with qtbot.waitSignal(view.search_applied, timeout=5000):
        view.search.clear()
    assert view.model.rowCount() == 5
    status = first["status"]
    with qtbot.waitSignal(view.search_applied, timeout=5000):
        view.status.setCurrentIndex(view.status.findData(status))
    assert view.model.rows and all(r["status"] == status for r in view.model.rows)
    expected = len(rows(window, t.customer, status=status))
    assert view.model.rowCount() == expected


def test_territory_segment_and_overdue_filters(window: MainWindow, qtbot: QtBot) -> None:
    """Each filter of the customer list, alone and combined, against the rows in the
    database; "overdue" is worked out here from the visits and cadences, independently
    of the list's own query."""
    from datetime import UTC, datetime, timedelta

    from fieldcrm.domain.ids import uuid7

    store = window.store
    south = uuid7()
    with store.write() as uow:  # a second territory, as a pull would bring it
        uow.conn.execute(
            t.territory.insert(),
            {"id": south, "name": "Süd", "parent_id": None, "stamps": "{}", "deleted": False},
        )
    faraway = store.create(
        "customer",
        {"name": "Zollhaus Süd GmbH", "status": "active", "segment": "A", "visit_cadence_days": 7},
    )
    with store.write() as uow:
        uow.conn.execute(
            t.customer.update().where(t.customer.c.id == faraway).values(territory_id=south)
        )
    customers = rows(window, t.customer, deleted=False)
    # One customer without a cadence is never overdue; one visited yesterday is not.
    nord_ids = [c["id"] for c in customers if c["territory_id"] != south]
    store.update("customer", nord_ids[0], {"visit_cadence_days": None, "segment": "B"})
    store.update("customer", nord_ids[1], {"visit_cadence_days": 30, "segment": "A"})
    yesterday = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    store.create(
        "visit",
        {
            "customer_id": nord_ids[1],
            "rep_id": window.ctx.user_id,
            "status": "done",
            "planned_start": yesterday,
            "check_in_at": yesterday,
            "check_out_at": yesterday,
        },
    )
    customers = rows(window, t.customer, deleted=False)
    visits = rows(window, t.visit, deleted=False, status="done")

    def overdue(customer: dict[str, Any]) -> bool:
        cadence = customer["visit_cadence_days"]
        if cadence is None:
            return False
        done = [
            v["check_in_at"] or v["planned_start"]
            for v in visits
            if v["customer_id"] == customer["id"]
        ]
        due = (datetime.now(UTC) - timedelta(days=cadence)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return not done or max(done) < due

    window.ctx.data_changed.emit(EVERYTHING)
    window.show_page("customers")
    view = window.customers
    settle(qtbot, window)
    qtbot.waitUntil(lambda: view.territory.findData(south) > 0)
    assert view.model.rowCount() == len(customers) == 6

    def shown() -> set[str]:
        return {r["id"] for r in view.model.rows}

    def expect(match: Any) -> set[str]:
        return {c["id"] for c in customers if match(c)}

    with qtbot.waitSignal(view.search_applied, timeout=5000):
        view.territory.setCurrentIndex(view.territory.findData(south))
    assert view.territory.currentText() == "Süd"
    assert shown() == {faraway}
    with qtbot.waitSignal(view.search_applied, timeout=5000):
        view.territory.setCurrentIndex(0)  # all territories
    assert shown() == expect(lambda c: True)

    with qtbot.waitSignal(view.search_applied, timeout=5000):
        view.segment.setCurrentIndex(view.segment.findData("A"))
    assert shown() == expect(lambda c: c["segment"] == "A") != set()

    with qtbot.waitSignal(view.search_applied, timeout=5000):
        view.overdue.setChecked(True)  # segment A and overdue
    assert shown() == expect(lambda c: c["segment"] == "A" and overdue(c))
    assert nord_ids[1] not in shown()  # visited yesterday, every 30 days

    with qtbot.waitSignal(view.search_applied, timeout=5000):
        view.segment.setCurrentIndex(0)  # overdue alone
    assert shown() == expect(overdue) != set()
    assert nord_ids[0] not in shown()  # no cadence: never overdue
    assert faraway in shown()  # never visited, every 7 days

    with qtbot.waitSignal(view.search_applied, timeout=5000):
        view.territory.setCurrentIndex(view.territory.findData(south))  # overdue in Süd
    assert shown() == {faraway}


def test_the_customer_list_opens_while_a_first_sync_loads(window: MainWindow, qtbot: QtBot) -> None:
    """A first sync sets the name index aside until it ends (bulk load); the rep can open
    the list meanwhile, or after the app was closed in the middle of that sync."""
    from fieldcrm.store import replica

    replica.begin_bulk_load(window.store)
    window.show_page("customers")
    view = window.customers
    with qtbot.waitSignal(view.search_applied, timeout=5000):
        view.apply_filter()
    names = [r["name"] for r in view.model.rows]
    assert len(names) == 5 and names == sorted(names)
    replica.end_bulk_load(window.store)
    with qtbot.waitSignal(view.search_applied, timeout=5000):
        view.apply_filter()
    assert [r["name"] for r in view.model.rows] == names


def test_delete_customer_asks_first(
    window: MainWindow, qtbot: QtBot, seeded: dict[str, Any]
) -> None:
    window.show_page("customers")
    settle(qtbot, window)
    view = window.customers
    view.table.selectRow(0)
    victim = view.selected_customer()
    assert victim is not None
    answer_next_message_box("no")
    view.delete_selected()
    settle(qtbot, window)
    assert window.store.get("customer", victim["id"]) is not None
    answer_next_message_box("yes")
    view.delete_selected()
    qtbot.waitUntil(lambda: window.store.get("customer", victim["id"]) is None)


def test_plan_visit_check_in_out_and_report_with_followup(window: MainWindow, qtbot: QtBot) -> None:
    workflows.plan_visit_check_in_out_and_report_with_followup(window, qtbot)


def test_check_in_and_out_from_the_visit_list(window: MainWindow, qtbot: QtBot) -> None:
    workflows.check_in_and_out_from_the_visit_list(window, qtbot)


def test_note_contact_and_followup_from_customer_detail(window: MainWindow, qtbot: QtBot) -> None:
    workflows.note_contact_and_followup_from_customer_detail(window, qtbot)


def test_unsaved_edits_are_not_lost_silently(window: MainWindow, qtbot: QtBot) -> None:
    customer = open_first_customer(window, qtbot)
    city: QLineEdit = window.detail.form.editors["city"]  # type: ignore[assignment]
    city.clear()
    type_text(qtbot, city, "Flensburg")
    assert window.detail.form.dirty
    answer_next_message_box("keep")
    assert not window.show_page("today")
    assert window.current_page() is window.detail
    assert city.text() == "Flensburg"

    qtbot.mouseClick(window.detail.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: rows(window, t.customer, id=customer["id"])[0]["city"] == "Flensburg")
    # The row is written on the database thread before the form hears it was saved.
    qtbot.waitUntil(lambda: not window.detail.form.dirty)
    assert window.show_page("today")


def test_customer_form_shows_validation_next_to_field(window: MainWindow, qtbot: QtBot) -> None:
    customer = open_first_customer(window, qtbot)
    name: QLineEdit = window.detail.form.editors["name"]  # type: ignore[assignment]
    name.clear()
    type_text(qtbot, name, " ")
    qtbot.mouseClick(window.detail.save_button, Qt.MouseButton.LeftButton)
    label = window.detail.form.error_labels["name"]
    qtbot.waitUntil(label.isVisible)
    assert label.text() == "Required"
    assert rows(window, t.customer, id=customer["id"])[0]["name"] == customer["name"]


def test_resolve_conflict_keep_mine_take_theirs_edit(
    window: MainWindow, qtbot: QtBot, seeded: dict[str, Any]
) -> None:
    workflows.resolve_conflict_keep_mine_take_theirs_edit(window, qtbot, seeded)


def test_take_theirs(window: MainWindow, qtbot: QtBot, seeded: dict[str, Any]) -> None:
    seed_sync_outcomes(window.store, seeded, seeded["customers"][1:])
    window.ctx.data_changed.emit(EVERYTHING)
    window.show_page("conflicts")
    view = window.conflicts
    qtbot.waitUntil(lambda: view.current is not None)
    conflict = view.current
    assert conflict is not None
    qtbot.mouseClick(view.take_theirs_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.current is None)
    assert rows(window, t.customer, id=conflict["row_id"])[0]["phone"] == "+49 40 555 0100"


def test_fix_rejected_change_and_discard(
    window: MainWindow, qtbot: QtBot, seeded: dict[str, Any]
) -> None:
    workflows.fix_rejected_change_and_discard(window, qtbot, seeded)


def test_a_typed_conflict_value_survives_a_reload_and_is_not_dropped_silently(
    window: MainWindow, qtbot: QtBot, seeded: dict[str, Any]
) -> None:
    seed_sync_outcomes(window.store, seeded, seeded["customers"])
    seed_sync_outcomes(window.store, seeded, seeded["customers"][2:])
    window.ctx.data_changed.emit(EVERYTHING)
    window.show_page("conflicts")
    view = window.conflicts
    qtbot.waitUntil(lambda: view.model.rowCount() == 2 and view.current is not None)
    first = view.current
    assert first is not None
    view.edit_value.selectAll()
    type_text(qtbot, view.edit_value, "+49 40 999 0000")

    # A background sync (or any write) reloads the page: the typed value stays.
    window.ctx.data_changed.emit(EVERYTHING)
    settle(qtbot, window)
    assert view.current is not None and view.current["id"] == first["id"]
    assert view.edit_value.text() == "+49 40 999 0000"

    # Picking the other conflict asks; "keep editing" stays with the value.
    answer_next_message_box("keep")
    view.table.selectRow(1)
    assert view.current["id"] == first["id"]
    assert view.table.currentIndex().row() == 0
    assert view.edit_value.text() == "+49 40 999 0000"
    # Leaving the page asks too.
    answer_next_message_box("keep")
    window.show_page("today")
    assert window.current_page() is view
    # "Discard" moves on, with the other conflict's own value.
    answer_next_message_box("discard")
    view.table.selectRow(1)
    assert view.current["id"] != first["id"]
    assert view.edit_value.text() != "+49 40 999 0000"


def test_a_correction_of_a_rejected_change_is_not_dropped_silently(
    window: MainWindow, qtbot: QtBot, seeded: dict[str, Any]
) -> None:
    seed_sync_outcomes(window.store, seeded, seeded["customers"])
    seed_sync_outcomes(window.store, seeded, seeded["customers"][2:])
    window.ctx.data_changed.emit(EVERYTHING)
    window.show_page("rejected")
    view = window.rejected
    qtbot.waitUntil(lambda: view.model.rowCount() == 2 and view.form is not None)
    first = view.current
    assert first is not None and view.form is not None
    city: QLineEdit = view.form.editors["city"]  # type: ignore[assignment]
    city.clear()
    type_text(qtbot, city, "Altona")

    window.ctx.data_changed.emit(EVERYTHING)  # a reload keeps the correction being typed
    settle(qtbot, window)
    assert view.current is not None and view.current["op_no"] == first["op_no"]
    assert view.form.editors["city"].text() == "Altona"  # type: ignore[attr-defined]

    answer_next_message_box("keep")
    view.table.selectRow(1)
    assert view.current["op_no"] == first["op_no"]
    assert view.form.editors["city"].text() == "Altona"  # type: ignore[attr-defined]
    answer_next_message_box("keep")
    window.show_page("today")
    assert window.current_page() is view

    answer_next_message_box("discard")
    view.table.selectRow(1)
    assert view.current["op_no"] != first["op_no"]
    with window.store.read() as conn:  # nothing was sent: both are still listed
        assert conn.scalar(sa.select(sa.func.count()).select_from(t.rejected_change)) == 2


def test_login_dialog_reports_unreachable_server(make_window: Any, qtbot: QtBot) -> None:
    window = make_window()
    window.start()
    qtbot.waitUntil(lambda: getattr(window, "login_dialog", None) is not None)
    dialog: LoginDialog = window.login_dialog
    dialog.submit()
    assert dialog.error.text().startswith("Please enter")
    dialog.server.setText("http://127.0.0.1:9")
    type_text(qtbot, dialog.username, "anna")
    type_text(qtbot, dialog.password, "demo")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.error.isVisible() and dialog.buttons.isEnabled(), timeout=15_000)
    assert dialog.isVisible()
    assert window.ctx.user_id is None


def test_a_dialog_cannot_be_cancelled_while_it_saves(window: MainWindow, qtbot: QtBot) -> None:
    """Esc while a note is being written does not close the dialog (that would say
    "cancelled" about a note saved a moment later); it closes when the note is saved."""
    customer = open_first_customer(window, qtbot)
    qtbot.keyClick(
        window,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    note = active_dialog(qtbot, "note_dialog")
    type_text(qtbot, editor(note, "text"), "Wants the new price list.")
    release = threading.Event()
    window.db.submit(lambda: release.wait(20))  # the database thread is busy for a moment
    try:
        note.submit()
        qtbot.keyClick(note, Qt.Key.Key_Escape)
        note.reject()
        assert note.isVisible()
    finally:
        release.set()
    qtbot.waitUntil(lambda: not shiboken6.isValid(note) or not note.isVisible(), timeout=5000)
    texts = [r["text"] for r in rows(window, t.note, customer_id=customer["id"])]
    assert "Wants the new price list." in texts


def test_the_login_dialog_cannot_be_closed_while_it_signs_in(
    make_window: Any, qtbot: QtBot
) -> None:
    window = make_window()
    window.start()
    qtbot.waitUntil(lambda: getattr(window, "login_dialog", None) is not None)
    dialog: LoginDialog = window.login_dialog
    dialog.server.setText("http://127.0.0.1:9")
    type_text(qtbot, dialog.username, "anna")
    type_text(qtbot, dialog.password, "demo")
    release = threading.Event()
    window.sync.net.submit(lambda: release.wait(20))  # the network thread is busy
    try:
        dialog.submit()
        dialog.reject()  # Esc while the server is asked
        assert dialog.isVisible()
    finally:
        release.set()
    qtbot.waitUntil(lambda: dialog.error.isVisible() and dialog.buttons.isEnabled(), timeout=15_000)
    dialog.reject()  # now it closes
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())


def test_shortcuts_search_and_sync(window: MainWindow, qtbot: QtBot) -> None:
    window.show_page("today")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is window.customers
    qtbot.waitUntil(window.customers.search.hasFocus)
    # No server configured: F5 says so in the status bar instead of failing silently.
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(window.error_label.isVisible)
    assert "No server configured" in window.error_label.text()


def closed(widget: QWidget) -> bool:
    return not shiboken6.isValid(widget) or not widget.isVisible()


def test_shortcuts_open_new_customer_new_visit_settings_and_about(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Every toolbar shortcut opens what its tool tip says, from any page."""
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    open_first_customer(window, qtbot)  # a visit is planned for the customer shown
    for key, modifiers, name in (
        (Qt.Key.Key_N, ctrl, "customer_dialog"),
        (Qt.Key.Key_V, ctrl | shift, "plan_visit_dialog"),
        (Qt.Key.Key_Comma, ctrl, "settings_dialog"),
        (Qt.Key.Key_F1, Qt.KeyboardModifier.NoModifier, "about_dialog"),
    ):
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.keyClick(window, key, modifiers)
        dialog = active_dialog(qtbot, name)
        dialog.reject()
        qtbot.waitUntil(partial(closed, dialog))
    for action, text in (
        (window.new_customer_action, "Ctrl+N"),
        (window.new_visit_action, "Ctrl+Shift+V"),
        (window.new_note_action, "Ctrl+Shift+N"),
        (window.search_action, "Ctrl+F"),
        (window.sync_action, "F5"),
    ):
        assert text in action.toolTip() or action.shortcut().toString() == text


def test_window_size_is_remembered(seeded: dict[str, Any], make_window: Any, qtbot: QtBot) -> None:
    first = make_window()
    # Within the offscreen screen (800 x 600), which a restored window is fitted into.
    first.resize(760, 540)
    size = (first.width(), first.height())  # the width never goes below the layout's minimum
    assert size[1] == 540
    first.close()
    second = make_window()
    assert (second.width(), second.height()) == size


def test_a_long_territory_read_does_not_hold_up_a_save(window: MainWindow, qtbot: QtBot) -> None:
    # Reports and the losing-touch list read the whole territory (seconds on a large one);
    # they run on their own thread, so saving a note does not queue behind them.
    assert window.today.losing_touch._runner is window.analysis
    window.show_page("reports")
    assert window.reports.view._runner is window.analysis
    customer = open_first_customer(window, qtbot)
    release = threading.Event()
    window.analysis.submit(lambda: release.wait(20))  # a report still computing
    try:
        qtbot.keyClick(
            window,
            Qt.Key.Key_N,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        note = active_dialog(qtbot, "note_dialog")
        type_text(qtbot, editor(note, "text"), "Lieferung kam zwei Tage zu spät.")
        save(qtbot, note)
        assert window.analysis.busy  # the long read is still running
        assert [r["text"] for r in rows(window, t.note, customer_id=customer["id"])] == [
            "Lieferung kam zwei Tage zu spät."
        ]
    finally:
        release.set()
    settle(qtbot, window)
