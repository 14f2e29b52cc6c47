"""Render the people pages (area, reports, feedback, connections) in English and German.

``python -m fieldcrm.ui.screenshots_people --out docs/screenshots``
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path


def render(out: Path, languages: Sequence[str] = ("en", "de")) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from fieldcrm.profile import database_path
    from fieldcrm.reports import REPORTS
    from fieldcrm.sampledata.people import seed_area, sign_in_as
    from fieldcrm.store import Store
    from fieldcrm.store.meta import LAST_SYNC_KEY, TEAM_SYNC_KEY
    from fieldcrm.ui import i18n
    from fieldcrm.ui.app import application, open_main_window
    from fieldcrm.ui.mainwindow import MainWindow
    from fieldcrm.ui.screenshots import SIZE, _settle

    application()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="fieldcrm-people-") as tmp:
        profile = Path(tmp)
        store = Store(database_path(profile))
        ids = seed_area(store, date.today())
        # As the status bar of the pictures says: synced a moment ago, the reps this morning.
        store.set_meta(LAST_SYNC_KEY, store.now_text())
        morning = datetime.combine(date.today(), time(7, 40), tzinfo=UTC)
        team = {ids[rep]: morning.strftime("%Y-%m-%dT%H:%M:%SZ") for rep in ("anna", "ben")}
        store.set_meta(TEAM_SYNC_KEY, json.dumps(team))
        store.close()
        policy = QSettings(str(profile / "policy.ini"), QSettings.Format.IniFormat)
        for language in languages:
            translations = i18n.Translations()
            if not translations.install(language):
                raise SystemExit(f"no compiled translation for {language!r}")
            for user, username in (("maria", "maria"), ("anna", "anna")):
                store = Store(database_path(profile))
                sign_in_as(store, ids[user], username)
                store.close()
                window = open_main_window(
                    profile,
                    {"server_url": "https://crm.example.com", "language": language},
                    policy=policy,
                    translations=translations,
                )
                window.resize(*SIZE)
                window.show()
                window.start()
                _settle(window)
                window.sync.stop()
                window.sync.state.online = True
                window.sync.state.error = None
                window.sync.state.last_sync = window.store.now_text()
                window.retranslate()

                def shot(name: str, window: MainWindow = window, language: str = language) -> None:
                    _settle(window)
                    path = out / f"{name}-{language}.png"
                    window.grab().save(str(path))
                    written.append(path)

                if user == "maria":
                    window.show_page("team")
                    _settle(window)
                    window.team.view.reports_table.selectRow(0)
                    shot("manager-area")
                    window.team.view.tabs.setCurrentIndex(1)
                    reports = window.team.view.reports_view
                    for index, name in enumerate(REPORTS):
                        reports.report_box.setCurrentIndex(index)
                        shot(f"report-{name.replace('_', '-')}")
                else:
                    window.show_page("feedback")
                    _settle(window)
                    window.feedback.inbox.list_view.setCurrentIndex(
                        window.feedback.inbox.model.index(0, 0)
                    )
                    first = window.feedback.inbox.model.rows
                    if first:
                        window.feedback.show_visit(first[0].visit_id)
                    shot("feedback")
                    window.show_page("today")
                    shot("today-losing-touch")
                    window.show_customer(ids["showcase"])
                    _settle(window)
                    window.detail.tabs.setCurrentWidget(window.detail.connections)
                    shot("relationship-map")
                window.close()
                window.deleteLater()
                _settle_plain()
    return written


def _settle_plain() -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(50, loop.quit)
    loop.exec()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--language", action="append", choices=("en", "de"))
    args = parser.parse_args(argv)
    for path in render(args.out, args.language or ("en", "de")):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
