"""Render the correction pages and dialogs (Today with requests, the trash, editing a
contact and a follow-up, cancelling a visit, the real times of a report) in English and
German.

``python -m fieldcrm.ui.screenshots_corrections --out docs/screenshots``
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from fieldcrm.ui.mainwindow import MainWindow
from fieldcrm.ui.screenshots import (
    SERVER,
    application,
    capture,
    close_window,
    command,
    open_window,
    sample_profile,
    settle,
)


def render(out: Path, languages: Sequence[str] = ("en", "de")) -> list[Path]:
    from fieldcrm.profile import database_path
    from fieldcrm.sampledata.corrections import seed_requests_and_trash
    from fieldcrm.sampledata.demo import seed_demo
    from fieldcrm.store import Store

    application()
    written: list[Path] = []
    with sample_profile("corrections", server_url=SERVER) as (profile, policy):
        store = Store(database_path(profile))
        user = seed_demo(store)
        seed_requests_and_trash(store, user)
        store.close()
        for language in languages:
            window = open_window(profile, policy, language, user)
            shots: list[tuple[str, Callable[[MainWindow], object]]] = [
                ("today-requests", _today_requests),
                ("trash", lambda w: w.show_page("trash")),
                ("edit-contact", _edit_contact),
                ("edit-followup", _edit_followup),
                ("cancel-visit", _cancel_visit),
                ("report-times", _report_times),
            ]
            for name, show in shots:
                show(window)
                written.append(capture(window, out / f"{name}-{language}.png"))
                _close_dialog(window)
            close_window(window)
    return written


def _close_dialog(window: MainWindow) -> None:
    from PySide6.QtWidgets import QApplication

    modal = QApplication.activeModalWidget()
    if modal is not None and modal is not window:
        modal.close()
        modal.deleteLater()


def _today_requests(window: MainWindow) -> None:
    window.show_page("today")
    settle(window)
    window.today.followup_tabs.setCurrentIndex(1)


def _open_detail(window: MainWindow, tab: int, customer_id: str | None = None) -> None:
    window.show_page("customers")
    settle(window)
    rows = window.customers.model.rows
    window.show_customer(customer_id or rows[0]["id"])
    settle(window)
    window.detail.tabs.setCurrentIndex(tab)


def _edit_contact(window: MainWindow) -> None:
    _open_detail(window, 1)
    window.detail.contacts_table.selectRow(0)
    window.detail.corrections.edit_button.click()


def _edit_followup(window: MainWindow) -> None:
    _open_detail(window, 0)
    window.detail.corrections.ask_button.click()


def _cancel_visit(window: MainWindow) -> None:
    window.show_page("visits")
    settle(window)
    planned = [v for v in window.visits.list_model.rows if v["status"] == "planned"]
    _open_detail(window, 0, planned[0]["customer_id"] if planned else None)
    table = window.detail.timeline_table
    for row, item in enumerate(window.detail.timeline_model.rows):
        if item["kind"] == "visit" and item["record"]["status"] == "planned":
            table.selectRow(row)
            break
    window.detail.corrections.cancel_button.click()


def _report_times(window: MainWindow) -> None:
    window.show_page("visits")
    settle(window)
    planned = [v for v in window.visits.list_model.rows if v["status"] == "planned"]
    if planned:
        window.visits.select_visit(planned[0])
        window.visits.write_report()


if __name__ == "__main__":
    sys.exit(command(render, __doc__))
