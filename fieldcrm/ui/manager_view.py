"""The area manager's page: the team and how fresh its data is, reports to review, reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import feedback
from fieldcrm.reports.team import TerritoryOverview
from fieldcrm.store import Store
from fieldcrm.store.feedback import ReportSummary
from fieldcrm.ui.feedback_view import FeedbackThread
from fieldcrm.ui.i18n import default_locale
from fieldcrm.ui.models import RECORD_ROLE, Column, RowsModel
from fieldcrm.ui.report_charts import value_labels
from fieldcrm.ui.report_pdf import format_datetime
from fieldcrm.ui.reports_view import ReportsView, Submitter
from fieldcrm.ui.texts import fill

ModelIndex = QModelIndex | QPersistentModelIndex


def _freshness(last_sync: str | None) -> str:
    if not last_sync:
        return QCoreApplication.translate("ManagerView", "never synced")
    moment = datetime.fromisoformat(last_sync.replace("Z", "+00:00")).astimezone()
    return format_datetime(moment, default_locale())


def _report_day(row: ReportSummary) -> str:
    return default_locale().toString(
        QDate.fromString(row.day, "yyyy-MM-dd"), default_locale().FormatType.ShortFormat
    )


class RecentReportsModel(RowsModel):
    """Done visits to review, newest first (rows: ``ReportSummary``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            [
                Column("day", lambda: self.tr("Date"), _report_day),
                Column("rep_name", lambda: self.tr("Rep")),
                Column("customer_name", lambda: self.tr("Customer")),
                Column(
                    "outcome",
                    lambda: self.tr("Outcome"),
                    lambda row: value_labels().get(row.outcome or "none", row.outcome or ""),
                ),
                Column("comments", lambda: self.tr("Feedback"), self._feedback_state),
            ],
            parent,
        )

    def _feedback_state(self, row: ReportSummary) -> str:
        states = []
        if row.acknowledged:
            states.append(self.tr("acknowledged"))
        if row.comments == 1:
            states.append(self.tr("1 comment"))
        elif row.comments:
            states.append(fill(self.tr("%1 comments"), default_locale().toString(row.comments)))
        return ", ".join(states) or self.tr("awaiting feedback")


