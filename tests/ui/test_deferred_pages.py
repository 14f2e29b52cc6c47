"""The window appears with its first page only; every other page is made when first
asked for, and then works as if it had been there from the start."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from fieldcrm.app.customers import create_customer
from fieldcrm.ui.mainwindow import MainWindow
from fieldcrm.ui.navigation import PAGES
from fieldcrm.ui.pages.registry import PAGE_NAMES
from tests.helpers.qt import settle


def _made(window: MainWindow) -> list[str]:
    return [name for name in PAGE_NAMES if window.pages.made(name) is not None]


def test_a_page_is_made_when_first_shown_and_shows_its_data(
    window: MainWindow, seeded: dict[str, Any], qtbot: QtBot
) -> None:
    assert _made(window) == ["today"]
    assert window.stack.count() == 1

    # Clicking "Customers" in the navigation makes the list, which reads its customers.
    window.nav.setCurrentRow(PAGES.index("customers"))
    customers = window.pages.made("customers")
    assert customers is not None and window.current_page() is customers
    qtbot.waitUntil(lambda: window.customers.model.rowCount() == len(seeded["customers"]))
    assert _made(window) == ["today", "customers"]

    # Opening a customer makes the detail page; "back" returns to the same list.
    chosen = window.customers.model.rows[2]
    window.show_customer(chosen["id"])
    qtbot.waitUntil(
        lambda: window.detail.customer is not None and window.detail.customer["id"] == chosen["id"]
    )
    assert window.current_page() is window.detail
    window.detail.back.emit()
    assert window.current_page() is customers

    # A page made late is told about writes like the others: a new customer shows.
    values = {"name": "Zuletzt GmbH", "territory_id": seeded["territory_id"]}
    window.ctx.write(lambda store: create_customer(store, values, seeded["id"]))
    qtbot.waitUntil(
        lambda: window.customers.model.rowCount() == len(seeded["customers"]) + 1,
        timeout=10_000,
    )

    # Every page of the navigation can be made and shown, and is made once.
    for name in PAGES:
        assert window.show_page(name)
        settle(qtbot, window)
        assert window.current_page() is window.pages[name]
    assert window.stack.count() == len(PAGES) + 1  # and the detail page
