"""Switching the language in Settings while the app runs: the people pages and the
connection widgets follow, and nothing the user typed or chose is lost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import QGraphicsSimpleTextItem, QWidget
from pytestqt.qtbot import QtBot

from fieldcrm.profile import database_path
from fieldcrm.sampledata.people import seed_area, sign_in_as
from fieldcrm.store import Store
from fieldcrm.ui.mainwindow import MainWindow
from fieldcrm.ui.relationship_map import PersonItem
from fieldcrm.ui.report_charts import translate_title
from fieldcrm.ui.reports_view import REPORT_TITLES, ReportsView
from tests.helpers.qt import settle

HORIZONTAL = Qt.Orientation.Horizontal


@pytest.fixture
def area(profile: Path) -> dict[str, str]:
    """An area with a manager (signed in), two reps, reports with feedback and a handover."""
    store = Store(database_path(profile))
    try:
        ids = seed_area(store, date.today())
        sign_in_as(store, ids["maria"], "maria")
    finally:
        store.close()
    return ids


@pytest.fixture
def manager_window(
    area: dict[str, str], make_window: Callable[..., MainWindow], qtbot: QtBot
) -> MainWindow:
    """The main window, signed in as the area manager, in English."""
    win = make_window()
    win.start()
    qtbot.waitUntil(lambda: win.ctx.user_id == area["maria"])
    settle(qtbot, win)
    return win


def switch_language(window: MainWindow, language: str) -> None:
    """Choose the language in the Settings dialog and save, as a user does."""
    window.settings.flags.pop("language", None)  # the test window starts with it on the line
    dialog = window.open_settings()
    dialog.language.setCurrentIndex(dialog.language.findData(language))
    dialog.save()
    assert window.translations is not None
    assert window.translations.language == language


def german(context: str, source: str) -> str:
    """The German text for ``source``, which must differ from the English."""
    text = QCoreApplication.translate(context, source)
    assert text != source, f"no German translation for [{context}] {source!r}"
    return text


def test_people_pages_follow_a_language_switch_and_keep_what_was_typed(
    manager_window: MainWindow, qtbot: QtBot
) -> None:
    win = manager_window
    # Feedback: the inbox, the thread of one visit with a reply being written.
    win.show_page("feedback")
    settle(qtbot, win)
    inbox, thread = win.feedback.inbox, win.feedback.visit_thread
    feedback = [item for item in inbox.model.rows if item["kind"] == "feedback"]
    assert feedback
    win.feedback.show_visit(feedback[0]["target_id"])
    settle(qtbot, win)
    thread.send_button.click()  # nothing written yet: the thread says so
    reply = "Thanks, I will call them on Monday"
    qtbot.keyClicks(thread.editor, reply)
    assert inbox.read_all_button.text() == "Mark feedback and questions as &read"
    assert thread.error_label.text() == "Write something first."
    # Reports: another report and a territory chosen.
    win.show_page("reports")
    settle(qtbot, win)
    reports = win.reports.view
    with qtbot.waitSignal(reports.report_ready):
        reports.report_box.setCurrentIndex(reports.report_box.findData("overdue"))
    with qtbot.waitSignal(reports.report_ready):
        reports.territory_box.setCurrentIndex(1)
    territory = reports.territory_box.currentText()
    assert reports.csv_button.text() == "Export CSV…"
    # The manager's page: a visit report chosen, a comment being written.
    win.show_page("team")
    settle(qtbot, win)
    team = win.team.view
    team.reports_table.selectRow(0)
    settle(qtbot, win)
    comment = "Please note the quantities next time"
    qtbot.keyClicks(team.feedback_thread.editor, comment)
    assert team.tabs.tabText(0) == "Visit reports"

    try:
        switch_language(win, "de")

        assert inbox.title.text().startswith(german("Inbox", "Inbox"))
        assert inbox.read_all_button.text() == german(
            "Inbox", "Mark feedback and questions as &read"
        )
        assert inbox.list_view.accessibleName() == german("Inbox", "Inbox")
        assert inbox.kind_filter.itemText(0) == german("Inbox", "All")
        assert thread.send_button.text() == german("FeedbackThread", "&Send")
        assert thread.ack_button.text() == german("FeedbackThread", "&Acknowledge report")
        assert thread.editor.placeholderText() == german(
            "FeedbackThread", "Write a comment or a reply…"
        )
        assert thread.heading.text().startswith("Besuch bei ")
        assert thread.error_label.text() == german("FeedbackThread", "Write something first.")
        assert thread.editor.toPlainText() == reply

        assert_reports_in_german(reports)
        assert reports.current_report() == "overdue"
        assert reports.territory_box.currentIndex() == 1
        # Dates in the period fields are written the German way too, and keep their value.
        german_dates = QLocale(QLocale.Language.German, QLocale.Country.Germany)
        chosen_from = reports.from_edit.date()
        assert reports.from_edit.text() == german_dates.toString(
            chosen_from, german_dates.dateFormat(QLocale.FormatType.ShortFormat)
        )
        assert reports.territory_box.currentText() == territory
        assert reports.as_of_label.text() == german(
            "ReportsView", "Data as of: never synced — the report shows local data only"
        )

        assert team.tabs.tabText(0) == german("ManagerView", "Visit reports")
        assert team.tabs.tabText(1) == german("ManagerView", "Reports")
        assert team.heading.text() == german("ManagerView", "Area")
        assert team.team_view.accessibleName() == german("ManagerView", "Territories and reps")
        assert team.team_model.headerData(0, HORIZONTAL) == german("ManagerView", "Territory / rep")
        first_rep = team.team_model.item(0, 0).child(0, 1)
        assert first_rep.text() == german("ManagerView", "never synced")
        assert team.reports_model.headerData(0, HORIZONTAL) == german("RecentReportsModel", "Date")
        assert team.reports_table.currentIndex().row() == 0
        assert german("ManagerView", "Next steps") in team.report_text.toPlainText()
        assert team.feedback_thread.send_button.text() == german("FeedbackThread", "&Send")
        assert team.feedback_thread.editor.toPlainText() == comment
        assert_reports_in_german(team.reports_view)

        switch_language(win, "en")

        assert inbox.read_all_button.text() == "Mark feedback and questions as &read"
        assert thread.error_label.text() == "Write something first."
        assert reports.csv_button.text() == "Export CSV…"
        assert team.tabs.tabText(0) == "Visit reports"
        assert team.feedback_thread.editor.toPlainText() == comment
    finally:
        assert win.translations is not None
        win.translations.install("en")


def assert_reports_in_german(reports: ReportsView) -> None:
    for index in range(reports.report_box.count()):
        title = REPORT_TITLES[str(reports.report_box.itemData(index))]
        assert reports.report_box.itemText(index) == german("Reports", title)
    assert reports.captions[0].text() == german("ReportsView", "&Report:")
    assert reports.territory_box.itemText(0) == german("ReportsView", "All territories")
    assert reports.rep_box.itemText(0) == german("ReportsView", "All reps")
    assert reports.csv_button.text() == german("ReportsView", "Export CSV…")
    assert reports.table_view.accessibleName() == german("ReportsView", "Report table")
    table = reports.model.table
    assert table is not None
    assert reports.proxy.headerData(0, HORIZONTAL) == german("Reports", table.columns[0].title)
    chart = reports.chart_view.chart()
    assert chart is not None
    assert chart.title() == translate_title(table.title) != table.title


def show_connection_widgets(win: MainWindow, qtbot: QtBot, customer_id: str) -> str:
    """Open the customer's connections tab (with a handover note being edited) and the Today
    page's losing-touch list filtered to customers; returns the note as typed."""
    win.show_customer(customer_id)
    settle(qtbot, win)
    connections = win.detail.connections
    win.detail.tabs.setCurrentWidget(connections)
    qtbot.waitUntil(lambda: connections.graph is not None)
    note = connections.handover_note
    assert note.isVisibleTo(connections)
    note.moveCursor(note.textCursor().MoveOperation.End)
    qtbot.keyClicks(note, " Call before 10.")
    win.show_page("today")
    settle(qtbot, win)
    losing_touch = win.today.losing_touch
    losing_touch.kind_box.setCurrentIndex(losing_touch.kind_box.findData("customer"))
    assert losing_touch.model.rowCount() > 0
    assert losing_touch.title.text().startswith("Losing touch")
    assert connections.fit_button.text() == "&Fit to window"
    return note.toPlainText()


