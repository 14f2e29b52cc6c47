"""The visits page: the week's calendar and the list, check in and out, the report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import corrections, visits
from fieldcrm.app.attachments import Owner
from fieldcrm.app.changes import SESSION
from fieldcrm.app.records import VisitRow
from fieldcrm.domain.entities import VISIT_STATUSES
from fieldcrm.store import Store
from fieldcrm.ui import dialogs, i18n
from fieldcrm.ui.attachments_panel import AttachmentsPanel
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.customer_picker import CustomerPicker
from fieldcrm.ui.models import ID_ROLE, RECORD_ROLE, SORT_ROLE, Column, RowsModel
from fieldcrm.ui.pages.base import (
    AnyIndex,
    View,
    customer_name,
    make_button,
    make_heading,
    make_table,
    translator,
)

TR_CONTEXT = "Views"
_t = translator(TR_CONTEXT)


#: One line of the week planner: the n-th visit of each day, Monday first (None: none).
WeekLine = tuple[VisitRow | None, ...]
#: What a visit dragged in the week planner carries: its id.
VISIT_MIME = "application/x-fieldcrm-visit"


def _week_cell(day: int, title: Callable[[], str]) -> Column:
    def text(line: WeekLine) -> str:
        visit = line[day]
        if visit is None:
            return ""
        return f"{i18n.format_time_local(visit['planned_start'])} {visit['customer_name']}"

    return Column(f"day{day}", title, text)


class WeekModel(RowsModel):
    """A week planner: one column per day, that day's visits from top to bottom.

    A row is a ``WeekLine``; ``visit_at`` and ``ID_ROLE`` answer for the visit in a cell.
    A visit not yet done can be dragged to another day: ``visit_dropped`` says which visit
    went to which day (0: Monday); the view moves it.
    """

    visit_dropped = Signal(str, int)

    def __init__(self, parent: QObject | None = None) -> None:
        self.monday = visits.week_start(date.today())
        super().__init__([_week_cell(day, self._weekday(day)) for day in range(7)], parent)
        self.set_week(self.monday, [])

    def set_week(self, monday: date, visits: list[VisitRow]) -> None:
        self.monday = monday
        days: list[list[VisitRow]] = [[] for _ in range(7)]
        for visit in visits:
            local = i18n.to_local(visit["planned_start"])
            if local is None:
                continue
            day: date = local.date().toPython()  # type: ignore[assignment]
            offset = (day - monday).days
            if 0 <= offset < 7:
                days[offset].append(visit)
        # An empty week still shows one (empty) line under the days.
        lines = max(1, *(len(d) for d in days))
        self.set_rows([tuple(d[n] if n < len(d) else None for d in days) for n in range(lines)])

    def visit_at(self, index: AnyIndex) -> VisitRow | None:
        if not index.isValid() or not 0 <= index.column() < 7:
            return None
        if not 0 <= index.row() < len(self.rows):
            return None
        line: WeekLine = self.rows[index.row()]
        return line[index.column()]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        visit = self.visit_at(index)
        if visit is None:
            return None
        if role == Qt.ItemDataRole.ToolTipRole and visit.get("purpose"):
            return f"{super().data(index, role)}\n{visit['purpose']}"
        if role == Qt.ItemDataRole.ForegroundRole:
            if visit["status"] == "done":
                return QBrush(QColor("#2e7d32"))
            if visit["status"] == "cancelled":
                return QBrush(QColor("#808080"))
            return None
        if role in (ID_ROLE, SORT_ROLE):
            return visit["id"] if role == ID_ROLE else visit["planned_start"]
        if role == RECORD_ROLE:
            return visit
        return super().data(index, role)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index) | Qt.ItemFlag.ItemIsDropEnabled
        visit = self.visit_at(index)
        if visit is not None and visit["status"] != "done":
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [VISIT_MIME]

    def mimeData(self, indexes: Any) -> QMimeData:
        data = QMimeData()
        for index in indexes:
            visit = self.visit_at(index)
            if visit is not None:
                data.setData(VISIT_MIME, visit["id"].encode())
                break
        return data

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        return data.hasFormat(VISIT_MIME) and 0 <= _drop_day(column, parent) < 7

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        day = _drop_day(column, parent)
        if not data.hasFormat(VISIT_MIME) or not 0 <= day < 7:
            return False
        self.visit_dropped.emit(bytes(data.data(VISIT_MIME).data()).decode(), day)
        return True

    def visit(self, visit_id: str) -> VisitRow | None:
        return next((v for line in self.rows for v in line if v and v["id"] == visit_id), None)

    def _weekday(self, day: int) -> Callable[[], str]:
        return lambda: i18n.format_weekday(self.monday + timedelta(days=day))


def _drop_day(column: int, parent: AnyIndex) -> int:
    """The day a drop landed on: the cell's column, or the column between lines."""
    return parent.column() if parent.isValid() else column


