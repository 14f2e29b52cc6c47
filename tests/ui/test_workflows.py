"""The rep's workflows driven through the widgets, checked in the database rows."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import shiboken6
import sqlalchemy as sa
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from fieldcrm.app import EVERYTHING, Changes
from fieldcrm.app.visits import local_day_bounds
from fieldcrm.sampledata.demo import seed_sync_outcomes
from fieldcrm.store import tables as t
from fieldcrm.ui.dialogs import LoginDialog
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


def test_create_customer_shows_validation_next_to_field(window: MainWindow, qtbot: QtBot) -> None:
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


def open_first_customer(window: MainWindow, qtbot: QtBot) -> dict[str, Any]:
    window.show_page("customers")
    settle(qtbot, window)
    index = window.customers.model.index(0, 1)
    window.customers.table.doubleClicked.emit(index)
    qtbot.waitUntil(lambda: window.detail.customer is not None)
    customer = window.detail.customer
    assert customer is not None
    return customer


def test_plan_visit_check_in_out_and_report_with_followup(window: MainWindow, qtbot: QtBot) -> None:
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


def test_check_in_and_out_from_the_visit_list(window: MainWindow, qtbot: QtBot) -> None:
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


def test_note_contact_and_followup_from_customer_detail(window: MainWindow, qtbot: QtBot) -> None:
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
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
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
