"""The rep's workflows through the widgets, each checked in the database rows: run by
tests/ui/test_workflows.py on a laptop as it is, and by test_offline_workflows.py with the
server stopped."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from fieldcrm.app import EVERYTHING, Changes
from fieldcrm.app.records import CustomerRecord
from fieldcrm.app.visits import local_day_bounds
from fieldcrm.sampledata.demo import seed_sync_outcomes
from fieldcrm.store import tables as t
from fieldcrm.ui.forms import SaveDialog
from fieldcrm.ui.mainwindow import MainWindow
from tests.helpers.qt import answer_next_message_box, find_button, settle, type_text


def active_dialog(qtbot: QtBot, object_name: str) -> Any:
    found: list[Any] = []

    def check() -> None:
        widget = QApplication.activeModalWidget()
        assert widget is not None and widget.objectName() == object_name
        found.append(widget)

    qtbot.waitUntil(check)
    return found[-1]


def editor(dialog: Any, name: str) -> Any:
    widget = dialog.findChild(QWidget, f"field_{name}")
    assert widget is not None, name
    return widget


def save(qtbot: QtBot, dialog: SaveDialog) -> str | None:
    """Save the dialog; the id of the record it made, if it made one."""
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as blocker:
        dialog.buttons.accepted.emit()
    changes = blocker.args[0] if blocker.args else None
    assert isinstance(changes, Changes)
    return changes.id


def rows(window: MainWindow, table: sa.Table, **where: Any) -> list[dict[str, Any]]:
    query = sa.select(table).where(table.c.deleted.is_(False))
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    with window.store.read() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def open_first_customer(window: MainWindow, qtbot: QtBot) -> CustomerRecord:
    window.show_page("customers")
    settle(qtbot, window)
    index = window.customers.model.index(0, 1)
    window.customers.table.doubleClicked.emit(index)
    qtbot.waitUntil(lambda: window.detail.customer is not None)
    customer = window.detail.customer
    assert customer is not None
    return customer


def create_customer_shows_validation_next_to_field(window: MainWindow, qtbot: QtBot) -> None:
    window.show_page("customers")
    qtbot.mouseClick(find_button(window.customers, "new_customer"), Qt.MouseButton.LeftButton)
    dialog = active_dialog(qtbot, "customer_dialog")
    type_text(qtbot, editor(dialog, "email"), "not-an-address")
    dialog.buttons.accepted.emit()
    name_error = dialog.findChild(QLabel, "error_name")
    qtbot.waitUntil(name_error.isVisible)
    assert name_error.text() == "Required"
    assert dialog.findChild(QLabel, "error_email").text() == "Not a valid e-mail address"
    assert dialog.isVisible()
    assert rows(window, t.customer, name="Gärtnerei Ostwind") == []

    type_text(qtbot, editor(dialog, "name"), "Gärtnerei Ostwind")
    editor(dialog, "email").clear()
    type_text(qtbot, editor(dialog, "email"), "info@ostwind.example")
    type_text(qtbot, editor(dialog, "city"), "Husum")
    segment: QComboBox = editor(dialog, "segment")
    segment.setCurrentIndex(segment.findData("B"))
    new_id = save(qtbot, dialog)

    [row] = rows(window, t.customer, name="Gärtnerei Ostwind")
    assert row["id"] == new_id
    assert (row["email"], row["city"], row["segment"], row["status"]) == (
        "info@ostwind.example",
        "Husum",
        "B",
        "prospect",
    )
    assert row["owner_id"] == window.ctx.user_id
    # Saving opens the new customer's page.
    qtbot.waitUntil(lambda: window.current_page() is window.detail)
    assert window.detail.customer_id == new_id
    assert window.store.pending_count() > 0


def plan_visit_check_in_out_and_report_with_followup(window: MainWindow, qtbot: QtBot) -> None:
    customer = open_first_customer(window, qtbot)
    qtbot.mouseClick(find_button(window.detail, "plan_visit"), Qt.MouseButton.LeftButton)
    dialog = active_dialog(qtbot, "plan_visit_dialog")
    start = QDateTime(QDate.currentDate(), QTime(23, 0))
    editor(dialog, "planned_start").setDateTime(start)
    editor(dialog, "planned_end").setDateTime(start.addSecs(1800))
    type_text(qtbot, editor(dialog, "purpose"), "Frühjahrsaktion vorstellen")
    visit_id = save(qtbot, dialog)
    [visit] = rows(window, t.visit, id=visit_id)
    assert visit["status"] == "planned"
    assert visit["customer_id"] == customer["id"]
    assert visit["rep_id"] == window.ctx.user_id
    assert visit["purpose"] == "Frühjahrsaktion vorstellen"
    day_start, day_end = local_day_bounds(date.today())
    assert day_start <= visit["planned_start"] < day_end

    # Today lists it; one click starts it: checked in, report open.
    window.show_page("today")
    qtbot.waitUntil(lambda: any(r["id"] == visit_id for r in window.today.today_model.rows))
    window.today.today_table.selectRow(
        next(i for i, r in enumerate(window.today.today_model.rows) if r["id"] == visit_id)
    )
    qtbot.mouseClick(window.today.start_button, Qt.MouseButton.LeftButton)
    report = active_dialog(qtbot, "report_dialog")
    [visit] = rows(window, t.visit, id=visit_id)
    assert visit["check_in_at"] is not None and visit["check_out_at"] is None
    assert window.current_page() is window.visits

    outcome: QComboBox = editor(report, "outcome")
    outcome.setCurrentIndex(outcome.findData("order"))
    report_text: QPlainTextEdit = editor(report, "report")
    type_text(qtbot, report_text, "Auftrag über 40 Kartons.")
    type_text(qtbot, editor(report, "next_steps"), "Muster nachliefern\nRückruf im März")
    extras = report.extras
    extras.attendees_model.item(0).setCheckState(Qt.CheckState.Checked)
    extras.make_followup.setChecked(True)
    assert extras.followup_title.text() == "Muster nachliefern"
    save(qtbot, report)

    [visit] = rows(window, t.visit, id=visit_id)
    assert visit["status"] == "done"
    assert visit["outcome"] == "order"
    assert visit["report"] == "Auftrag über 40 Kartons."
    assert visit["next_steps"] == "Muster nachliefern\nRückruf im März"
    assert visit["check_out_at"] is not None and visit["check_out_at"] >= visit["check_in_at"]
    contact_id = extras.attendees_model.item(0).data(Qt.ItemDataRole.UserRole)
    assert visit["attendee_ids"] == [contact_id]
    [followup] = rows(window, t.followup, visit_id=visit_id)
    assert followup["title"] == "Muster nachliefern"
    assert followup["assignee_id"] == window.ctx.user_id
    assert followup["done_at"] is None


def check_in_and_out_from_the_visit_list(window: MainWindow, qtbot: QtBot) -> None:
    customer = open_first_customer(window, qtbot)
    visit_id = window.store.create(
        "visit",
        {
            "customer_id": customer["id"],
            "rep_id": window.ctx.user_id,
            "planned_start": "2030-01-07T09:00:00Z",
        },
    )
    window.ctx.changed(Changes.of("visit"))
    window.show_page("visits")
    view = window.visits
    qtbot.waitUntil(lambda: any(r["id"] == visit_id for r in view.list_model.rows))
    row = next(i for i, r in enumerate(view.list_model.rows) if r["id"] == visit_id)
    view.list_table.clicked.emit(view.list_model.index(row, 0))
    assert view.check_in_button.isEnabled() and not view.check_out_button.isEnabled()
    qtbot.mouseClick(view.check_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(view.check_out_button.isEnabled)
    [visit] = rows(window, t.visit, id=visit_id)
    assert visit["check_in_at"] is not None and visit["status"] == "planned"
    qtbot.mouseClick(view.check_out_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: rows(window, t.visit, id=visit_id)[0]["status"] == "done")
    [visit] = rows(window, t.visit, id=visit_id)
    assert visit["check_out_at"] >= visit["check_in_at"]


def note_contact_and_followup_from_customer_detail(window: MainWindow, qtbot: QtBot) -> None:
    customer = open_first_customer(window, qtbot)
    # New note by shortcut, on the customer being shown.
    qtbot.keyClick(
        window,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    note = active_dialog(qtbot, "note_dialog")
    type_text(qtbot, editor(note, "text"), "Chefin wünscht Rückruf vor 10 Uhr.")
    save(qtbot, note)
    [note_row] = [
        r
        for r in rows(window, t.note, customer_id=customer["id"])
        if r["text"].startswith("Chefin")
    ]
    assert note_row["author_id"] == window.ctx.user_id
    qtbot.waitUntil(
        lambda: any(
            item["kind"] == "note" and item["id"] == note_row["id"]
            for item in window.detail.timeline_model.rows
        )
    )

    qtbot.mouseClick(find_button(window.detail, "add_contact"), Qt.MouseButton.LeftButton)
    contact = active_dialog(qtbot, "contact_dialog")
    type_text(qtbot, editor(contact, "first_name"), "Wiebke")
    type_text(qtbot, editor(contact, "last_name"), "Carstensen")
    save(qtbot, contact)
    assert [r["first_name"] for r in rows(window, t.contact, last_name="Carstensen")] == ["Wiebke"]

    qtbot.mouseClick(find_button(window.detail, "add_followup"), Qt.MouseButton.LeftButton)
    followup = active_dialog(qtbot, "followup_dialog")
    type_text(qtbot, editor(followup, "title"), "Preisliste schicken")
    editor(followup, "due_date").setDate(QDate(2031, 3, 14))
    save(qtbot, followup)
    [fu] = rows(window, t.followup, title="Preisliste schicken")
    assert (fu["customer_id"], fu["due_date"]) == (customer["id"], "2031-03-14")

    # Mark it done from the follow-ups tab.
    qtbot.waitUntil(lambda: any(r["id"] == fu["id"] for r in window.detail.followups_model.rows))
    row = next(i for i, r in enumerate(window.detail.followups_model.rows) if r["id"] == fu["id"])
    window.detail.followups_table.selectRow(row)
    qtbot.mouseClick(find_button(window.detail, "followup_done"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: rows(window, t.followup, id=fu["id"])[0]["done_at"] is not None)


def resolve_conflict_keep_mine_take_theirs_edit(
    window: MainWindow, qtbot: QtBot, seeded: dict[str, Any]
) -> None:
    seed_sync_outcomes(window.store, seeded, seeded["customers"])
    window.ctx.data_changed.emit(EVERYTHING)
    window.show_page("conflicts")
    view = window.conflicts
    qtbot.waitUntil(lambda: view.current is not None)
    conflict = view.current
    assert conflict is not None
    assert view.theirs_value.text() == "+49 40 555 0100"
    assert "Maria Manger" in view.theirs_who.text()
    assert view.mine_value.text() == conflict["losing_value"]
    qtbot.mouseClick(view.keep_mine_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.current is None)
    [row] = rows(window, t.customer, id=conflict["row_id"])
    assert row["phone"] == conflict["losing_value"]
    with window.store.read() as conn:
        assert conn.scalar(
            sa.select(t.conflict.c.resolved).where(t.conflict.c.id == conflict["id"])
        )
    # The resolution is an ordinary edit, queued for the server.
    pending = [e for e in window.store.outbox_entries() if e["row_id"] == conflict["row_id"]]
    assert pending[-1]["fields"] == {"phone": conflict["losing_value"]}

    # Edit: type a third value.
    seed_sync_outcomes(window.store, seeded, seeded["customers"][2:])
    window.ctx.data_changed.emit(EVERYTHING)
    qtbot.waitUntil(lambda: view.current is not None)
    second = view.current
    assert second is not None
    view.edit_value.setText("+49 40 123 4567")
    qtbot.mouseClick(view.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.current is None)
    assert rows(window, t.customer, id=second["row_id"])[0]["phone"] == "+49 40 123 4567"


def fix_rejected_change_and_discard(
    window: MainWindow, qtbot: QtBot, seeded: dict[str, Any]
) -> None:
    seed_sync_outcomes(window.store, seeded, seeded["customers"])
    window.ctx.data_changed.emit(EVERYTHING)
    window.show_page("rejected")
    view = window.rejected
    qtbot.waitUntil(lambda: view.form is not None)
    rejected = view.current
    assert rejected is not None
    form = view.form
    assert form is not None
    # The reason is shown next to the field it is about.
    assert form.error_labels["city"].text() == "At most 30 characters"
    assert view.reason.text() == "Reason: City: At most 30 characters"
    city: QLineEdit = form.editors["city"]  # type: ignore[assignment]
    assert city.text() == "Hamburg-Altona-Nord-West-Elbvororte"
    city.clear()
    type_text(qtbot, city, "Hamburg-Altona")
    before = window.store.pending_count()
    qtbot.mouseClick(view.resend_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.current is None)
    assert rows(window, t.customer, id=rejected["row_id"])[0]["city"] == "Hamburg-Altona"
    with window.store.read() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(t.rejected_change)) == 0
    assert window.store.pending_count() == before + 1
    assert window.store.outbox_entries()[-1]["fields"] == {"city": "Hamburg-Altona"}

    # Discard asks first; "Cancel" keeps it, "Discard" removes it.
    seed_sync_outcomes(window.store, seeded, seeded["customers"][2:])
    window.ctx.data_changed.emit(EVERYTHING)
    qtbot.waitUntil(lambda: view.current is not None)
    answer_next_message_box("no")
    qtbot.mouseClick(view.discard_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    with window.store.read() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(t.rejected_change)) == 1
    answer_next_message_box("yes")
    qtbot.mouseClick(view.discard_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.current is None)
    with window.store.read() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(t.rejected_change)) == 0
