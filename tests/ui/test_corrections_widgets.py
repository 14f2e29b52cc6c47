"""Correcting, undoing, restoring and answering requests through the widgets, against a
real sync server process; the other laptop of the territory (a second profile) sees the
results after a sync, and its answers reach the window."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox, QLabel
from pytestqt.qtbot import QtBot

from fieldcrm.app import requests
from fieldcrm.ui.mainwindow import MainWindow
from tests.helpers.laptops import OtherLaptop, area_server, sync_window
from tests.helpers.qt import answer_next_message_box, settle
from tests.helpers.realserver import PASSWORD, RealServer
from tests.helpers.workflows import active_dialog, editor, save

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RealServer]:
    yield from area_server(tmp_path / "server")


def _select(table: Any, predicate: Callable[[dict[str, Any]], bool]) -> None:
    model = table.model()
    for row in range(model.rowCount()):
        if predicate(model.rows[row]):
            table.selectRow(row)
            return
    raise AssertionError("no such row")


def test_correct_undo_restore_and_requests_reach_the_other_laptop(
    tmp_path: Path, server: RealServer, make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    window = make_window({"server_url": server.url}, after_edit_ms=60_000)
    with qtbot.waitSignal(window.sync.synced, timeout=120_000):
        window.auto_login(server.url, "anna", PASSWORD)
    settle(qtbot, window)
    store, anna = window.store, str(window.ctx.user_id)
    customer = store.create("customer", {"name": "Bäckerei Müller", "city": "Kiel"})
    contact = store.create("contact", {"customer_id": customer, "last_name": "Weiß"})
    note = store.create(
        "note", {"customer_id": customer, "author_id": anna, "text": "Wants a quote"}
    )
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    visit = store.create("visit", {"customer_id": customer, "rep_id": anna, "planned_start": start})
    sync_window(window, qtbot)
    ben = OtherLaptop(tmp_path / "ben", server.url)
    ben.sync()

    window.show_customer(customer)
    qtbot.waitUntil(lambda: window.detail.customer is not None)
    settle(qtbot, window)
    detail, buttons = window.detail, window.detail.corrections

    # Edit a contact: a bad e-mail is shown next to the field and nothing is saved.
    detail.tabs.setCurrentIndex(1)
    _select(detail.contacts_table, lambda r: r["id"] == contact)
    buttons.edit_button.click()
    dialog = active_dialog(qtbot, "edit_contact_dialog")
    editor(dialog, "email").setText("not-an-address")
    dialog.buttons.accepted.emit()
    error = dialog.findChild(QLabel, "error_email")
    qtbot.waitUntil(error.isVisible)
    editor(dialog, "email").setText("weiss@example.de")
    editor(dialog, "job_title").setText("Einkauf")
    save(qtbot, dialog)

    # Delete a note (asked first), then cancel the visit: a reason is required.
    detail.tabs.setCurrentIndex(0)
    settle(qtbot, window)
    _select(detail.timeline_table, lambda r: r["id"] == note)
    answer_next_message_box("yes")
    buttons.delete_button.click()
    qtbot.waitUntil(lambda: store.get("note", note) is None)
    settle(qtbot, window)
    _select(detail.timeline_table, lambda r: r["id"] == visit)
    buttons.cancel_button.click()
    dialog = active_dialog(qtbot, "cancel_visit_dialog")
    dialog.buttons.accepted.emit()
    error = dialog.findChild(QLabel, "error_cancel_reason")
    qtbot.waitUntil(error.isVisible)
    assert store.get("visit", visit)["status"] == "planned"  # type: ignore[index]
    editor(dialog, "cancel_reason").setText("Shop closed for inventory")
    save(qtbot, dialog)
    assert store.get("visit", visit)["status"] == "cancelled"  # type: ignore[index]

    # Ctrl+Z names and undoes the last action.
    undo = window.edit_menu.undo_action
    assert undo.text() == "&Undo Cancel visit"
    undo.trigger()
    qtbot.waitUntil(lambda: store.get("visit", visit)["status"] == "planned")  # type: ignore[index]
    assert undo.text() == "&Undo Delete note"

    # The trash lists the note; a restore brings it back.
    window.show_page("trash")
    trash = window.pages["trash"]
    qtbot.waitUntil(lambda: trash.model.rowCount() == 1)  # type: ignore[attr-defined]
    trash.table.selectRow(0)  # type: ignore[attr-defined]
    trash.restore_button.click()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: store.get("note", note) is not None)

    # Ask Ben to do something for the customer.
    window.show_customer(customer)
    settle(qtbot, window)
    buttons.ask_button.click()
    dialog = active_dialog(qtbot, "edit_followup_dialog")
    editor(dialog, "title").setText("Bring the price list")
    combo = editor(dialog, "assignee_id")
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findText("ben"))
    asked = save(qtbot, dialog)
    assert asked is not None

    # Ben's laptop sees it all after a sync, declines, and asks Anna something back.
    sync_window(window, qtbot)
    ben.sync()
    assert ben.store.get("contact", contact)["job_title"] == "Einkauf"  # type: ignore[index]
    assert ben.store.get("note", note) is not None
    assert ben.store.get("visit", visit)["status"] == "planned"  # type: ignore[index]
    [incoming] = requests.incoming_requests(ben.store, str(server_user(ben)))
    assert (incoming["id"], incoming["requested_by_name"]) == (asked, "anna")
    requests.decline(ben.store, asked, server_user(ben), "On holiday")
    back = requests.ask(
        ben.store, customer, anna, "Call Weiß about the order", "2026-12-18", server_user(ben)
    ).id
    ben.sync()

    # Anna's Today shows the answer and the request; she accepts through the widgets.
    sync_window(window, qtbot)
    window.show_page("today")
    box = window.today.requests
    qtbot.waitUntil(lambda: box.incoming_model.rowCount() == 1)
    assert box.incoming_model.rows[0]["requested_by_name"] == "ben"
    [answer] = box.answers_model.rows
    assert (answer["response"], answer["response_note"]) == ("declined", "On holiday")
    box.incoming_table.selectRow(0)
    box.accept_button.click()
    qtbot.waitUntil(lambda: store.get("followup", str(back))["response"] == "accepted")  # type: ignore[index]
    sync_window(window, qtbot)
    ben.sync()
    [mine] = requests.outgoing_requests(ben.store, server_user(ben))
    assert mine["response"] == "accepted"
    ben.close()


def server_user(lap: OtherLaptop) -> str:
    from fieldcrm.app.session import current_user_id

    user_id = current_user_id(lap.store)
    assert user_id is not None
    return user_id
