"""Every item model of the desktop passes Qt's model tester."""

from __future__ import annotations

from datetime import date

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from fieldcrm.ui.mainwindow import MainWindow
from fieldcrm.ui.models import CustomerTableModel
from fieldcrm.ui.queries import CustomerFilter, week_start
from fieldcrm.ui.views import WeekModel
from tests.ui.conftest import settle


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


def test_view_models(window: MainWindow, qtbot: QtBot, qtmodeltester: ModelTester) -> None:
    for page in ("today", "customers", "visits", "conflicts", "rejected"):
        window.show_page(page)
        settle(qtbot, window)
    models = [
        window.today.today_model,
        window.today.week_model,
        window.today.overdue_model,
        window.today.followup_model,
        window.customers.model,
        window.visits.list_model,
        window.visits.week_model,
        window.conflicts.model,
        window.rejected.model,
        window.detail.contacts_model,
        window.detail.timeline_model,
        window.detail.followups_model,
    ]
    assert window.visits.list_model.rowCount() > 0
    for model in models:
        qtmodeltester.check(model)


def test_week_model_places_visits_on_their_day(
    window: MainWindow, qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    model = WeekModel()
    monday = week_start(date(2030, 1, 9))
    visit = {
        "id": "v1",
        "planned_start": "2030-01-09T12:00:00Z",
        "customer_name": "Hotel Hansa KG",
        "status": "planned",
        "purpose": None,
    }
    model.set_week(monday, [visit])
    assert model.rowCount() == 1 and model.columnCount() == 7
    assert model.visit_at(model.index(0, 2)) == visit
    assert "Hotel Hansa KG" in model.data(model.index(0, 2))
    qtmodeltester.check(model)
