"""The Today page: today's and this week's visits, overdue customers, open follow-ups."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import (
    Signal,
)
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import customers, visits
from fieldcrm.app.changes import SESSION
from fieldcrm.ui import i18n
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.losing_touch import LosingTouchView
from fieldcrm.ui.models import Column, RowsModel
from fieldcrm.ui.pages.base import (
    View,
    customer_name,
    make_button,
    make_heading,
    make_table,
    selected_row,
    translator,
)
from fieldcrm.ui.requests_box import RequestsBox
from fieldcrm.ui.texts import fill

TR_CONTEXT = "Views"
_t = translator(TR_CONTEXT)


class TodayView(View):
    """Today's and this week's visits, overdue customers and open follow-ups."""

    kinds = frozenset(
        {"visit", "customer", "followup", "contact", "note", "comment", "connection", SESSION}
    )

    start_visit = Signal(dict)
    plan_visit = Signal(str, str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("today_view")
        self.title = make_heading(self, "today_title")
        self.today_model = RowsModel(
            [
                Column(
                    "planned_start",
                    lambda: _t("Time"),
                    lambda r: i18n.format_time_local(r["planned_start"]),
                ),
                Column("customer_name", lambda: _t("Customer"), customer_name),
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
                Column("customer_name", lambda: _t("Customer"), customer_name),
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
                    lambda r: fill(
                        _t("every %1 days"), i18n.format_number(r["visit_cadence_days"])
                    ),
                ),
            ],
            self,
        )
        self.followup_model = RowsModel(
            [
                Column("due_date", lambda: _t("Due"), lambda r: i18n.format_date(r["due_date"])),
                Column("title", lambda: _t("Follow-up")),
                Column("customer_name", lambda: _t("Customer"), customer_name),
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
        self.start_button = make_button("start_visit", self)
        self.plan_button = make_button("plan_overdue", self)
        self.followup_done_button = make_button("followup_done", self)
        # Work that comes to the rep from others, and the answers to what she asked: tabs
        # beside her own follow-ups.
        self.requests = RequestsBox(ctx, self)
        self.followup_tabs = QTabWidget(self)
        self.followup_tabs.setObjectName("followup_tabs")
        self.followup_tabs.setDocumentMode(True)
        for table in (
            self.followup_table,
            self.requests.incoming_table,
            self.requests.answers_table,
        ):
            table.setMinimumHeight(40)
        self.followup_tabs.addTab(self.followup_table, "")
        self.followup_tabs.addTab(self.requests.incoming_box, "")
        self.followup_tabs.addTab(self.requests.answers_box, "")
        self.boxes = [QGroupBox(self) for _ in range(4)]
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        grid = QGridLayout()
        contents: tuple[QWidget, ...] = (
            self.today_table,
            self.week_table,
            self.overdue_table,
            self.followup_tabs,
        )
        for i, (box, content, button) in enumerate(
            zip(
                self.boxes,
                contents,
                (self.start_button, None, self.plan_button, self.followup_done_button),
                strict=True,
            )
        ):
            inner = QVBoxLayout(box)
            inner.addWidget(content)
            if button is not None:
                row = QHBoxLayout()
                row.addStretch()
                row.addWidget(button)
                inner.addLayout(row)
            grid.addWidget(box, i // 2, i % 2)
        layout.addLayout(grid)
        self.requests.counts_changed.connect(lambda *_: self._name_followup_tabs())
        # "Mark done" is for her own follow-ups; requests have their own answers.
        self.followup_tabs.currentChanged.connect(
            lambda index: self.followup_done_button.setVisible(index == 0)
        )
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
        self.title.setText(fill(_t("Today, %1"), i18n.format_date(date.today())))
        self.losing_touch.retranslate()
        self.requests.retranslate()
        self._name_followup_tabs()
        titles = (
            _t("Visits today"),
            _t("This week"),
            _t("Overdue for a visit"),
            _t("Follow-ups and requests"),
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
            lambda store: visits.today_overview(store, user_id, date.today()), self._loaded
        )
        self.losing_touch.reload()

    def _loaded(self, data: visits.TodayOverview) -> None:
        self.today_model.set_rows(data["today"])
        self.week_model.set_rows(data["week"])
        self.overdue_model.set_rows(data["overdue_customers"])
        self.followup_model.set_rows(data["followups"])
        self.requests.show_rows(data["requests"], data["answers"])
        self.start_button.setEnabled(bool(data["today"]))
        for table in (self.today_table, self.week_table, self.overdue_table, self.followup_table):
            table.resizeColumnsToContents()

    def _name_followup_tabs(self) -> None:
        incoming = self.requests.incoming_model.rowCount()
        answers = self.requests.answers_model.rowCount()
        self.followup_tabs.setTabText(0, _t("Mine"))
        self.followup_tabs.setTabText(
            1,
            fill(_t("Asked of you (%1)"), i18n.format_number(incoming))
            if incoming
            else _t("Asked of you"),
        )
        self.followup_tabs.setTabText(
            2, fill(_t("Answers (%1)"), i18n.format_number(answers)) if answers else _t("Answers")
        )

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
            lambda store: customers.complete_followup(store, followup_id),
            on_error=self.report_error,
        )
