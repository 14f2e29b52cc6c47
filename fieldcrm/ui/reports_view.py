"""The reports page: filters, a chart and a table per report, CSV and PDF export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCharts import QChartView
from PySide6.QtCore import (
    QLocale,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app.reports import ReportChoices, report_choices, run_report
from fieldcrm.reports import REPORTS, ReportFilter, ReportTable
from fieldcrm.reports.compute import Column as ReportColumn
from fieldcrm.reports.export import save_csv
from fieldcrm.store import Store
from fieldcrm.ui.i18n import default_locale, qdate
from fieldcrm.ui.models import NUMBER, RECORD_ROLE, SORT_ROLE, Column, RowsModel
from fieldcrm.ui.report_charts import build_chart, translate_title, value_labels
from fieldcrm.ui.report_pdf import ReportHeader, format_cell, write_report_pdf
from fieldcrm.ui.texts import fill


class Submitter(Protocol):
    """Runs work off the GUI thread and calls back on it (the app's database runner)."""

    def submit(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None: ...


REPORT_TITLES = {
    "visits_per_week": "Visits per rep and week",
    "coverage": "Coverage: customers visited within their cadence",
    "overdue": "Overdue customers",
    "outcomes": "Visit outcomes",
    "duration": "Average visit duration",
    "followups": "Follow-ups open and overdue",
}


_NUMERIC = ("int", "float", "percent")


class ReportTableModel(RowsModel):
    """One report table; the text is formatted for the locale, the sort role is raw."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([], parent)
        self._table: ReportTable | None = None
        self._locale = default_locale()

    def set_table(self, table: ReportTable | None) -> None:
        self.beginResetModel()
        self._table = table
        self._columns = [self._column(c) for c in table.columns] if table else []
        self._rows = table.rows if table else []
        self.endResetModel()

    def _column(self, column: ReportColumn) -> Column:
        key, kind, title = column.key, column.kind, column.title
        empty = -1 if kind in _NUMERIC else ""
        return Column(
            key,
            lambda: translate_title(title),
            lambda row: format_cell(row.get(key), kind, self._locale),
            sort=lambda row: empty if row.get(key) is None else row[key],
            align=NUMBER
            if kind in _NUMERIC
            else Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        )

    @property
    def table(self) -> ReportTable | None:
        return self._table

    def retranslate(self) -> None:
        """Column titles and cells again in the current language and number format."""
        self._locale = default_locale()
        super().retranslate()


class ReportsView(QWidget):
    """Pick a report and a period, see chart and table, export them."""

    #: A customer was chosen in a report (e.g. double-click in "Overdue customers").
    open_customer = Signal(str)
    #: A report finished computing (for tests and the status bar).
    report_ready = Signal(str)

    def __init__(
        self,
        store: Store,
        runner: Submitter,
        parent: QWidget | None = None,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._runner = runner
        self._today = today
        self._table: ReportTable | None = None
        self._data_as_of: str | None = None
        self._generation = 0
        self._choices_ready = False
        self._build()

    # ---- layout ---------------------------------------------------------------------

    def _build(self) -> None:
        self.report_box = QComboBox()
        for name in REPORTS:
            self.report_box.addItem("", name)
        end = self._today()
        self.from_edit = QDateEdit(qdate(end - timedelta(days=27)))
        self.to_edit = QDateEdit(qdate(end))
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
        self.territory_box = QComboBox()
        self.rep_box = QComboBox()
        self.csv_button = QPushButton()
        self.pdf_button = QPushButton()
        self.as_of_label = QLabel()
        self.as_of_label.setObjectName("dataAsOf")

        # Two rows, and combo boxes that may shrink: the page must fit beside the navigation.
        for box in (self.report_box, self.territory_box, self.rep_box):
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(14)
        # The report's name is read in full (the longest fits beside the area tree too).
        self.report_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        first, second = QHBoxLayout(), QHBoxLayout()
        #: The label before each filter, in the order of the filters.
        self.captions: list[QLabel] = []
        for row, widget in (
            (first, self.report_box),
            (first, self.from_edit),
            (first, self.to_edit),
            (second, self.territory_box),
            (second, self.rep_box),
        ):
            caption = QLabel()
            caption.setBuddy(widget)
            self.captions.append(caption)
            row.addWidget(caption)
            row.addWidget(widget)
        first.addStretch(1)
        second.addStretch(1)
        second.addWidget(self.csv_button)
        second.addWidget(self.pdf_button)
        filters = QVBoxLayout()
        filters.addLayout(first)
        filters.addLayout(second)

        self.chart_view = QChartView()
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(220)
        self.model = ReportTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table_view = QTableView()
        self.table_view.setModel(self.proxy)
        self.table_view.setSortingEnabled(True)
        # The report's own order until a person clicks a column header.
        self.table_view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table_view.verticalHeader().hide()
        self.table_view.setAlternatingRowColors(True)
        self.table_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.table_view.doubleClicked.connect(self._row_activated)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.chart_view)
        splitter.addWidget(self.table_view)
        splitter.setSizes([320, 280])

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.as_of_label)
        layout.addWidget(splitter, 1)

        self.report_box.currentIndexChanged.connect(self.refresh)
        self.from_edit.dateChanged.connect(self.refresh)
        self.to_edit.dateChanged.connect(self.refresh)
        self.territory_box.currentIndexChanged.connect(self.refresh)
        self.rep_box.currentIndexChanged.connect(self.refresh)
        self.csv_button.clicked.connect(self._export_csv)
        self.pdf_button.clicked.connect(self._export_pdf)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every visible text (again, after a language change); the choices stay."""
        self.report_box.setAccessibleName(self.tr("Report"))
        for index in range(self.report_box.count()):
            name = str(self.report_box.itemData(index))
            self.report_box.setItemText(index, translate_title(REPORT_TITLES[name]))
        self.from_edit.setAccessibleName(self.tr("From"))
        self.to_edit.setAccessibleName(self.tr("To"))
        locale = default_locale()  # a date field keeps the format it was made with
        for edit in (self.from_edit, self.to_edit):
            edit.setLocale(locale)
            edit.setDisplayFormat(locale.dateFormat(QLocale.FormatType.ShortFormat))
        self.territory_box.setAccessibleName(self.tr("Territory"))
        self.rep_box.setAccessibleName(self.tr("Rep"))
        captions = (
            self.tr("&Report:"),
            self.tr("&From:"),
            self.tr("&To:"),
            self.tr("Te&rritory:"),
            self.tr("R&ep:"),
        )
        for caption, text in zip(self.captions, captions, strict=True):
            caption.setText(text)
        self._name_all_choices()
        self.csv_button.setText(self.tr("Export CSV…"))
        self.pdf_button.setText(self.tr("Export PDF…"))
        self.table_view.setAccessibleName(self.tr("Report table"))
        self.model.retranslate()
        if self._table is not None:
            self._show_chart(self._table)
        if self._choices_ready:
            self._show_as_of()

    def _name_all_choices(self) -> None:
        """The first choice of the territory and rep filters: no filter."""
        for box, text in (
            (self.territory_box, self.tr("All territories")),
            (self.rep_box, self.tr("All reps")),
        ):
            if box.count() and box.itemData(0) is None:
                box.setItemText(0, text)

    # ---- data -----------------------------------------------------------------------

    def load(self) -> None:
        """Fill the territory and rep choices, then compute the current report."""
        store = self._store

        self._runner.submit(lambda: report_choices(store), self._choices_loaded)

    def _choices_loaded(self, result: ReportChoices) -> None:
        territories, reps, last_sync = result
        self._data_as_of = last_sync
        self._choices_ready = True
        for box, items in ((self.territory_box, territories), (self.rep_box, reps)):
            box.blockSignals(True)
            box.clear()
            box.addItem("", None)
            for item_id, name in items:
                box.addItem(name, item_id)
            box.blockSignals(False)
        self._name_all_choices()
        self._show_as_of()
        self.refresh()

    def _show_as_of(self) -> None:
        if self.from_edit.date() > self.to_edit.date():
            self.as_of_label.setText(self.tr("The period ends before it starts."))
            return
        if self._data_as_of:
            when = datetime.fromisoformat(self._data_as_of.replace("Z", "+00:00"))
            from fieldcrm.ui.report_pdf import format_datetime

            text = fill(
                self.tr("Data as of %1 (last successful sync)"),
                format_datetime(when, default_locale()),
            )
        else:
            text = self.tr("Data as of: never synced — the report shows local data only")
        self.as_of_label.setText(text)

    def current_filter(self) -> ReportFilter:
        territory = self.territory_box.currentData()
        rep = self.rep_box.currentData()
        return ReportFilter(
            self.from_edit.date().toPython(),  # type: ignore[arg-type]
            self.to_edit.date().toPython(),  # type: ignore[arg-type]
            (territory,) if territory else (),
            (rep,) if rep else (),
        )

    def current_report(self) -> str:
        return str(self.report_box.currentData())

    def refresh(self) -> None:
        if not self._choices_ready:
            return  # load() computes the report once the choices are there
        try:
            flt = self.current_filter()
        except ValueError:
            self._show_as_of()  # says the period ends before it starts
            return
        name = self.current_report()
        store = self._store
        self._generation += 1
        generation = self._generation

        def work() -> tuple[int, ReportTable]:
            return generation, run_report(store, name, flt)

        self._runner.submit(work, self._show_table, self._failed)

    def _show_table(self, result: tuple[int, ReportTable]) -> None:
        generation, table = result
        if generation != self._generation:
            return  # an older request finished after the user changed the choice
        self._table = table
        self.model.set_table(table)
        self._show_chart(table)
        self._show_as_of()
        self.report_ready.emit(table.name)

    def _show_chart(self, table: ReportTable) -> None:
        old = self.chart_view.chart()
        self.chart_view.setChart(build_chart(table))
        if old is not None:
            old.deleteLater()

    def _failed(self, exc: BaseException) -> None:
        QMessageBox.warning(
            self,
            self.tr("Report"),
            fill(self.tr("The report could not be computed: %1"), str(exc)),
        )

    def _row_activated(self, index: QModelIndex) -> None:
        row = self.proxy.data(index, RECORD_ROLE)
        if isinstance(row, dict) and row.get("customer_id"):
            self.open_customer.emit(row["customer_id"])

    # ---- export ---------------------------------------------------------------------

    def _export_csv(self) -> None:
        if self._table is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export CSV (the file is not encrypted)"),
            f"{self._table.name}.csv",
            self.tr("CSV files (*.csv)"),
        )
        if path:
            self.export_csv(Path(path))

    def export_csv(self, path: Path) -> None:
        assert self._table is not None
        try:
            save_csv(self._table, path)
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Export CSV"), str(exc))

    def _export_pdf(self) -> None:
        if self._table is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export PDF (the file is not encrypted)"),
            f"{self._table.name}.pdf",
            self.tr("PDF files (*.pdf)"),
        )
        if path:
            self.export_pdf(Path(path))

    def export_pdf(self, path: Path) -> int:
        """Write the current report as PDF (chart and table); returns the page count."""
        assert self._table is not None
        filters = [
            box.currentText() for box in (self.territory_box, self.rep_box) if box.currentData()
        ]
        as_of = (
            datetime.fromisoformat(self._data_as_of.replace("Z", "+00:00"))
            if self._data_as_of
            else None
        )
        header = ReportHeader(
            title="FieldCRM – " + translate_title(self._table.title),
            date_from=self.from_edit.date().toPython(),  # type: ignore[arg-type]
            date_to=self.to_edit.date().toPython(),  # type: ignore[arg-type]
            filters=filters,
            generated_at=datetime.now(UTC),
            data_as_of=as_of,
        )
        try:
            return write_report_pdf(path, header, [self._table])
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Export PDF"), str(exc))
            return 0


__all__ = ["REPORT_TITLES", "ReportTableModel", "ReportsView", "value_labels"]