def assert_connection_widgets_in_german(win: MainWindow, typed_note: str) -> None:
    losing_touch = win.today.losing_touch
    assert losing_touch.kind_box.currentData() == "customer"
    assert losing_touch.kind_box.currentText() == german("Connections", "Customers")
    assert losing_touch.kind_box.itemText(0) == german("Connections", "People and customers")
    assert losing_touch.kind_box.accessibleName() == german("Connections", "Show")
    assert losing_touch.title.text().startswith(german("Connections", "Losing touch"))
    assert losing_touch.table.accessibleName() == german("Connections", "Losing touch")
    assert losing_touch.proxy.headerData(0, HORIZONTAL) == german("Connections", "Who")
    customer_row = german("Connections", "%1 (customer)").replace("%1", "")
    assert customer_row in losing_touch.proxy.data(losing_touch.proxy.index(0, 0))

    connections = win.detail.connections
    assert connections.add_relationship_button.text() == "&Beziehung hinzufügen…"
    assert connections.fit_button.text() == german("Connections", "&Fit to window")
    assert connections.save_note_button.text() == german("Connections", "Save handover &note")
    assert connections.handover_note.placeholderText() == german(
        "Connections", "Handover note for the new owner…"
    )
    assert connections.handover_note.toPlainText() == typed_note
    handover = german("Connections", "Handover: %1").replace("%1", "")
    assert handover in connections.handover_text.toPlainText()
    scene = connections.map.scene()
    assert connections.map.accessibleName() == german("RelationshipMap", "Relationship map")
    team_titles = {i.title for i in scene.items() if isinstance(i, PersonItem)}
    assert german("RelationshipMap", "our team") in team_titles
    edge_labels = {i.text() for i in scene.items() if isinstance(i, QGraphicsSimpleTextItem)}
    assert german("Relationships", "reports to") in edge_labels


