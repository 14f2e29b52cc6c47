"""The relationship map, the losing-touch list and the handover panel, through their widgets."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from fieldcrm.store import Store
from fieldcrm.store.connections import reassign_customer
from fieldcrm.ui.connection_dialogs import ConnectionDialog, RelationshipDialog
from fieldcrm.ui.customer_connections import CustomerConnections
from fieldcrm.ui.losing_touch import LosingTouchView
from fieldcrm.ui.tasks import TaskRunner

TODAY = date(2026, 11, 28)


@pytest.fixture
def runner(qtbot: QtBot) -> TaskRunner:
    return TaskRunner("db-test")


@pytest.fixture
def area(tmp_path: Path) -> tuple[Store, dict[str, str]]:
    store = Store(tmp_path / "fieldcrm.db")
    ids: dict[str, str] = {}
    with store.write() as w:
        ids["anna"] = w.create("user", {"username": "anna", "display_name": "Anna Berg"})
        ids["ben"] = w.create("user", {"username": "ben", "display_name": "Ben Kraus"})
        ids["acme"] = w.create(
            "customer",
            {
                "name": "Müller Maschinenbau",
                "visit_cadence_days": 30,
                "status": "active",
                "owner_id": ids["anna"],
            },
        )
        for key, first, last, title in (
            ("ceo", "Jürgen", "Weiß", "Geschäftsführer"),
            ("buyer", "Eva", "Schulz", "Einkauf"),
            ("tech", "Tim", "Lang", "Technik"),
        ):
            ids[key] = w.create(
                "contact",
                {
                    "customer_id": ids["acme"],
                    "first_name": first,
                    "last_name": last,
                    "job_title": title,
                },
            )
        w.create(
            "relationship",
            {
                "customer_id": ids["acme"],
                "from_contact_id": ids["buyer"],
                "to_contact_id": ids["ceo"],
                "kind": "reports_to",
            },
        )
        w.create(
            "relationship",
            {
                "customer_id": ids["acme"],
                "from_contact_id": ids["tech"],
                "to_contact_id": ids["buyer"],
                "kind": "influences",
            },
        )
        w.create(
            "connection",
            {
                "customer_id": ids["acme"],
                "contact_id": ids["ceo"],
                "user_id": ids["ben"],
                "strength": 4,
            },
        )
        w.create(
            "visit",
            {
                "customer_id": ids["acme"],
                "rep_id": ids["anna"],
                "status": "done",
                "planned_start": "2026-09-01T09:00:00Z",
                "attendee_ids": [ids["buyer"]],
            },
        )
    return store, ids


def test_map_shows_people_relationships_and_team(
    qtbot: QtBot, runner: TaskRunner, area: tuple[Store, dict[str, str]], tmp_path: Path
) -> None:
    store, ids = area
    widget = CustomerConnections(store, runner, ids["anna"])
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=5000):
        widget.show_customer(ids["acme"])
    people = widget.map.items_by_person
    assert {ids["ceo"], ids["buyer"], ids["tech"], f"user:{ids['ben']}"} <= set(people)
    assert widget.map.edge_count == 3
    # The boss sits above the person reporting to them.
    assert people[ids["ceo"]].y() < people[ids["buyer"]].y()
    assert not widget.handover_box.isVisibleTo(widget)  # no handover yet
    out = tmp_path / "map.png"
    assert widget.map.export_png(out)
    image = QImage(str(out))
    assert image.width() > 300 and image.height() > 100


def test_handover_summary_shows_for_the_new_owner_and_can_be_marked_read(
    qtbot: QtBot, runner: TaskRunner, area: tuple[Store, dict[str, str]]
) -> None:
    store, ids = area
    reassign_customer(store, ids["acme"], owner_id=ids["ben"], note="Call Jürgen first.")
    widget = CustomerConnections(store, runner, ids["ben"])
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=5000):
        widget.show_customer(ids["acme"])
    assert widget.handover_box.isVisibleTo(widget)
    text = widget.handover_text.toPlainText()
    for expected in (
        "From Anna Berg to Ben Kraus",
        "Call Jürgen first.",
        "Eva Schulz reports to",
        "Ben Kraus → Jürgen Weiß",
    ):
        assert expected in text
    assert widget.mark_read_button.isVisibleTo(widget)
    with qtbot.waitSignal(widget.loaded, timeout=5000):
        widget.mark_read_button.click()
    assert not widget.mark_read_button.isVisibleTo(widget)
    [handover] = [e for e in store.outbox_entries() if e["entity"] == "handover"][-1:]
    assert handover["op"] == "update" and handover["fields"]["read_at"]


def test_previous_owner_adds_a_handover_note(
    qtbot: QtBot, runner: TaskRunner, area: tuple[Store, dict[str, str]]
) -> None:
    store, ids = area
    handover = reassign_customer(store, ids["acme"], owner_id=ids["ben"])
    widget = CustomerConnections(store, runner, ids["anna"])
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=5000):
        widget.show_customer(ids["acme"])
    assert widget.save_note_button.isVisibleTo(widget)
    assert not widget.mark_read_button.isVisibleTo(widget)
    widget.handover_note.setPlainText("Eva prepares every order.")
    with qtbot.waitSignal(widget.loaded, timeout=5000):
        widget.save_note_button.click()
    row = store.get("handover", handover)
    assert row is not None and row["note"] == "Eva prepares every order."


def _relationships(store: Store, customer_id: str) -> list[dict[str, object]]:
    with store.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT from_contact_id, to_contact_id, kind FROM relationship "
            "WHERE customer_id = ? AND deleted = 0",
            (customer_id,),
        ).all()
    return [dict(r._mapping) for r in rows]


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")  # a dialog opens
def test_a_refused_relationship_keeps_the_dialog_open_with_the_reason(
    qtbot: QtBot, runner: TaskRunner, area: tuple[Store, dict[str, str]]
) -> None:
    """The rep picks the same person twice: the dialog says why and keeps what she
    entered; she corrects it and the relationship is saved and drawn."""
    store, ids = area
    widget = CustomerConnections(store, runner, ids["anna"])
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=5000):
        widget.show_customer(ids["acme"])
    edges = widget.map.edge_count
    before = _relationships(store, ids["acme"])

    widget.add_relationship_button.click()
    dialog = widget.findChild(RelationshipDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.from_box.setCurrentIndex(dialog.from_box.findData(ids["tech"]))
    dialog.to_box.setCurrentIndex(dialog.to_box.findData(ids["tech"]))
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("colleague"))
    dialog.note_edit.setPlainText("Share an office")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: bool(dialog.error_label.text()), timeout=5000)
    assert "Must be another contact" in dialog.error_label.text()
    assert dialog.isVisible() and dialog.buttons.isEnabled()
    assert dialog.note_edit.toPlainText() == "Share an office"  # nothing typed is lost
    assert _relationships(store, ids["acme"]) == before

    dialog.to_box.setCurrentIndex(dialog.to_box.findData(ids["ceo"]))
    with qtbot.waitSignal(widget.loaded, timeout=5000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog))  # closed (and freed)
    assert {"from_contact_id": ids["tech"], "to_contact_id": ids["ceo"], "kind": "colleague"} in (
        _relationships(store, ids["acme"])
    )
    assert widget.map.edge_count == edges + 1


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")  # a dialog opens
def test_a_connection_dialog_cannot_be_cancelled_while_it_saves(
    qtbot: QtBot, runner: TaskRunner, area: tuple[Store, dict[str, str]]
) -> None:
    store, ids = area
    widget = CustomerConnections(store, runner, ids["anna"])
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=5000):
        widget.show_customer(ids["acme"])
    widget.add_connection_button.click()
    dialog = widget.findChild(ConnectionDialog)
    assert dialog is not None
    dialog.contact_box.setCurrentIndex(dialog.contact_box.findData(ids["tech"]))
    release = threading.Event()
    runner.submit(lambda: release.wait(10))  # the database thread is busy for a moment
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    dialog.reject()  # Esc while the save waits: ignored, the save goes on
    assert dialog.isVisible() and dialog.saving
    with qtbot.waitSignal(widget.loaded, timeout=5000):
        release.set()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog))
    with store.read() as conn:
        known = conn.exec_driver_sql(
            "SELECT count(*) FROM connection WHERE contact_id = ? AND user_id = ?",
            (ids["tech"], ids["anna"]),
        ).scalar_one()
    assert known == 1


def test_losing_touch_list_filters_and_opens_customer(
    qtbot: QtBot, runner: TaskRunner, area: tuple[Store, dict[str, str]], qtmodeltester: object
) -> None:
    store, ids = area
    view = LosingTouchView(store, runner, today=lambda: TODAY)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=5000) as loaded:
        view.reload()
    # Eva: last visit 1 September, 88 days, cadence 30 -> 58 over; the customer likewise;
    # Jürgen and Tim were never met.
    assert loaded.args == [4]
    qtmodeltester.check(view.model)  # type: ignore[attr-defined]
    assert view.proxy.index(0, 4).data() == "58"
    view.kind_box.setCurrentIndex(view.kind_box.findData("customer"))
    assert view.model.rowCount() == 1
    assert "(customer)" in str(view.proxy.index(0, 0).data())
    with qtbot.waitSignal(view.open_customer, timeout=2000) as opened:
        view.table.doubleClicked.emit(view.proxy.index(0, 0))
    assert opened.args == [ids["acme"]]


def test_losing_touch_list_shows_the_longest_overdue_and_says_how_many_in_all(
    qtbot: QtBot, runner: TaskRunner, area: tuple[Store, dict[str, str]]
) -> None:
    store, _ids = area
    view = LosingTouchView(store, runner, today=lambda: TODAY)
    view.shown = 2
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=5000) as loaded:
        view.reload()
    assert loaded.args == [4]  # the signal counts all of them
    assert view.model.rowCount() == 2
    assert view.proxy.index(0, 4).data() == "58"  # the longest overdue come first
    assert view.title.text() == "Losing touch — the 2 longest overdue of 4"
    view.kind_box.setCurrentIndex(view.kind_box.findData("customer"))
    assert view.model.rowCount() == 1
    assert view.title.text() == "Losing touch"
