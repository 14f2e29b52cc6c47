"""Every item model of the desktop passes Qt's model tester."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from PySide6.QtCore import QSortFilterProxyModel, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from fieldcrm.app import EVERYTHING
from fieldcrm.app.customers import CustomerFilter
from fieldcrm.app.records import VisitRow
from fieldcrm.app.visits import week_start
from fieldcrm.domain.ids import uuid7
from fieldcrm.sampledata.demo import PURPOSES, local_utc, seed_sync_outcomes
from fieldcrm.store import Store
from fieldcrm.store import tables as t
from fieldcrm.store.feedback import add_feedback
from fieldcrm.ui.mainwindow import MainWindow
from fieldcrm.ui.models import (
    ID_ROLE,
    NUMBER,
    RECORD_ROLE,
    SORT_ROLE,
    Column,
    CustomerTableModel,
    RowsModel,
)
from fieldcrm.ui.pages.visits import WeekModel
from tests.helpers.qt import settle


def test_customer_model_lazy_pages(
    window: MainWindow, qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    model = CustomerTableModel(window.store, window.db)
    model.PAGE_SIZE = 2  # five customers: three pages
    with qtbot.waitSignal(model.page_loaded):
        model.reload()
    assert model.rowCount() == 2 and model.canFetchMore()
    while model.canFetchMore():
        with qtbot.waitSignal(model.page_loaded):
            model.fetchMore()
    assert model.rowCount() == 5 and not model.canFetchMore()
    names = [r["name"].casefold() for r in model.rows]
    assert names == sorted(names)
    qtmodeltester.check(model)
    with qtbot.waitSignal(model.page_loaded):
        model.set_filter(CustomerFilter(text="zzzz-nothing"))
    assert model.rowCount() == 0
    qtmodeltester.check(model)


def _seed_view_rows(store: Store, user: dict[str, Any]) -> dict[str, str]:
    """Rows for every view of the signed-in rep: visits planned today and on every other day
    of this week, more contacts, notes and follow-ups on the first customer, and feedback from
    a manager (plus a reply by the rep) on two of the rep's visit reports."""
    customers = user["customers"]
    today = date.today()
    monday = week_start(today)
    manager_id = uuid7()
    with store.write() as uow:
        uow.conn.execute(
            t.user.insert(),
            {
                "id": manager_id,
                "username": "maria",
                "display_name": "Maria Manger",
                "role": "manager",
                "territory_id": user["territory_id"],
                "active": True,
                "stamps": "{}",
                "deleted": False,
            },
        )
        # Three visits today; one on each other day of the week (weekday-independent counts).
        week = (monday + timedelta(days=n) for n in range(7))
        days = [today] * 3 + [day for day in week if day != today]
        for i, day in enumerate(days):
            uow.create(
                "visit",
                {
                    "customer_id": customers[i % len(customers)],
                    "rep_id": user["id"],
                    "status": "planned",
                    "planned_start": local_utc(day, 9 + (i % 3) * 2),
                    "planned_end": local_utc(day, 10 + (i % 3) * 2),
                    "purpose": PURPOSES[i % len(PURPOSES)],
                },
            )
        first = customers[0]
        for first_name, last_name in (("Jana", "Petersen"), ("Lars", "Hansen")):
            uow.create(
                "contact",
                {"customer_id": first, "first_name": first_name, "last_name": last_name},
            )
        uow.create("note", {"customer_id": first, "author_id": user["id"], "text": "Neue Preise"})
        for title, due, done_at in (
            ("Muster schicken", today + timedelta(days=2), None),
            ("Katalog bringen", today - timedelta(days=1), store.now_text()),
        ):
            uow.create(
                "followup",
                {
                    "customer_id": first,
                    "assignee_id": user["id"],
                    "title": title,
                    "due_date": due,
                    "done_at": done_at,
                },
            )
    with store.read() as conn:
        done = {
            row.customer_id: row.id
            for row in conn.execute(
                sa.select(t.visit.c.id, t.visit.c.customer_id).where(
                    t.visit.c.rep_id == user["id"], t.visit.c.status == "done"
                )
            )
        }
    visit_id, other_visit_id = done[customers[0]], done[customers[1]]
    add_feedback(store, visit_id, manager_id, None, kind="acknowledgement")
    add_feedback(store, visit_id, manager_id, "Bitte die Mengen notieren.")
    add_feedback(store, visit_id, user["id"], "Mache ich beim nächsten Mal.")
    add_feedback(store, other_visit_id, manager_id, "Wer entscheidet dort?")
    return {"customer_id": first, "visit_id": visit_id}