class ManagerView(QWidget):
    """Team overview, visit reports with feedback, and the reports, for one area."""

    open_customer = Signal(str)

    def __init__(
        self,
        store: Store,
        runner: Submitter,
        user_id: str,
        parent: QWidget | None = None,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        super().__init__(parent)
        self._store, self._runner, self._today = store, runner, today
        self.team_model = QStandardItemModel(self)
        self.team_view = QTreeView()
        self.team_view.setModel(self.team_model)
        self.team_view.setUniformRowHeights(True)
        self.team_view.setEditTriggers(QTreeView.EditTrigger.NoEditTriggers)

        self.reports_model = RecentReportsModel(self)
        self.reports_table = QTableView()
        self.reports_table.setModel(self.reports_model)
        self.reports_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.reports_table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.reports_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.reports_table.horizontalHeader().setStretchLastSection(True)
        self.reports_table.verticalHeader().hide()
        self.report_text = QTextBrowser()
        self.feedback_thread = FeedbackThread(store, runner, user_id, can_acknowledge=True)
        # The report is shown beside the thread here; no need to repeat it above it.
        self.feedback_thread.heading.hide()
        self.feedback_thread.report_label.hide()
        self.feedback_thread.changed.connect(self.reload_reports)
        review = QSplitter(Qt.Orientation.Vertical)
        review.addWidget(self.reports_table)
        detail = QSplitter(Qt.Orientation.Horizontal)
        detail.addWidget(self.report_text)
        detail.addWidget(self.feedback_thread)
        review.addWidget(detail)
        review.setSizes([260, 300])
        self.reports_table.selectionModel().currentRowChanged.connect(self._report_chosen)

        self.reports_view = ReportsView(store, runner, today=today)
        self.reports_view.open_customer.connect(self.open_customer)
        self.tabs = QTabWidget()
        self.tabs.addTab(review, "")
        self.tabs.addTab(self.reports_view, "")

        # The area overview spans the full width above the reviews: its seven columns and
        # the report tables beneath it fit a 1280-pixel window without scrolling sideways.
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold")
        top_layout.addWidget(self.heading)
        top_layout.addWidget(self.team_view)
        self.team_view.header().setStretchLastSection(False)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([170, 560])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every visible text (again, after a language change); choices and typing stay."""
        self.team_view.setAccessibleName(self.tr("Territories and reps"))
        self.reports_table.setAccessibleName(self.tr("Visit reports to review"))
        self.report_text.setAccessibleName(self.tr("Visit report"))
        self.tabs.setTabText(0, self.tr("Visit reports"))
        self.tabs.setTabText(1, self.tr("Reports"))
        self.heading.setText(self.tr("Area"))
        if self.team_model.columnCount():
            self._name_team_columns()
            self._name_team_cells()
        self.reports_model.retranslate()
        summary = self.reports_model.data(self.reports_table.currentIndex(), RECORD_ROLE)
        if isinstance(summary, ReportSummary):
            self._show_report(summary)
        self.feedback_thread.retranslate()
        self.reports_view.retranslate()

    def load(self) -> None:
        self.reload_team()
        self.reload_reports()
        self.reports_view.load()

    def reload_team(self) -> None:
        store, today = self._store, self._today()

        self._runner.submit(lambda: feedback.area_overview(store, today), self._team_loaded)

    def _name_team_columns(self) -> None:
        self.team_model.setHorizontalHeaderLabels(
            [
                self.tr("Territory / rep"),
                self.tr("Data as of"),
                self.tr("Customers"),
                self.tr("Done (7 days)"),
                self.tr("Planned (7 days)"),
                self.tr("Open follow-ups"),
                self.tr("Overdue"),
            ]
        )

    def _name_team_cells(self) -> None:
        """Write the figures and the reps' data dates again in the current language."""
        model, locale = self.team_model, default_locale()
        columns = model.columnCount()
        for number in range(model.rowCount()):
            territory = model.item(number, 0)
            _name_cells([model.item(number, column) for column in range(columns)], locale)
            for child in range(territory.rowCount()):
                _name_cells([territory.child(child, column) for column in range(columns)], locale)

    def _team_loaded(self, territories: list[TerritoryOverview]) -> None:
        model = self.team_model
        model.clear()
        self._name_team_columns()
        locale = default_locale()
        for territory in territories:
            reps = territory.reps
            # A territory's line sums its reps' figures (its customers are its own count).
            totals = [
                territory.customers,
                sum(rep.visits_done_last_7_days for rep in reps),
                sum(rep.visits_planned_next_7_days for rep in reps),
                sum(rep.open_followups for rep in reps),
                sum(rep.overdue_followups for rep in reps),
            ]
            row = [QStandardItem(territory.name), QStandardItem("")]
            row += [_figure(total) for total in totals]
            _name_cells(row, locale)
            bold = row[0].font()
            bold.setBold(True)
            for item in row:
                item.setFont(bold)
            for rep in territory.reps:
                freshness = QStandardItem()
                # "" for never synced: a data date to write, unlike the territory's empty cell.
                freshness.setData(rep.last_sync_at or "", _VALUE_ROLE)
                items = [QStandardItem(rep.name), freshness]
                items += [
                    _figure(figure)
                    for figure in (
                        rep.customers,
                        rep.visits_done_last_7_days,
                        rep.visits_planned_next_7_days,
                        rep.open_followups,
                        rep.overdue_followups,
                    )
                ]
                items[0].setData(rep.id, Qt.ItemDataRole.UserRole)
                _name_cells(items, locale)
                row[0].appendRow(items)
            model.appendRow(row)
        self.team_view.expandAll()
        header = self.team_view.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def reload_reports(self) -> None:
        store, today = self._store, self._today()

        self._runner.submit(lambda: feedback.recent_reports(store, today), self._reports_loaded)

    def _reports_loaded(self, rows: list[ReportSummary]) -> None:
        current = self.reports_table.currentIndex()
        keep = self.reports_model.data(current, RECORD_ROLE)
        self.reports_model.set_rows(rows)
        for number, summary in enumerate(rows):
            if isinstance(keep, ReportSummary) and summary.visit_id == keep.visit_id:
                self.reports_table.selectRow(number)
                break

    def _report_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        summary = self.reports_model.data(current, RECORD_ROLE)
        if not isinstance(summary, ReportSummary):
            self.report_text.clear()
            self.feedback_thread.set_visit(None)
            return
        self._show_report(summary)
        self.feedback_thread.set_visit(summary.visit_id)

    def _show_report(self, summary: ReportSummary) -> None:
        report_label, next_label = self.tr("Report"), self.tr("Next steps")
        html = (
            f"<h3>{_escape(summary.customer_name)}</h3>"
            f"<p><b>{report_label}</b><br>{_escape(summary.report or '—')}</p>"
            f"<p><b>{next_label}</b><br>{_escape(summary.next_steps or '—')}</p>"
        )
        scroll = self.report_text.verticalScrollBar()
        position = scroll.value()
        self.report_text.setHtml(html)
        scroll.setValue(position)


_NUMBER_ALIGNMENT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
#: What a team cell shows, kept to write it again in another language: a figure (int),
#: or a rep's last sync ("" when never synced).
_VALUE_ROLE = Qt.ItemDataRole.UserRole + 1


def _figure(value: int) -> QStandardItem:
    """A right-aligned team figure; ``_name_cells`` writes its text."""
    item = QStandardItem()
    item.setData(value, _VALUE_ROLE)
    item.setTextAlignment(_NUMBER_ALIGNMENT)
    return item


def _name_cells(items: list[QStandardItem] | list[QStandardItem | None], locale: QLocale) -> None:
    """Write the text of team cells that hold a figure or a data date, for ``locale``."""
    for item in items:
        if item is None:
            continue
        value = item.data(_VALUE_ROLE)
        if isinstance(value, int):
            item.setText(locale.toString(value))
        elif isinstance(value, str):
            item.setText(_freshness(value or None))


def _escape(text: str) -> str:
    import html

    return html.escape(text).replace("\n", "<br>")
