"""The reports page, the manager page and feedback widgets, driven through their widgets."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCharts import QBarCategoryAxis, QStackedBarSeries
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from fieldcrm.reports import REPORTS
from fieldcrm.store import feedback
from fieldcrm.store.feedback import add_feedback, thread
from fieldcrm.ui.feedback_view import FeedbackThread
from fieldcrm.ui.manager_view import ManagerView
from fieldcrm.ui.reports_view import ReportsView
from fieldcrm.ui.tasks import TaskRunner
from tests.helpers.report_area import Area

TODAY = date(2026, 11, 30)


@pytest.fixture
def runner(qtbot: QtBot) -> TaskRunner:
    return TaskRunner("db-test")


def _reports_view(qtbot: QtBot, area: Area, runner: TaskRunner) -> ReportsView:
    view = ReportsView(area.store, runner, today=lambda: TODAY)
    qtbot.addWidget(view)
    view.from_edit.setDate(QDate(2026, 11, 1))
    with qtbot.waitSignal(view.report_ready, timeout=5000):
        view.load()
    assert view.territory_box.count() == 3  # all, North, South
    return view


def test_every_report_shows_chart_and_table(
    qtbot: QtBot, area: Area, runner: TaskRunner, qtmodeltester: object
) -> None:
    view = _reports_view(qtbot, area, runner)
    for index, name in enumerate(REPORTS):
        if view.current_report() != name:
            with qtbot.waitSignal(view.report_ready, timeout=5000):
                view.report_box.setCurrentIndex(index)
        assert view.model.rowCount() > 0, name
        assert view.chart_view.chart() is not None
        qtmodeltester.check(view.model)  # type: ignore[attr-defined]


def test_visits_per_week_chart_keeps_weeks_without_visits(
    qtbot: QtBot, area: Area, runner: TaskRunner
) -> None:
    """The area has visits in weeks 45, 46, 47 and 49: week 48 is an empty bar, in order."""
    view = _reports_view(qtbot, area, runner)
    assert view.current_report() == "visits_per_week"
    chart = view.chart_view.chart()
    (axis,) = chart.axes(Qt.Orientation.Horizontal)
    assert isinstance(axis, QBarCategoryAxis)
    assert axis.categories() == [f"2026-W{week}" for week in range(45, 50)]
    (series,) = chart.series()
    assert isinstance(series, QStackedBarSeries)
    totals = [sum(bars.at(i) for bars in series.barSets()) for i in range(5)]
    assert totals == [1, 2, 1, 0, 1]


def test_overdue_report_sorts_and_opens_the_customer(
    qtbot: QtBot, area: Area, runner: TaskRunner
) -> None:
    view = _reports_view(qtbot, area, runner)
    with qtbot.waitSignal(view.report_ready, timeout=5000):
        view.report_box.setCurrentIndex(list(REPORTS).index("overdue"))
    assert view.proxy.index(0, 0).data() == "C4"  # never visited first
    view.table_view.sortByColumn(7, Qt.SortOrder.DescendingOrder)
    assert view.proxy.index(0, 0).data() == "C2"
    with qtbot.waitSignal(view.open_customer, timeout=2000) as signal:
        view.table_view.doubleClicked.emit(view.proxy.index(0, 1))
    assert signal.args == [area.ids["C2"]]


def test_filters_and_exports(qtbot: QtBot, area: Area, runner: TaskRunner, tmp_path: Path) -> None:
    view = _reports_view(qtbot, area, runner)
    north = view.territory_box.findData(area.ids["north"])
    with qtbot.waitSignal(view.report_ready, timeout=5000):
        view.territory_box.setCurrentIndex(north)
    assert {view.model.data(view.model.index(r, 0)) for r in range(view.model.rowCount())} == {
        "Anna Berg"
    }
    out = tmp_path / "weeks.csv"
    view.export_csv(out)
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0][:2] == ["Rep", "Week"] and len(rows) == 1 + view.model.rowCount()
    pdf = tmp_path / "weeks.pdf"
    assert view.export_pdf(pdf) >= 1
    assert pdf.read_bytes().startswith(b"%PDF")


def test_manager_acknowledges_and_comments_and_rep_sees_it(
    qtbot: QtBot, area: Area, runner: TaskRunner, qtmodeltester: object
) -> None:
    with area.store.write() as w:
        maria = w.create(
            "user", {"username": "maria", "display_name": "Maria Roth", "role": "manager"}
        )
    view = ManagerView(area.store, runner, maria, today=lambda: TODAY)
    qtbot.addWidget(view)
    view.load()
    qtbot.waitUntil(lambda: view.reports_model.rowCount() == 2, timeout=5000)
    qtbot.waitUntil(lambda: view.team_model.rowCount() == 2, timeout=5000)
    qtmodeltester.check(view.reports_model)  # type: ignore[attr-defined]
    qtmodeltester.check(view.team_model)  # type: ignore[attr-defined]
    # Each territory's line sums its reps' visit and follow-up figures.
    team = view.team_model
    for row in range(team.rowCount()):
        territory = team.item(row, 0)
        assert territory.rowCount() >= 1
        for column in range(3, 7):
            reps = sum(int(territory.child(r, column).text()) for r in range(territory.rowCount()))
            assert int(team.item(row, column).text()) == reps
    annas = [
        r
        for r in range(view.reports_model.rowCount())
        if view.reports_model.index(r, 1).data() == "Anna Berg"
    ]
    view.reports_table.selectRow(annas[0])
    thread_widget = view.feedback_thread
    qtbot.waitUntil(thread_widget.send_button.isEnabled, timeout=2000)
    thread_widget.ack_button.click()
    qtbot.waitUntil(lambda: thread_widget.model.rowCount() == 1, timeout=5000)
    thread_widget.editor.setPlainText("Please note the order volume next time.")
    thread_widget.send_button.click()
    qtbot.waitUntil(lambda: thread_widget.model.rowCount() == 2, timeout=5000)
    qtmodeltester.check(thread_widget.model)  # type: ignore[attr-defined]
    qtbot.waitUntil(
        lambda: "acknowledged" in str(view.reports_model.index(annas[0], 4).data()),
        timeout=5000,
    )
    # An empty comment is refused with a message and writes nothing.
    thread_widget.send_button.click()
    assert thread_widget.error_label.text()

    # The rep (on her laptop, here the same store) has it as unread feedback and replies in
    # the same thread widget (her inbox page opens it; tests/ui/test_inbox.py).
    def unread() -> list[feedback.FeedbackItem]:
        with area.store.read() as conn:
            return feedback.unread_feedback(conn, area.ids["anna"])

    assert len(unread()) == 2
    [visit_id] = {i.visit_id for i in unread()}
    reply = FeedbackThread(area.store, runner, area.ids["anna"], can_acknowledge=False)
    qtbot.addWidget(reply)
    reply.set_visit(visit_id)
    qtbot.waitUntil(lambda: reply.model.rowCount() == 2, timeout=5000)
    assert not reply.ack_button.isVisibleTo(reply)
    reply.editor.setPlainText("Will do.")
    reply.send_button.click()
    qtbot.waitUntil(lambda: reply.model.rowCount() == 3, timeout=5000)
    # Opening the thread marked it read.
    qtbot.waitUntil(lambda: not unread(), timeout=5000)
    with area.store.read() as conn:
        items = thread(conn, visit_id)
    assert [i.kind for i in items] == ["acknowledgement", "comment", "comment"]


def test_thread_shows_feedback_written_elsewhere(
    qtbot: QtBot, area: Area, runner: TaskRunner
) -> None:
    with area.store.read() as conn:
        visit_id = conn.exec_driver_sql(
            "SELECT id FROM visit WHERE status = 'done' ORDER BY planned_start LIMIT 1"
        ).scalar_one()
    add_feedback(area.store, visit_id, area.ids["ben"], "Nice one.")
    widget = FeedbackThread(area.store, runner, area.ids["anna"], can_acknowledge=False)
    qtbot.addWidget(widget)
    widget.set_visit(visit_id)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=5000)
    assert "Nice one." in str(widget.model.index(0, 0).data())
    assert "Ben Kraus" in str(widget.model.index(0, 0).data())


def test_the_export_dialogs_say_the_file_is_not_encrypted(
    qtbot: QtBot,
    area: Area,
    runner: TaskRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QFileDialog

    view = _reports_view(qtbot, area, runner)
    captions: list[str] = []

    def save_dialog(_parent: object, caption: str, name: str, _filter: str) -> tuple[str, str]:
        captions.append(caption)
        return str(tmp_path / name), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    view.csv_button.click()
    view.pdf_button.click()
    assert len(captions) == 2
    assert all("not encrypted" in caption for caption in captions)
    assert len(list(tmp_path.glob("*.csv"))) == 1 and len(list(tmp_path.glob("*.pdf"))) == 1