def test_view_models(
    window: MainWindow, qtbot: QtBot, qtmodeltester: ModelTester, seeded: dict[str, Any]
) -> None:
    # As after a sync: two conflicts, two rejected changes and the rows above.
    seed_sync_outcomes(window.store, seeded, seeded["customers"])
    seed_sync_outcomes(window.store, seeded, seeded["customers"][2:])
    ids = _seed_view_rows(window.store, seeded)
    window.ctx.data_changed.emit(EVERYTHING)
    settle(qtbot, window)
    for page in ("today", "customers", "visits", "conflicts", "rejected", "feedback"):
        window.show_page(page)
        settle(qtbot, window)
    inbox = window.feedback.inbox.model
    # Before a thread is opened (opening one marks its feedback read).
    assert sum(1 for item in inbox.rows if item["kind"] == "feedback" and item["unread"]) == 3
    qtmodeltester.check(inbox)
    window.feedback.show_visit(ids["visit_id"])
    settle(qtbot, window)
    window.show_customer(ids["customer_id"])
    settle(qtbot, window)
    models = {
        "today": (window.today.today_model, 3),
        "today week": (window.today.week_model, 6),
        "overdue": (window.today.overdue_model, 2),
        "today follow-ups": (window.today.followup_model, 2),
        "customers": (window.customers.model, 5),
        "visit list": (window.visits.list_model, 2),
        "visit week": (window.visits.week_model, 3),
        "conflicts": (window.conflicts.model, 2),
        "rejected": (window.rejected.model, 2),
        "contacts": (window.detail.contacts_model, 3),
        "timeline": (window.detail.timeline_model, 4),
        "follow-ups": (window.detail.followups_model, 2),
        "feedback thread": (window.feedback.visit_thread.model, 3),
    }
    for name, (model, rows) in models.items():
        assert model.rowCount() >= rows, f"{name}: {model.rowCount()} rows"
        qtmodeltester.check(model)


def test_week_model_places_visits_on_their_day(
    window: MainWindow, qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    model = WeekModel()
    monday = week_start(date(2030, 1, 9))
    visit = VisitRow(
        id="v1",
        customer_id="c1",
        rep_id="r1",
        status="planned",
        planned_start="2030-01-09T12:00:00Z",
        planned_end=None,
        check_in_at=None,
        check_out_at=None,
        channel="in_person",
        purpose=None,
        outcome=None,
        report=None,
        next_steps=None,
        attendee_ids=[],
        cancel_reason=None,
        fixed_time=False,
        deleted=False,
        customer_name="Hotel Hansa KG",
        customer_city="Kiel",
    )
    model.set_week(monday, [visit])
    assert model.rowCount() == 1 and model.columnCount() == 7
    assert model.visit_at(model.index(0, 2)) == visit
    assert "Hotel Hansa KG" in model.data(model.index(0, 2))
    qtmodeltester.check(model)


@dataclass(frozen=True, slots=True)
class Stock:
    id: str
    name: str
    count: int | None


def test_rows_model_sorts_by_value_and_aligns_numbers(qtmodeltester: ModelTester) -> None:
    model = RowsModel(
        [
            Column("name", lambda: "Name"),
            Column(
                "count",
                lambda: "Count",
                lambda row: "—" if row.count is None else f"{row.count:,}".replace(",", "."),
                sort=lambda row: -1 if row.count is None else row.count,
                align=NUMBER,
            ),
        ]
    )
    rows = [Stock("a", "Zeta", 9), Stock("b", "Alpha", 1000), Stock("c", "Mid", None)]
    model.set_rows(rows)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)

    # By the number, not by the text ("1.000" < "9" < "—").
    proxy.sort(1, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 1).data() for r in range(3)] == ["—", "9", "1.000"]
    # A column without a sort value sorts by its field.
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data() for r in range(3)] == ["Alpha", "Mid", "Zeta"]
    assert proxy.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) == int(NUMBER)
    assert proxy.index(0, 0).data(Qt.ItemDataRole.TextAlignmentRole) is None
    assert proxy.index(0, 0).data(ID_ROLE) == "b"
    assert proxy.index(0, 0).data(RECORD_ROLE) is rows[1]
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)

    # Rows may be mappings (TypedDicts) as well.
    plain = RowsModel([Column("name", lambda: "Name"), Column("count", lambda: "Count")])
    plain.set_rows([{"id": "d", "name": "Delta", "count": 3}])
    assert plain.index(0, 1).data() == "3" and plain.index(0, 1).data(SORT_ROLE) == 3
    assert plain.index(0, 0).data(ID_ROLE) == "d"
    qtmodeltester.check(plain)
