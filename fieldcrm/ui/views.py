"""The main views: Today, Customers, Customer detail, Visits, Conflicts, Rejected changes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSignalBlocker,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.domain.entities import CUSTOMER_STATUSES, SEGMENTS, VISIT_STATUSES, entity_spec
from fieldcrm.domain.validation import FieldError, ValidationError
from fieldcrm.store import Store
from fieldcrm.ui import dialogs, i18n, queries
from fieldcrm.ui.connections_view import CustomerConnections, LosingTouchView
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.forms import ERROR_STYLE, RecordForm, confirm, confirm_discard
from fieldcrm.ui.models import ID_ROLE, Column, CustomerTableModel, RowsModel

TR_CONTEXT = "Views"
AnyIndex = QModelIndex | QPersistentModelIndex


def _t(text: str) -> str:
    return QCoreApplication.translate(TR_CONTEXT, text)


def make_table(model: QAbstractTableModel, name: str, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    # Fitting columns to their contents measures the visible rows and 50 more, not every
    # row: measuring hundreds of rows at once kept the GUI thread busy after a sync.
    view.horizontalHeader().setResizeContentsPrecision(50)
    view.setWordWrap(False)
    return view


def selected_row(view: QTableView) -> dict[str, Any] | None:
    model = view.model()
    index = view.currentIndex()
    if not index.isValid() or not isinstance(model, RowsModel):
        return None
    if index.row() >= len(model.rows):
        return None
    return model.row_at(index.row())


def _button(name: str, parent: QWidget) -> QPushButton:
    button = QPushButton(parent)
    button.setObjectName(name)
    return button


def _heading(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    label.setFont(font)
    return label


def _customer_name(row: dict[str, Any]) -> str:
    return str(row.get("customer_name") or "")


class View(QWidget):
    """A page of the main window."""

    #: Open a customer's detail page.
    open_customer = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        ctx.data_changed.connect(self._mark_stale)

    def _mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self) -> None:
        self._stale = False

    def retranslate(self) -> None:
        """Set every visible text (again, after a language change)."""

    def can_leave(self) -> bool:
        """False when the user chose to stay because of unsaved edits."""
        return True

    def report_error(self, exc: BaseException) -> None:
        self.ctx.message.emit(_t("Could not save: %1").replace("%1", str(exc)))


# ---- Today ---------------------------------------------------------------------------


class TodayView(View):
    """Today's and this week's visits, overdue customers and open follow-ups."""

    start_visit = Signal(dict)
    plan_visit = Signal(str, str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("today_view")
        self.title = _heading(self, "today_title")
        self.today_model = RowsModel(
            [
                Column(
                    "planned_start",
                    lambda: _t("Time"),
                    lambda r: i18n.format_time_local(r["planned_start"]),
                ),
                Column("customer_name", lambda: _t("Customer"), _customer_name),
                Column("customer_city", lambda: _t("City")),
                Column("purpose", lambda: _t("Purpose")),
            ],
            self,
        )
        self.week_model = RowsModel(
            [
                Column(
                    "planned_start",
                    lambda: _t("When"),
                    lambda r: i18n.format_datetime_local(r["planned_start"]),
                ),
                Column("customer_name", lambda: _t("Customer"), _customer_name),
                Column("purpose", lambda: _t("Purpose")),
            ],
            self,
        )
        self.overdue_model = RowsModel(
            [
                Column("name", lambda: _t("Customer")),
                Column("city", lambda: _t("City")),
                Column(
                    "last_visit",
                    lambda: _t("Last visit"),
                    lambda r: i18n.format_date_local(r["last_visit"]) or _t("never"),
                ),
                Column(
                    "visit_cadence_days",
                    lambda: _t("Cadence"),
                    lambda r: _t("every %1 days").replace(
                        "%1", i18n.format_number(r["visit_cadence_days"])
                    ),
                ),
            ],
            self,
        )
        self.followup_model = RowsModel(
            [
                Column("due_date", lambda: _t("Due"), lambda r: i18n.format_date(r["due_date"])),
                Column("title", lambda: _t("Follow-up")),
                Column("customer_name", lambda: _t("Customer"), _customer_name),
            ],
            self,
        )
        self.today_table = make_table(self.today_model, "today_visits", self)
        self.week_table = make_table(self.week_model, "week_visits", self)
        self.overdue_table = make_table(self.overdue_model, "overdue_customers", self)
        # The name takes the room the other columns leave (long names end in "…"), so the
        # cadence stays in view without scrolling sideways.
        self.overdue_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch
        )
        self.followup_table = make_table(self.followup_model, "open_followups", self)
        self.start_button = _button("start_visit", self)
        self.plan_button = _button("plan_overdue", self)
        self.followup_done_button = _button("followup_done", self)
        self.boxes = [QGroupBox(self) for _ in range(4)]
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        grid = QGridLayout()
        for i, (box, table, button) in enumerate(
            zip(
                self.boxes,
                (self.today_table, self.week_table, self.overdue_table, self.followup_table),
                (self.start_button, None, self.plan_button, self.followup_done_button),
                strict=True,
            )
        ):
            inner = QVBoxLayout(box)
            inner.addWidget(table)
            if button is not None:
                row = QHBoxLayout()
                row.addStretch()
                row.addWidget(button)
                inner.addLayout(row)
            grid.addWidget(box, i // 2, i % 2)
        layout.addLayout(grid)
        # People and customers past their stay-in-touch cadence (see fieldcrm.store.connections).
        self.losing_touch = LosingTouchView(ctx.store, ctx.analysis)
        self.losing_touch.open_customer.connect(self.open_customer)
        grid.addWidget(self.losing_touch, 2, 0, 1, 2)
        self.start_button.clicked.connect(self._start)
        self.today_table.doubleClicked.connect(self._start)
        self.plan_button.clicked.connect(self._plan)
        self.overdue_table.doubleClicked.connect(
            lambda index: self.open_customer.emit(self.overdue_model.row_at(index.row())["id"])
        )
        self.followup_table.doubleClicked.connect(
            lambda index: self.open_customer.emit(
                self.followup_model.row_at(index.row())["customer_id"]
            )
        )
        self.followup_done_button.clicked.connect(self._followup_done)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_t("Today, %1").replace("%1", i18n.format_date(date.today())))
        self.losing_touch.retranslate()
        titles = (
            _t("Visits today"),
            _t("This week"),
            _t("Overdue for a visit"),
            _t("Open follow-ups"),
        )
        for box, text in zip(self.boxes, titles, strict=True):
            box.setTitle(text)
        self.today_table.setAccessibleName(_t("Visits today"))
        self.week_table.setAccessibleName(_t("This week"))
        self.overdue_table.setAccessibleName(_t("Overdue for a visit"))
        self.followup_table.setAccessibleName(_t("Open follow-ups"))
        self.start_button.setText(_t("Start visit"))
        self.start_button.setToolTip(
            _t("Check in to the selected (or next) visit and write the report")
        )
        self.plan_button.setText(_t("Plan visit…"))
        self.followup_done_button.setText(_t("Mark done"))
        for model in (self.today_model, self.week_model, self.overdue_model, self.followup_model):
            model.retranslate()

    def reload(self) -> None:
        super().reload()
        user_id = self.ctx.user_id
        self.ctx.read(
            lambda store: queries.today_overview(store, user_id, date.today()), self._loaded
        )
        self.losing_touch.reload()

    def _loaded(self, data: dict[str, Any]) -> None:
        self.today_model.set_rows(data["today"])
        self.week_model.set_rows(data["week"])
        self.overdue_model.set_rows(data["overdue_customers"])
        self.followup_model.set_rows(data["followups"])
        self.start_button.setEnabled(bool(data["today"]))
        for table in (self.today_table, self.week_table, self.overdue_table, self.followup_table):
            table.resizeColumnsToContents()

    def _start(self, *_args: object) -> None:
        row = selected_row(self.today_table)
        if row is None and self.today_model.rows:
            row = self.today_model.rows[0]
        if row is not None:
            self.start_visit.emit(row)

    def _plan(self) -> None:
        row = selected_row(self.overdue_table)
        if row is not None:
            self.plan_visit.emit(row["id"], row["name"])

    def _followup_done(self) -> None:
        row = selected_row(self.followup_table)
        if row is None:
            return
        followup_id = row["id"]
        self.ctx.write(
            lambda store: store.update("followup", followup_id, {"done_at": store.now_text()}),
            on_error=self.report_error,
        )


# ---- Customers -----------------------------------------------------------------------


class CustomersView(View):
    """The customer list: search-as-you-type, filters, create, edit and delete."""

    SEARCH_DELAY_MS = 150
    #: The list shows the result of the latest search (for tests and benchmarks).
    search_applied = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("customers_view")
        self.title = _heading(self, "customers_title")
        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.territory = QComboBox(self)
        self.territory.setObjectName("filter_territory")
        self.status = QComboBox(self)
        self.status.setObjectName("filter_status")
        self.segment = QComboBox(self)
        self.segment.setObjectName("filter_segment")
        self.overdue = QCheckBox(self)
        self.overdue.setObjectName("filter_overdue")
        self.model = CustomerTableModel(ctx.store, ctx.db, self)
        self.table = make_table(self.model, "customer_table", self)
        for column, width in ((0, 90), (1, 300), (2, 130), (3, 110), (4, 100), (5, 80)):
            self.table.setColumnWidth(column, width)
        self.new_button = _button("new_customer", self)
        self.open_button = _button("open_customer", self)
        self.delete_button = _button("delete_customer", self)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(self.SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        for combo in (self.territory, self.status, self.segment):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.overdue.toggled.connect(self.apply_filter)
        self.model.page_loaded.connect(self._page_loaded)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated.connect(self._open_index)
        self.new_button.clicked.connect(self.new_customer)
        self.open_button.clicked.connect(lambda: self._open_index(self.table.currentIndex()))
        self.delete_button.clicked.connect(self.delete_selected)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.territory, 1)
        filters.addWidget(self.status, 1)
        filters.addWidget(self.segment, 1)
        filters.addWidget(self.overdue)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch()
        buttons.addWidget(self.delete_button)
        layout.addLayout(buttons)
        self.setTabOrder(self.search, self.territory)
        self.setTabOrder(self.territory, self.status)
        self.setTabOrder(self.status, self.segment)
        self.setTabOrder(self.segment, self.overdue)
        self.setTabOrder(self.overdue, self.table)
        self.setTabOrder(self.table, self.new_button)
        self._filling = False
        self.retranslate()

    def retranslate(self) -> None:
        self._filling = True
        self.title.setText(_t("Customers"))
        self.search.setPlaceholderText(_t("Search name, number, city or contact…"))
        self.search.setAccessibleName(_t("Search customers"))
        self.territory.setAccessibleName(_t("Territory filter"))
        self.status.setAccessibleName(_t("Status filter"))
        self.segment.setAccessibleName(_t("Segment filter"))
        if self.territory.count() == 0:
            self.territory.addItem("", None)
        self.territory.setItemText(0, _t("All territories"))
        current_status = self.status.currentData()
        self.status.clear()
        self.status.addItem(_t("All statuses"), None)
        for value in CUSTOMER_STATUSES:
            self.status.addItem(i18n.label(value), value)
        self.status.setCurrentIndex(max(0, self.status.findData(current_status)))
        current_segment = self.segment.currentData()
        self.segment.clear()
        self.segment.addItem(_t("All segments"), None)
        for value in SEGMENTS:
            self.segment.addItem(_t("Segment %1").replace("%1", value), value)
        self.segment.setCurrentIndex(max(0, self.segment.findData(current_segment)))
        self.overdue.setText(_t("Overdue only"))
        self.new_button.setText(_t("New customer…"))
        self.open_button.setText(_t("Open"))
        self.delete_button.setText(_t("Delete…"))
        self.table.setAccessibleName(_t("Customer list"))
        self.model.retranslate()
        self._filling = False

    def reload(self) -> None:
        super().reload()
        self.ctx.read(queries.territories, self._territories_loaded)
        self.model.reload()

    def _territories_loaded(self, rows: list[dict[str, Any]]) -> None:
        self._filling = True
        current = self.territory.currentData()
        while self.territory.count() > 1:
            self.territory.removeItem(1)
        for row in rows:
            self.territory.addItem(row["name"], row["id"])
        self.territory.setCurrentIndex(max(0, self.territory.findData(current)))
        self._filling = False

    def current_filter(self) -> queries.CustomerFilter:
        return queries.CustomerFilter(
            text=self.search.text(),
            territory_id=self.territory.currentData(),
            status=self.status.currentData(),
            segment=self.segment.currentData(),
            overdue=self.overdue.isChecked(),
        )

    def apply_filter(self, *_args: object) -> None:
        if self._filling:
            return
        self._debounce.stop()
        self.model.set_filter(self.current_filter())

    def _page_loaded(self, generation: int) -> None:
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        self.search_applied.emit()

    def selected_customer(self) -> dict[str, Any] | None:
        return selected_row(self.table)

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_customer.emit(self.model.data(index, ID_ROLE))

    def new_customer(self) -> dialogs.SaveDialog:
        return dialogs.customer_dialog(self.ctx, self, on_saved=self._created)

    def _created(self, customer_id: Any) -> None:
        if isinstance(customer_id, str):
            self.open_customer.emit(customer_id)

    def delete_selected(self) -> None:
        row = self.selected_customer()
        if row is None:
            return
        if not confirm(
            self,
            _t("Delete customer"),
            _t("Delete %1 with all contacts, visits, notes and follow-ups?").replace(
                "%1", row["name"]
            ),
            _t("Delete"),
        ):
            return
        customer_id = row["id"]
        self.ctx.write(
            lambda store: store.delete("customer", customer_id), on_error=self.report_error
        )

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()


# ---- Customer detail ---------------------------------------------------------------------


class CustomerDetailView(View):
    """Master data, contacts, a timeline of visits and notes, follow-ups."""

    back = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("customer_detail_view")
        self.customer_id: str | None = None
        self.customer: dict[str, Any] | None = None
        self.title = _heading(self, "customer_title")
        self.back_button = _button("back", self)
        self.form = RecordForm("customer", dialogs.CUSTOMER_FIELDS, self)
        self.save_button = _button("save_customer", self)
        self.revert_button = _button("revert_customer", self)
        self.form.edited.connect(self._form_edited)
        self.contacts_model = RowsModel(
            [
                Column(
                    "last_name",
                    lambda: _t("Name"),
                    lambda r: " ".join(p for p in (r["first_name"], r["last_name"]) if p),
                ),
                Column("job_title", lambda: _t("Job title")),
                Column("phone", lambda: _t("Phone")),
                Column("email", lambda: _t("E-mail")),
            ],
            self,
        )
        self.timeline_model = RowsModel(
            [
                Column("when", lambda: _t("When"), lambda r: i18n.format_datetime_local(r["when"])),
                Column("kind", lambda: _t("What"), self._timeline_kind),
                Column("summary", lambda: _t("Summary"), self._timeline_summary),
            ],
            self,
        )
        self.followups_model = RowsModel(
            [
                Column("due_date", lambda: _t("Due"), lambda r: i18n.format_date(r["due_date"])),
                Column("title", lambda: _t("Follow-up")),
                Column(
                    "done_at",
                    lambda: _t("Done"),
                    lambda r: i18n.format_datetime_local(r["done_at"]) if r["done_at"] else "",
                ),
            ],
            self,
        )
        self.contacts_table = make_table(self.contacts_model, "contacts", self)
        self.timeline_table = make_table(self.timeline_model, "timeline", self)
        self.followups_table = make_table(self.followups_model, "followups", self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("detail_tabs")
        self.tabs.addTab(self.timeline_table, "")
        self.tabs.addTab(self.contacts_table, "")
        self.tabs.addTab(self.followups_table, "")
        self.connections = CustomerConnections(ctx.store, ctx.db, "")
        self.connections.changed.connect(ctx.edited)
        self.tabs.addTab(self.connections, "")
        self.add_contact_button = _button("add_contact", self)
        self.add_note_button = _button("add_note", self)
        self.plan_visit_button = _button("plan_visit", self)
        self.add_followup_button = _button("add_followup", self)
        self.followup_done_button = _button("followup_done", self)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        layout.addLayout(top)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.form.setParent(left)
        left_layout.addWidget(self.form)
        form_buttons = QHBoxLayout()
        form_buttons.addStretch()
        form_buttons.addWidget(self.revert_button)
        form_buttons.addWidget(self.save_button)
        left_layout.addLayout(form_buttons)
        left_layout.addStretch()
        right = QWidget(splitter)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        actions = QHBoxLayout()
        for button in (
            self.plan_visit_button,
            self.add_note_button,
            self.add_contact_button,
            self.add_followup_button,
            self.followup_done_button,
        ):
            actions.addWidget(button)
        actions.addStretch()
        right_layout.addLayout(actions)
        right_layout.addWidget(self.tabs)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 820])
        self.splitter = splitter
        layout.addWidget(splitter, 1)

        self.back_button.clicked.connect(self.back.emit)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self._revert)
        self.add_contact_button.clicked.connect(self.add_contact)
        self.add_note_button.clicked.connect(self.add_note)
        self.plan_visit_button.clicked.connect(self.plan_visit)
        self.add_followup_button.clicked.connect(self.add_followup)
        self.followup_done_button.clicked.connect(self._followup_done)
        self._set_buttons()
        self.retranslate()

    def retranslate(self) -> None:
        self.connections.retranslate()
        self.back_button.setText(_t("← Customers"))
        self.back_button.setAccessibleName(_t("Back to the customer list"))
        self.save_button.setText(_t("Save"))
        self.revert_button.setText(_t("Revert"))
        self.tabs.setTabText(0, _t("Timeline"))
        self.tabs.setTabText(1, _t("Contacts"))
        self.tabs.setTabText(2, _t("Follow-ups"))
        self.tabs.setTabText(3, _t("People and connections"))
        self.add_contact_button.setText(_t("Add contact…"))
        self.add_note_button.setText(_t("New note…"))
        self.plan_visit_button.setText(_t("Plan visit…"))
        self.add_followup_button.setText(_t("New follow-up…"))
        self.followup_done_button.setText(_t("Mark done"))
        self.contacts_table.setAccessibleName(_t("Contacts"))
        self.timeline_table.setAccessibleName(_t("Timeline"))
        self.followups_table.setAccessibleName(_t("Follow-ups"))
        self.form.retranslate()
        for model in (self.contacts_model, self.timeline_model, self.followups_model):
            model.retranslate()
        self._update_title()

    @staticmethod
    def _timeline_kind(row: dict[str, Any]) -> str:
        if row["kind"] == "note":
            return i18n.label("note")
        if row["kind"] == "comment":
            return _t("Feedback")
        return f"{i18n.label('visit')} ({i18n.label(row['record']['status'])})"

    @staticmethod
    def _timeline_summary(row: dict[str, Any]) -> str:
        record = row["record"]
        if row["kind"] == "note":
            return str(record["text"]).replace("\n", " ")
        if row["kind"] == "comment":
            author = record.get("author_name") or ""
            if record["kind"] == "acknowledgement":
                text = _t("%1 acknowledged the visit report").replace("%1", author)
                return text + (f": {record['text']}" if record.get("text") else "")
            return f"{author}: " + str(record.get("text") or "").replace("\n", " ")
        parts = [record.get("purpose") or "", i18n.label(record.get("outcome"))]
        if record.get("report"):
            parts.append(str(record["report"]).replace("\n", " "))
        return " · ".join(p for p in parts if p)

    def _update_title(self) -> None:
        if self.customer:
            number = self.customer.get("number")
            name = self.customer["name"]
            self.title.setText(f"{name} ({number})" if number else name)
            if self.form.dirty:
                self.title.setText(self.title.text() + " *")
        else:
            self.title.setText("")

    def show_customer(self, customer_id: str) -> None:
        self.connections.user_id = self.ctx.user_id or ""
        self.connections.show_customer(customer_id)
        if customer_id != self.customer_id:
            self.customer_id = customer_id
            self.customer = None
            self.form.mark_clean()
        self._stale = True
        self.reload()

    def reload(self) -> None:
        super().reload()
        if self.customer_id is None:
            return
        customer_id = self.customer_id
        self.ctx.read(lambda store: queries.customer_detail(store, customer_id), self._loaded)

    def _loaded(self, data: dict[str, Any] | None) -> None:
        if data is None:
            self.customer = None
            self._set_buttons()
            self.title.setText(_t("This customer no longer exists."))
            return
        if data["customer"]["id"] != self.customer_id:
            return
        self.customer = data["customer"]
        if not self.form.dirty:
            self.form.set_values(self.customer)
        self.contacts_model.set_rows(data["contacts"])
        self.timeline_model.set_rows(data["timeline"])
        self.followups_model.set_rows(data["followups"])
        self.timeline_table.resizeColumnToContents(0)
        self.timeline_table.resizeColumnToContents(1)
        self._set_buttons()
        self._update_title()

    def _set_buttons(self) -> None:
        has = self.customer is not None
        for button in (
            self.add_contact_button,
            self.add_note_button,
            self.plan_visit_button,
            self.add_followup_button,
            self.followup_done_button,
        ):
            button.setEnabled(
                (has and self.ctx.user_id is not None)
                or (button is self.add_contact_button and has)
            )
        self.save_button.setEnabled(has and self.form.dirty)
        self.revert_button.setEnabled(has and self.form.dirty)

    def _form_edited(self) -> None:
        self._set_buttons()
        self._update_title()

    def save(self) -> None:
        if self.customer_id is None:
            return
        customer_id = self.customer_id
        changes = self.form.changes()
        self.save_button.setEnabled(False)

        def saved(_result: Any) -> None:
            self.form.mark_clean()
            self.form.clear_errors()
            self.ctx.message.emit(_t("Customer saved."))
            self._set_buttons()

        def failed(exc: BaseException) -> None:
            self._set_buttons()
            if isinstance(exc, ValidationError):
                self.form.show_errors(exc.errors)
            else:
                self.report_error(exc)

        self.ctx.write(lambda store: store.update("customer", customer_id, changes), saved, failed)

    def _revert(self) -> None:
        if self.customer is not None:
            self.form.set_values(self.customer)
            self._set_buttons()
            self._update_title()

    def can_leave(self) -> bool:
        if not self.form.dirty:
            return True
        if confirm_discard(self):
            self._revert()
            return True
        return False

    def add_contact(self) -> None:
        if self.customer_id:
            dialogs.contact_dialog(self.ctx, self, self.customer_id)

    def add_note(self) -> None:
        if self.customer_id:
            dialogs.note_dialog(self.ctx, self, self.customer_id)

    def plan_visit(self) -> None:
        if self.customer_id and self.customer:
            dialogs.plan_visit_dialog(self.ctx, self, self.customer_id, self.customer["name"])

    def add_followup(self) -> None:
        if self.customer_id:
            dialogs.followup_dialog(self.ctx, self, self.customer_id)

    def _followup_done(self) -> None:
        row = selected_row(self.followups_table)
        if row is None or row["done_at"]:
            return
        followup_id = row["id"]
        self.ctx.write(
            lambda store: store.update("followup", followup_id, {"done_at": store.now_text()}),
            on_error=self.report_error,
        )


# ---- Visits ------------------------------------------------------------------------------


class WeekModel(QAbstractTableModel):
    """A week planner: one column per day, that day's visits from top to bottom."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.monday = queries.week_start(date.today())
        self._days: list[list[dict[str, Any]]] = [[] for _ in range(7)]

    def set_week(self, monday: date, visits: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.monday = monday
        self._days = [[] for _ in range(7)]
        for visit in visits:
            local = i18n.to_local(visit["planned_start"])
            if local is None:
                continue
            day: date = local.date().toPython()  # type: ignore[assignment]
            offset = (day - monday).days
            if 0 <= offset < 7:
                self._days[offset].append(visit)
        self.endResetModel()

    def visit_at(self, index: AnyIndex) -> dict[str, Any] | None:
        if not index.isValid() or not 0 <= index.column() < 7:
            return None
        day = self._days[index.column()]
        return day[index.row()] if index.row() < len(day) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else max(1, *(len(d) for d in self._days))

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 7

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        visit = self.visit_at(index)
        if visit is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = f"{i18n.format_time_local(visit['planned_start'])} {visit['customer_name']}"
            if role == Qt.ItemDataRole.ToolTipRole and visit.get("purpose"):
                text += f"\n{visit['purpose']}"
            return text
        if role == Qt.ItemDataRole.ForegroundRole:
            if visit["status"] == "done":
                return QBrush(QColor("#2e7d32"))
            if visit["status"] == "cancelled":
                return QBrush(QColor("#808080"))
        if role == ID_ROLE:
            return visit["id"]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < 7:
            return i18n.format_weekday(self.monday + timedelta(days=section))
        return None


class VisitsView(View):
    """Week planner and list; plan, check in and out, write the report."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("visits_view")
        self.title = _heading(self, "visits_title")
        self.prev_button = _button("prev_week", self)
        self.this_week_button = _button("this_week", self)
        self.next_button = _button("next_week", self)
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
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("visit_status_filter")
        self.list_model = RowsModel(
            [
                Column(
                    "planned_start",
                    lambda: _t("Planned"),
                    lambda r: i18n.format_datetime_local(r["planned_start"]),
                ),
                Column("customer_name", lambda: _t("Customer"), _customer_name),
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
        self.plan_button = _button("plan_visit", self)
        self.check_in_button = _button("check_in", self)
        self.check_out_button = _button("check_out", self)
        self.report_button = _button("write_report", self)
        self.selected_visit: dict[str, Any] | None = None

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
        lower_layout.addWidget(self.list_table)
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
            lambda: self.show_week(queries.week_start(date.today()))
        )
        self.status_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.week_table.clicked.connect(self._week_clicked)
        self.week_table.doubleClicked.connect(self._week_double_clicked)
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
        self._update_week_label()
        self.list_model.retranslate()
        self.week_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 6)
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
        start, _ = queries.local_day_bounds(monday)
        _, end = queries.local_day_bounds(monday + timedelta(days=6))
        status = self.status_filter.currentData()
        user_id = self.ctx.user_id

        def load(store: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            return queries.visits_between(store, start, end, user_id), queries.visit_list(
                store, status
            )

        self.ctx.read(load, lambda data: self._loaded(monday, *data))

    def _loaded(
        self, monday: date, week: list[dict[str, Any]], listed: list[dict[str, Any]]
    ) -> None:
        self.week_model.set_week(monday, week)
        self.list_model.set_rows(listed)
        self.list_table.resizeColumnsToContents()
        if self.selected_visit is not None:
            fresh = next((v for v in listed + week if v["id"] == self.selected_visit["id"]), None)
            self.selected_visit = fresh
        self._update_buttons()

    def _week_clicked(self, index: QModelIndex) -> None:
        visit = self.week_model.visit_at(index)
        if visit is not None:
            self.select_visit(visit)

    def _week_double_clicked(self, index: QModelIndex) -> None:
        visit = self.week_model.visit_at(index)
        if visit is not None:
            self.select_visit(visit)
            self.write_report()

    def select_visit(self, visit: dict[str, Any]) -> None:
        self.selected_visit = visit
        for row, item in enumerate(self.list_model.rows):
            if item["id"] == visit["id"]:
                self.list_table.selectRow(row)
                break
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
        self.ctx.write(lambda store: queries.check_in(store, visit_id), on_error=self.report_error)

    def check_out(self) -> None:
        if self.selected_visit is None:
            return
        visit_id = self.selected_visit["id"]
        self.ctx.write(lambda store: queries.check_out(store, visit_id), on_error=self.report_error)

    def write_report(self) -> None:
        if self.selected_visit is None:
            return
        visit_id = self.selected_visit["id"]
        self.open_report(visit_id)

    def open_report(self, visit_id: str) -> None:
        self.ctx.read(
            lambda store: queries.visit_with_contacts(store, visit_id),
            self._report_loaded,
        )

    def _report_loaded(self, info: dict[str, Any] | None) -> None:
        if info is not None:
            self.report = dialogs.report_dialog(self.ctx, self, info)


class CustomerPicker(QDialog):
    """Choose a customer by typing a part of the name (for a new visit or note)."""

    chosen = Signal(str, str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customer_picker")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx = ctx
        self.setWindowTitle(_t("Choose a customer"))
        self.search = QLineEdit(self)
        self.search.setObjectName("picker_search")
        self.search.setPlaceholderText(_t("Search name, number, city or contact…"))
        self.search.setAccessibleName(_t("Search customers"))
        self.model = CustomerTableModel(ctx.store, ctx.db, self)
        self.table = make_table(self.model, "picker_table", self)
        for column in (0, 3, 4, 5, 6):
            self.table.hideColumn(column)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_t("Choose"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_t("Cancel"))
        buttons.accepted.connect(self._choose)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(CustomersView.SEARCH_DELAY_MS)
        timer.timeout.connect(
            lambda: self.model.set_filter(queries.CustomerFilter(text=self.search.text()))
        )
        self.search.textChanged.connect(lambda _t: timer.start())
        self.model.page_loaded.connect(
            lambda _g: self.table.selectRow(0) if not self.table.currentIndex().isValid() else None
        )
        self.table.doubleClicked.connect(lambda _i: self._choose())
        self.model.reload()
        self.resize(480, 420)

    def _choose(self) -> None:
        row = selected_row(self.table)
        if row is None:
            return
        self.accept()
        self.chosen.emit(row["id"], row["name"])


# ---- Conflicts -----------------------------------------------------------------------------


class _PickAndEditView(View):
    """A list with an editor for the chosen row (conflicts, rejected changes): what the
    user typed there survives a reload, and is not dropped silently when another row is
    picked, the page is left, or the row goes away meanwhile."""

    #: The column that tells the rows apart.
    row_key = "id"
    current: dict[str, Any] | None
    model: RowsModel
    table: QTableView

    def _typed(self) -> bool:
        raise NotImplementedError

    def _forget_typed(self) -> None:
        raise NotImplementedError

    def _gone_message(self) -> str:
        raise NotImplementedError

    def _show(self, row: dict[str, Any] | None) -> None:
        raise NotImplementedError

    def _loaded(self, rows: list[dict[str, Any]]) -> None:
        key = self.row_key
        current = self.current[key] if self.current else None
        if current is not None and self._typed() and all(r[key] != current for r in rows):
            self.ctx.message.emit(self._gone_message())  # e.g. a sync settled it meanwhile
            self._forget_typed()
        with QSignalBlocker(self.table.selectionModel()):
            self.model.set_rows(rows)
            self.table.resizeColumnsToContents()
            index = next((i for i, r in enumerate(rows) if r[key] == current), 0 if rows else -1)
            if index >= 0:
                self.table.selectRow(index)
        self._show(rows[index] if index >= 0 else None)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or current.row() >= len(self.model.rows):
            return
        chosen = self.model.row_at(current.row())
        shown = self.current
        leaving = shown is not None and chosen[self.row_key] != shown[self.row_key]
        if leaving and self._typed() and not confirm_discard(self):
            assert shown is not None
            self._select(shown[self.row_key])  # stay, with what was typed
            return
        self._show(chosen)

    def _select(self, key: Any) -> None:
        index = next((i for i, r in enumerate(self.model.rows) if r[self.row_key] == key), -1)
        if index >= 0:
            with QSignalBlocker(self.table.selectionModel()):
                self.table.selectRow(index)

    def can_leave(self) -> bool:
        if not self._typed():
            return True
        if confirm_discard(self):
            self._forget_typed()
            return True
        return False


class ConflictsView(_PickAndEditView):
    """Concurrent edits that met: both values side by side; keep mine, take theirs or edit."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("conflicts_view")
        self.title = _heading(self, "conflicts_title")
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.model = RowsModel(
            [
                Column("record_label", lambda: _t("Record")),
                Column("entity", lambda: _t("Type"), lambda r: i18n.label(r["entity"])),
                Column(
                    "field",
                    lambda: _t("Field"),
                    lambda r: i18n.field_label(r["field"]) if r["field"] else _t("(deleted)"),
                ),
                Column(
                    "created_at",
                    lambda: _t("Since"),
                    lambda r: i18n.format_datetime_local(r["created_at"]),
                ),
            ],
            self,
        )
        self.table = make_table(self.model, "conflict_list", self)
        self.mine_box = QGroupBox(self)
        self.theirs_box = QGroupBox(self)
        self.mine_value = QLabel(self.mine_box)
        self.mine_value.setObjectName("mine_value")
        self.theirs_value = QLabel(self.theirs_box)
        self.theirs_value.setObjectName("theirs_value")
        self.mine_who = QLabel(self.mine_box)
        self.theirs_who = QLabel(self.theirs_box)
        for box, value, who in (
            (self.mine_box, self.mine_value, self.mine_who),
            (self.theirs_box, self.theirs_value, self.theirs_who),
        ):
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            font = QFont(value.font())
            font.setPointSizeF(font.pointSizeF() * 1.2)
            value.setFont(font)
            inner = QVBoxLayout(box)
            inner.addWidget(value)
            inner.addWidget(who)
            inner.addStretch()
        self.keep_mine_button = _button("keep_mine", self)
        self.take_theirs_button = _button("take_theirs", self)
        self.edit_value = QLineEdit(self)
        self.edit_value.setObjectName("edit_value")
        self.edit_button = _button("save_edited", self)
        self.accept_delete_button = _button("accept_delete", self)
        self.error = QLabel(self)
        self.error.setObjectName("conflict_error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.current: dict[str, Any] | None = None
        self._mine_is_losing = True
        #: The conflict whose value the "new value" field was filled in for.
        self._edit_for: str | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 2)
        sides = QHBoxLayout()
        sides.addWidget(self.mine_box)
        sides.addWidget(self.theirs_box)
        layout.addLayout(sides, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.keep_mine_button)
        actions.addWidget(self.take_theirs_button)
        actions.addWidget(self.accept_delete_button)
        actions.addSpacing(20)
        actions.addWidget(self.edit_value, 1)
        actions.addWidget(self.edit_button)
        layout.addLayout(actions)
        layout.addWidget(self.error)

        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.keep_mine_button.clicked.connect(lambda: self._resolve(self._mine(), write=True))
        self.take_theirs_button.clicked.connect(lambda: self._resolve(self._theirs(), write=True))
        self.edit_button.clicked.connect(self._resolve_edited)
        self.accept_delete_button.clicked.connect(lambda: self._resolve(None, write=False))
        self.retranslate()
        self._show(None)

    def retranslate(self) -> None:
        self.title.setText(_t("Conflicts"))
        self.hint.setText(
            _t(
                "Someone else changed the same field while you were offline. The newer change"
                " is in effect; choose which value to keep, or type a new one."
            )
        )
        self.table.setAccessibleName(_t("Conflicts"))
        self.mine_box.setTitle(_t("Mine"))
        self.theirs_box.setTitle(_t("Theirs"))
        self.keep_mine_button.setText(_t("Keep mine"))
        self.take_theirs_button.setText(_t("Take theirs"))
        self.accept_delete_button.setText(_t("Accept deletion"))
        self.edit_value.setAccessibleName(_t("New value"))
        self.edit_value.setPlaceholderText(_t("Or type a new value…"))
        self.edit_button.setText(_t("Save this value"))
        self.model.retranslate()
        self._show(self.current)

    def reload(self) -> None:
        super().reload()
        self.ctx.read(queries.open_conflicts, self._loaded)

    def _typed(self) -> bool:
        """The user typed a new value that is not saved yet."""
        return self.edit_value.isModified() and self.edit_value.isEnabled()

    def _forget_typed(self) -> None:
        self.edit_value.setModified(False)

    def _gone_message(self) -> str:
        return _t("The conflict you were typing a value for was resolved meanwhile.")

    def _show(self, conflict: dict[str, Any] | None) -> None:
        self.current = conflict
        self.error.hide()
        has = conflict is not None
        is_field = has and conflict["kind"] == "field"  # type: ignore[index]
        for widget in (
            self.keep_mine_button,
            self.take_theirs_button,
            self.edit_value,
            self.edit_button,
        ):
            widget.setEnabled(bool(is_field))
        self.accept_delete_button.setVisible(has and not is_field)
        self.accept_delete_button.setEnabled(has and not is_field)
        if conflict is None:
            self.mine_value.setText(_t("No conflicts. Everything is in agreement."))
            self.theirs_value.clear()
            self.mine_who.clear()
            self.theirs_who.clear()
            return
        self._mine_is_losing = bool(conflict["mine_is_losing"])
        if self._mine_is_losing:
            mine = ("losing_value", "losing_name", "losing_stamp")
            theirs = ("winning_value", "winning_name", "winning_stamp")
        else:
            mine = ("winning_value", "winning_name", "winning_stamp")
            theirs = ("losing_value", "losing_name", "losing_stamp")
        for (value_key, user_key, stamp_key), value_label, who_label in (
            (mine, self.mine_value, self.mine_who),
            (theirs, self.theirs_value, self.theirs_who),
        ):
            value_label.setText(self._display(conflict, conflict[value_key]))
            when = queries.note_time(conflict[stamp_key])
            who_label.setText(
                _t("by %1, %2")
                .replace("%1", conflict[user_key] or _t("unknown"))
                .replace("%2", i18n.format_datetime_local(when) if when else "?")
            )
        if self._edit_for != conflict["id"] or not self.edit_value.isModified():
            self.edit_value.setText(self._display(conflict, self._mine()))
        self._edit_for = conflict["id"]

    def _display(self, conflict: dict[str, Any], value: Any) -> str:
        if conflict["kind"] == "delete" and isinstance(value, dict):
            return "; ".join(f"{i18n.field_label(k)}: {v}" for k, v in value.items())
        if value is None:
            return _t("(empty)") if conflict["kind"] == "field" else _t("(deleted)")
        if (
            conflict["field"]
            and entity_spec(conflict["entity"]).by_name[conflict["field"]].kind == "enum"
        ):
            return i18n.label(value)
        return str(value)

    def _mine(self) -> Any:
        if self.current is None:
            return None
        return self.current["losing_value" if self._mine_is_losing else "winning_value"]

    def _theirs(self) -> Any:
        if self.current is None:
            return None
        return self.current["winning_value" if self._mine_is_losing else "losing_value"]

    def _resolve_edited(self) -> None:
        if self.current is None or not self.current["field"]:
            return
        spec = entity_spec(self.current["entity"]).by_name[self.current["field"]]
        text = self.edit_value.text()
        value: Any = text
        if spec.kind == "int":
            try:
                value = int(text) if text.strip() else None
            except ValueError:
                self._show_error(i18n.validation_message("must be a whole number"))
                return
        elif spec.kind == "float":
            try:
                value = float(text.replace(",", ".")) if text.strip() else None
            except ValueError:
                self._show_error(_t("Please enter a number."))
                return
        self._resolve(value, write=True)

    def _resolve(self, value: Any, *, write: bool) -> None:
        if self.current is None:
            return
        conflict_id = self.current["id"]
        typed = self.edit_value.isModified()
        typed_text = self.edit_value.text()
        self.edit_value.setModified(False)  # handed to the save

        def failed(exc: BaseException) -> None:
            if typed and self.current is not None and self.current["id"] == conflict_id:
                # Not saved: still the user's. A reload that came in meanwhile showed the
                # conflict's own value again, so put back what she typed.
                self.edit_value.setText(typed_text)
                self.edit_value.setModified(True)
            if isinstance(exc, ValidationError):
                self._show_error("; ".join(i18n.validation_message(e.message) for e in exc.errors))
            else:
                self._show_error(str(exc))

        self.ctx.write(
            lambda store: queries.resolve_conflict(store, conflict_id, value, write_value=write),
            lambda _r: self.ctx.message.emit(_t("Conflict resolved.")),
            failed,
        )

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()


# ---- Rejected changes ----------------------------------------------------------------------


class RejectedView(_PickAndEditView):
    """Changes the server refused, with the reason; fix and send again, or discard."""

    row_key = "op_no"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("rejected_view")
        self.title = _heading(self, "rejected_title")
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.model = RowsModel(
            [
                Column(
                    "rejected_at",
                    lambda: _t("When"),
                    lambda r: i18n.format_datetime_local(r["rejected_at"]),
                ),
                Column("record_label", lambda: _t("Record")),
                Column(
                    "op",
                    lambda: _t("What"),
                    lambda r: f"{i18n.label(r['entity'])}: {i18n.label(r['op'])}",
                ),
                Column("reason", lambda: _t("Reason"), lambda r: i18n.server_reason(r["reason"])),
            ],
            self,
        )
        self.table = make_table(self.model, "rejected_list", self)
        self.reason = QLabel(self)
        self.reason.setObjectName("reason")
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet(ERROR_STYLE)
        self.form_box = QGroupBox(self)
        self.form_layout = QVBoxLayout(self.form_box)
        self.form: RecordForm | None = None
        self.resend_button = _button("resend", self)
        self.discard_button = _button("discard", self)
        self.current: dict[str, Any] | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.reason)
        layout.addWidget(self.form_box, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.resend_button)
        actions.addStretch()
        actions.addWidget(self.discard_button)
        layout.addLayout(actions)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.resend_button.clicked.connect(self.resend)
        self.discard_button.clicked.connect(self.discard)
        self.retranslate()
        self._show(None)

    def retranslate(self) -> None:
        self.title.setText(_t("Rejected changes"))
        self.hint.setText(
            _t(
                "The server refused these changes. Nothing is lost: correct a change and send it"
                " again, or discard it."
            )
        )
        self.table.setAccessibleName(_t("Rejected changes"))
        self.form_box.setTitle(_t("Correct the change"))
        self.resend_button.setText(_t("Fix and resend"))
        self.discard_button.setText(_t("Discard…"))
        self.model.retranslate()
        if self.form is not None:
            self.form.retranslate()

    def reload(self) -> None:
        super().reload()
        self.ctx.read(queries.rejected_changes, self._loaded)

    def _typed(self) -> bool:
        """The correction form holds edits that were not sent."""
        return self.form is not None and self.form.dirty

    def _forget_typed(self) -> None:
        if self.form is not None:
            self.form.mark_clean()

    def _gone_message(self) -> str:
        return _t("The change you were correcting is no longer in the list of rejected changes.")

    def _show(self, rejected: dict[str, Any] | None) -> None:
        if (
            self.current is not None
            and rejected is not None
            and self.current["op_no"] == rejected["op_no"]
            and self.form is not None
        ):
            return
        self.current = rejected
        if self.form is not None:
            self.form.deleteLater()
            self.form = None
        self.resend_button.setEnabled(rejected is not None)
        self.discard_button.setEnabled(rejected is not None)
        if rejected is None:
            self.reason.setText(_t("No rejected changes."))
            self.form_box.hide()
            return
        self.reason.setText(_t("Reason: %1").replace("%1", i18n.server_reason(rejected["reason"])))
        spec = entity_spec(rejected["entity"])
        names = [
            n
            for n in (rejected["fields"] if rejected["op"] != "create" else spec.field_names)
            if n in spec.by_name
            and not spec.by_name[n].server_controlled
            and spec.by_name[n].kind not in ("ref", "ref_list", "float")
        ]
        bad_field = rejected.get("field")
        if (
            bad_field
            and bad_field not in names
            and bad_field in spec.by_name
            and spec.by_name[bad_field].kind not in ("ref", "ref_list", "float")
        ):
            names.append(bad_field)
        if not names or rejected["op"] == "delete":
            self.form_box.hide()
            return
        self.form = RecordForm(rejected["entity"], names, self.form_box)
        values = {**(rejected.get("current") or {}), **rejected["fields"]}
        self.form.set_values(values)
        if rejected.get("field") in names:
            message = i18n.server_field_message(rejected["reason"], rejected["field"])
            self.form.show_errors([FieldError(rejected["field"], message)])
        self.form_layout.addWidget(self.form)
        self.form_box.show()

    def resend(self) -> None:
        if self.current is None:
            return
        op_no = self.current["op_no"]
        changes = self.form.values() if self.form is not None else {}
        form = self.form

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError) and form is not None:
                form.show_errors(exc.errors)
            else:
                self.report_error(exc)

        self.ctx.write(
            lambda store: queries.fix_rejected_change(store, op_no, changes),
            lambda _r: self._done(_t("The corrected change will be sent with the next sync.")),
            failed,
        )

    def discard(self) -> None:
        if self.current is None:
            return
        if not confirm(
            self,
            _t("Discard change"),
            _t("Discard this change for good? It will not be sent to the server."),
            _t("Discard"),
        ):
            return
        op_no = self.current["op_no"]
        self.ctx.write(
            lambda store: queries.discard_rejected_change(store, op_no),
            lambda _r: self._done(_t("The change was discarded.")),
            self.report_error,
        )

    def _done(self, message: str) -> None:
        self.current = None
        self.ctx.message.emit(message)