def test_connection_widgets_retranslate_after_a_language_switch(
    manager_window: MainWindow, area: dict[str, str], qtbot: QtBot
) -> None:
    win = manager_window
    typed_note = show_connection_widgets(win, qtbot, area["showcase"])
    try:
        switch_language(win, "de")
        win.today.losing_touch.retranslate()
        win.detail.connections.retranslate()
        assert_connection_widgets_in_german(win, typed_note)
    finally:
        assert win.translations is not None
        win.translations.install("en")


def test_today_and_customer_pages_pass_a_language_switch_to_their_connection_widgets(
    manager_window: MainWindow, area: dict[str, str], qtbot: QtBot
) -> None:
    win = manager_window
    typed_note = show_connection_widgets(win, qtbot, area["showcase"])
    try:
        switch_language(win, "de")
        assert_connection_widgets_in_german(win, typed_note)
    finally:
        assert win.translations is not None
        win.translations.install("en")


def test_a_page_shows_only_the_signed_in_persons_view(
    manager_window: MainWindow, area: dict[str, str], qtbot: QtBot
) -> None:
    """After another person signs in on this laptop, the people pages show that person's
    view only (the previous one does not stay stacked underneath)."""
    win = manager_window
    for name in ("feedback", "reports"):
        win.show_page(name)
        settle(qtbot, win)
    win.ctx.user_id = area["anna"]
    win.ctx.role = "rep"
    for name in ("feedback", "reports"):
        page = win.pages[name]
        page.reload()
        settle(qtbot, win)
        children = page.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
        visible = [w for w in children if not w.isHidden()]
        assert len(visible) == 1, (name, visible)
    assert win.feedback.inbox.user_id == area["anna"]


def test_the_reason_a_sync_stopped_follows_a_language_switch(
    manager_window: MainWindow, qtbot: QtBot
) -> None:
    win = manager_window
    win.sync.sync_now()  # no server configured in the test window
    qtbot.waitUntil(win.error_label.isVisible)
    assert "No server configured" in win.error_label.text()
    try:
        switch_language(win, "de")
        reason = german(
            "SyncController", "No server configured. Set the server address in Settings."
        )
        assert win.error_label.text() == german("MainWindow", "Sync failed: %1").replace(
            "%1", reason
        )
    finally:
        assert win.translations is not None
        win.translations.install("en")


def test_date_fields_of_an_open_form_take_the_new_date_format(qtbot: QtBot) -> None:
    from fieldcrm.ui import i18n
    from fieldcrm.ui.forms import RecordForm

    form = RecordForm("visit", ["planned_start"])
    qtbot.addWidget(form)
    editor = form.editors["planned_start"]
    translations = i18n.Translations()
    try:
        assert translations.install("de")
        form.retranslate()
        german_format = QLocale(QLocale.Language.German, QLocale.Country.Germany).dateTimeFormat(
            QLocale.FormatType.ShortFormat
        )
        assert editor.displayFormat() == german_format  # type: ignore[attr-defined]
        assert "." in editor.text()  # type: ignore[attr-defined]  # 28.11.26 14:00
    finally:
        translations.install("en")


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_page_fits_a_laptop_screen_in_both_languages(
    language: str, seeded: dict[str, Any], make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    """German labels are long: no page may need a window wider than a 1280-pixel laptop
    screen (the customer page's actions wrap instead)."""
    from tests.helpers.workflows import open_first_customer

    window = make_window()
    window._set_user(seeded)
    switch_language(window, language)
    try:
        open_first_customer(window, qtbot)
        for page in ("customers", "visits", "today", "reports", "trash", "road"):
            window.show_page(page)
            settle(qtbot, window)
            assert window.minimumSizeHint().width() <= 1280, (page, window.minimumSizeHint())
        window.show_customer(window.customers.model.rows[0]["id"])
        settle(qtbot, window)
        assert window.minimumSizeHint().width() <= 1280, window.minimumSizeHint()
        assert window.detail.plan_visit_button.isVisible()
    finally:
        assert window.translations is not None
        window.translations.install("en")
