"""Render the correction pages and dialogs (Today with requests, the trash, editing a
contact and a follow-up, cancelling a visit, the real times of a report) in English and
German.

``python -m fieldcrm.ui.screenshots_corrections --out docs/screenshots``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


def render(out: Path, languages: Sequence[str] = ("en", "de")) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from fieldcrm.profile import database_path
    from fieldcrm.sampledata.corrections import seed_requests_and_trash
    from fieldcrm.sampledata.demo import seed_demo
    from fieldcrm.store import Store
    from fieldcrm.store.meta import LAST_SYNC_KEY
    from fieldcrm.ui import i18n
    from fieldcrm.ui.app import application, open_main_window
    from fieldcrm.ui.mainwindow import MainWindow
    from fieldcrm.ui.screenshots import SIZE, _compose, _settle, _settle_plain
    from fieldcrm.ui.settings import user_settings

    application()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="fieldcrm-corrections-") as tmp:
        profile = Path(tmp)
        store = Store(database_path(profile))
        user = seed_demo(store)
        seed_requests_and_trash(store, user)
        store.set_meta(LAST_SYNC_KEY, store.now_text())
        store.close()
        policy = QSettings(str(profile / "policy.ini"), QSettings.Format.IniFormat)
        policy.setValue("server_url", "https://crm.example.com")
        policy.sync()
        for language in languages:
            user_settings(profile).setValue("language", language)
            translations = i18n.Translations()
            if not translations.install(language):
                raise SystemExit(f"no compiled translation for {language!r}")
            window = open_main_window(profile, None, policy=policy, translations=translations)
            window.resize(*SIZE)
            window.show()
            window._set_user(user)
            window.sync.refresh_counts()
            _settle(window)
            window.sync.stop()
            window.sync.state.online = True
            window.sync.state.error = None
            window.sync.state.last_sync = window.store.now_text()
            window.retranslate()
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
                _settle(window)
                path = out / f"{name}-{language}.png"
                modal = QApplication.activeModalWidget()
                if modal is not None and modal is not window:
                    window.grab().save(str(path.with_suffix(".bg.png")))
                    _compose(window, modal, path)
                    path.with_suffix(".bg.png").unlink()
                    modal.close()
                    modal.deleteLater()
                else:
                    window.grab().save(str(path))
                written.append(path)
            window.close()
            window.deleteLater()
            _settle_plain()
    return written


def _today_requests(window: Any) -> None:
    window.show_page("today")
    _wait(window)
    window.today.followup_tabs.setCurrentIndex(1)


def _open_detail(window: Any, tab: int, customer_id: str | None = None) -> None:
    window.show_page("customers")
    _wait(window)
    rows = window.customers.model.rows
    window.show_customer(customer_id or rows[0]["id"])
    _wait(window)
    window.detail.tabs.setCurrentIndex(tab)


def _edit_contact(window: Any) -> None:
    _open_detail(window, 1)
    window.detail.contacts_table.selectRow(0)
    window.detail.corrections.edit_button.click()


def _edit_followup(window: Any) -> None:
    _open_detail(window, 0)
    window.detail.corrections.ask_button.click()


def _cancel_visit(window: Any) -> None:
    window.show_page("visits")
    _wait(window)
    planned = [v for v in window.visits.list_model.rows if v["status"] == "planned"]
    _open_detail(window, 0, planned[0]["customer_id"] if planned else None)
    table = window.detail.timeline_table
    for row, item in enumerate(window.detail.timeline_model.rows):
        if item["kind"] == "visit" and item["record"]["status"] == "planned":
            table.selectRow(row)
            break
    window.detail.corrections.cancel_button.click()


def _report_times(window: Any) -> None:
    window.show_page("visits")
    _wait(window)
    planned = [v for v in window.visits.list_model.rows if v["status"] == "planned"]
    if planned:
        window.visits.select_visit(planned[0])
        window.visits.write_report()


def _wait(window: Any) -> None:
    from fieldcrm.ui.screenshots import _settle

    _settle(window)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--language", action="append", choices=("en", "de"))
    args = parser.parse_args(argv)
    for path in render(args.out, args.language or ("en", "de")):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