class VisitsView(View):
    """Week planner and list; plan, check in and out, write the report."""

    kinds = frozenset({"visit", "customer", "contact", "attachment", SESSION})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("visits_view")
        self.title = make_heading(self, "visits_title")
        self.prev_button = make_button("prev_week", self)
        self.this_week_button = make_button("this_week", self)
        self.next_button = make_button("next_week", self)
        self.week_label = QLabel(self)
        self.week_label.setObjectName("week_label")
        self.week_model = WeekModel(self)
        self.week_table = QTableView(self)
        self.week_table.setObjectName("week_planner")
        self.week_table.setModel(self.week_model)
        self.week_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.week_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.week_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.week_table.verticalHeader().hide()
        self.week_table.setDragEnabled(True)
        self.week_table.setAcceptDrops(True)
        self.week_table.setDropIndicatorShown(True)
        self.week_table.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.week_table.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("visit_status_filter")
        self.list_model = RowsModel(
            [
                Column(
                    "planned_start",
                    lambda: _t("Planned"),
                    lambda r: i18n.format_datetime_local(r["planned_start"]),
                ),
                Column("customer_name", lambda: _t("Customer"), customer_name),
                Column("status", lambda: _t("Status"), lambda r: i18n.label(r["status"])),
                Column(
                    "check_in_at",
                    lambda: _t("Checked in"),
                    lambda r: i18n.format_time_local(r["check_in_at"]),
                ),
                Column(
                    "check_out_at",
                    lambda: _t("Checked out"),
                    lambda r: i18n.format_time_local(r["check_out_at"]),
                ),
                Column("outcome", lambda: _t("Outcome"), lambda r: i18n.label(r["outcome"])),
                Column("purpose", lambda: _t("Purpose")),
            ],
            self,
        )
        self.list_table = make_table(self.list_model, "visit_list", self)
        self.plan_button = make_button("plan_visit", self)
        self.check_in_button = make_button("check_in", self)
        self.check_out_button = make_button("check_out", self)
        self.report_button = make_button("write_report", self)
        self.selected_visit: VisitRow | None = None

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch()
        top.addWidget(self.prev_button)
        top.addWidget(self.week_label)
        top.addWidget(self.this_week_button)
        top.addWidget(self.next_button)
        layout.addLayout(top)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.week_table)
        lower = QWidget(splitter)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.status_filter)
        filter_row.addStretch()
        lower_layout.addLayout(filter_row)
        lists = QSplitter(Qt.Orientation.Horizontal, lower)
        lists.addWidget(self.list_table)
        self.attachments = AttachmentsPanel(ctx, "visit_attachments", lists)
        self.attachments.changed.connect(ctx.changed)
        lists.addWidget(self.attachments)
        lists.setStretchFactor(0, 3)
        lists.setStretchFactor(1, 2)
        lower_layout.addWidget(lists)
        splitter.addWidget(lower)
        layout.addWidget(splitter)
        actions = QHBoxLayout()
        for button in (
            self.plan_button,
            self.check_in_button,
            self.check_out_button,
            self.report_button,
        ):
            actions.addWidget(button)
        actions.addStretch()
        layout.addLayout(actions)

        self.prev_button.clicked.connect(
            lambda: self.show_week(self.week_model.monday - timedelta(days=7))
        )
        self.next_button.clicked.connect(
            lambda: self.show_week(self.week_model.monday + timedelta(days=7))
        )
        self.this_week_button.clicked.connect(
            lambda: self.show_week(visits.week_start(date.today()))
        )
        self.status_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.week_table.clicked.connect(self._week_clicked)
        self.week_table.doubleClicked.connect(self._week_double_clicked)
        self.week_model.visit_dropped.connect(self.move_to_day)
        self.list_table.clicked.connect(
            lambda index: self.select_visit(self.list_model.row_at(index.row()))
        )
        self.list_table.doubleClicked.connect(lambda _i: self.write_report())
        self.plan_button.clicked.connect(self.plan)
        self.check_in_button.clicked.connect(self.check_in)
        self.check_out_button.clicked.connect(self.check_out)
        self.report_button.clicked.connect(self.write_report)
        self._filling = False
        self.retranslate()
        self._update_buttons()

    def retranslate(self) -> None:
        self._filling = True
        self.title.setText(_t("Visits"))
        self.prev_button.setText("◀")
        self.prev_button.setAccessibleName(_t("Previous week"))
        self.prev_button.setToolTip(_t("Previous week"))
        self.next_button.setText("▶")
        self.next_button.setAccessibleName(_t("Next week"))
        self.next_button.setToolTip(_t("Next week"))
        self.this_week_button.setText(_t("This week"))
        self.week_table.setAccessibleName(_t("Week planner"))
        self.week_table.setToolTip(_t("Drag a planned visit to another day to move it."))
        self.list_table.setAccessibleName(_t("Visit list"))
        self.status_filter.setAccessibleName(_t("Visit status filter"))
        current = self.status_filter.currentData()
        self.status_filter.clear()
        self.status_filter.addItem(_t("All visits"), None)
        for value in VISIT_STATUSES:
            self.status_filter.addItem(i18n.label(value), value)
        self.status_filter.setCurrentIndex(max(0, self.status_filter.findData(current)))
        self.plan_button.setText(_t("Plan visit…"))
        self.check_in_button.setText(_t("Check in"))
        self.check_out_button.setText(_t("Check out"))
        self.report_button.setText(_t("Report…"))
        self.attachments.retranslate()
        self._update_week_label()
        self.list_model.retranslate()
        self.week_model.retranslate()
        self._filling = False

    def _update_week_label(self) -> None:
        monday = self.week_model.monday
        self.week_label.setText(
            f"{i18n.format_date(monday)} – {i18n.format_date(monday + timedelta(days=6))}"
        )

    def show_week(self, monday: date) -> None:
        self.week_model.monday = monday
        self._update_week_label()
        self.reload()

    def reload(self) -> None:
        if self._filling:
            return
        super().reload()
        monday = self.week_model.monday
        start, _ = visits.local_day_bounds(monday)
        _, end = visits.local_day_bounds(monday + timedelta(days=6))
        status = self.status_filter.currentData()
        user_id = self.ctx.user_id

        def load(store: Store) -> tuple[list[VisitRow], list[VisitRow]]:
            return visits.visits_between(store, start, end, user_id), visits.visit_list(
                store, status
            )

        self.ctx.read(load, lambda data: self._loaded(monday, *data))

    def _loaded(self, monday: date, week: list[VisitRow], listed: list[VisitRow]) -> None:
        self.week_model.set_week(monday, week)
        self.list_model.set_rows(listed)
        self.list_table.resizeColumnsToContents()
        if self.selected_visit is not None:
            fresh = next((v for v in listed + week if v["id"] == self.selected_visit["id"]), None)
            self.selected_visit = fresh
        self._show_attachments()
        self._update_buttons()

    def _show_attachments(self) -> None:
        visit = self.selected_visit
        owner = None if visit is None else Owner("visit", visit["id"])
        if owner != self.attachments.owner:
            self.attachments.show_owner(owner)
        else:
            self.attachments.reload()

    def _week_clicked(self, index: QModelIndex) -> None:
        visit = self.week_model.visit_at(index)
        if visit is not None:
            self.select_visit(visit)

    def _week_double_clicked(self, index: QModelIndex) -> None:
        visit = self.week_model.visit_at(index)
        if visit is not None:
            self.select_visit(visit)
            self.write_report()

    def move_to_day(self, visit_id: str, day: int) -> None:
        """A visit dropped on a day of the week shown: planned for that day at the same
        time (Ctrl+Z moves it back)."""
        visit = self.week_model.visit(visit_id)
        target = self.week_model.monday + timedelta(days=day)
        if visit is None or visit["status"] == "done":
            return
        local = i18n.to_local(visit["planned_start"])
        if local is not None and local.date().toPython() == target:
            return  # dropped on its own day
        self.ctx.write(
            lambda store: corrections.move_visit_to_day(store, visit_id, target),
            on_error=self.report_error,
        )

    def select_visit(self, visit: VisitRow) -> None:
        self.selected_visit = visit
        for row, item in enumerate(self.list_model.rows):
            if item["id"] == visit["id"]:
                self.list_table.selectRow(row)
                break
        self._show_attachments()
        self._update_buttons()

    def _update_buttons(self) -> None:
        visit = self.selected_visit
        self.plan_button.setEnabled(self.ctx.user_id is not None)
        planned = visit is not None and visit["status"] == "planned"
        self.check_in_button.setEnabled(planned and not visit["check_in_at"])  # type: ignore[index]
        self.check_out_button.setEnabled(
            planned and bool(visit["check_in_at"]) and not visit["check_out_at"]  # type: ignore[index]
        )
        self.report_button.setEnabled(visit is not None and visit["status"] != "cancelled")

    def plan(self) -> None:
        picker = CustomerPicker(self.ctx, self)
        picker.chosen.connect(
            lambda cid, name: dialogs.plan_visit_dialog(self.ctx, self, cid, name)
        )
        picker.open()

    def check_in(self) -> None:
        if self.selected_visit is None:
            return
        visit_id = self.selected_visit["id"]
        self.ctx.write(lambda store: visits.check_in(store, visit_id), on_error=self.report_error)

    def check_out(self) -> None:
        if self.selected_visit is None:
            return
        visit_id = self.selected_visit["id"]
        self.ctx.write(lambda store: visits.check_out(store, visit_id), on_error=self.report_error)

    def write_report(self) -> None:
        if self.selected_visit is None:
            return
        visit_id = self.selected_visit["id"]
        self.open_report(visit_id)

    def open_report(self, visit_id: str) -> None:
        self.ctx.read(
            lambda store: visits.visit_with_contacts(store, visit_id),
            self._report_loaded,
        )

    def _report_loaded(self, info: visits.VisitWithContacts | None) -> None:
        if info is not None:
            self.report = dialogs.report_dialog(self.ctx, self, info)
