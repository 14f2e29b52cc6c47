"""Render every main view in English and German into PNG files (offscreen).

``python -m fieldcrm.ui.screenshots --out docs/screenshots``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QTimer

SIZE = (1280, 780)


def _settle(window: object, ms: int = 150) -> None:
    """Let queued database results arrive and layouts settle (only for rendering)."""
    from fieldcrm.ui.mainwindow import MainWindow

    assert isinstance(window, MainWindow)
    loop = QEventLoop()
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)

    def check() -> None:
        if not window.db.busy and not window.analysis.busy:
            loop.quit()

    poll = QTimer()
    poll.timeout.connect(check)
    deadline.start(5000)
    poll.start(20)
    loop.exec()
    poll.stop()
    wait = QEventLoop()
    QTimer.singleShot(ms, wait.quit)
    wait.exec()


def render(out: Path, languages: Sequence[str] = ("en", "de")) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from fieldcrm.profile import database_path
    from fieldcrm.sampledata.demo import seed_demo
    from fieldcrm.store import Store
    from fieldcrm.store.meta import LAST_SYNC_KEY
    from fieldcrm.ui import i18n
    from fieldcrm.ui.app import application, open_main_window
    from fieldcrm.ui.mainwindow import MainWindow
    from fieldcrm.ui.settings import user_settings

    application()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="fieldcrm-shots-") as tmp:
        profile = Path(tmp)
        store = Store(database_path(profile))
        user = seed_demo(store)
        # As the status bar of the pictures says: synced a moment ago.
        store.set_meta(LAST_SYNC_KEY, store.now_text())
        store.close()
        # The IT policy fixes the server address (the settings view shows it locked).
        policy = QSettings(str(profile / "policy.ini"), QSettings.Format.IniFormat)
        policy.setValue("server_url", "https://crm.example.com")
        policy.setValue("locked/server_url", "true")
        policy.sync()
        for language in languages:
            user_settings(profile).setValue("language", language)
            translations = i18n.Translations()
            if not translations.install(language):
                raise SystemExit(f"no compiled translation for {language!r}")
            window = open_main_window(
                profile,
                None,
                policy=policy,
                translations=translations,
            )
            window.resize(*SIZE)
            window.show()
            # Signed in as the sample rep, without a sync (the example server does not exist).
            window._set_user(user)
            window.sync.refresh_counts()
            _settle(window)
            window.sync.stop()
            # A calm status bar for the pictures: not the failed attempt to reach example.com.
            window.sync.state.online = True
            window.sync.state.error = None
            window.sync.state.last_sync = window.store.now_text()
            window.retranslate()
            shots: list[tuple[str, Callable[[MainWindow], object]]] = [
                ("today", lambda w: w.show_page("today")),
                ("customers", lambda w: w.show_page("customers")),
                ("customer-detail", _show_detail),
                ("visits", lambda w: w.show_page("visits")),
                ("visit-report", _show_report),
                ("conflicts", lambda w: w.show_page("conflicts")),
                ("rejected", lambda w: w.show_page("rejected")),
                ("reports", lambda w: w.show_page("reports")),
                ("settings", lambda w: w.open_settings()),
            ]
            for name, show in shots:
                show(window)
                _settle(window)
                path = out / f"{name}-{language}.png"
                target = QCoreApplication.instance()
                assert target is not None
                from PySide6.QtWidgets import QApplication

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


def _compose(window: object, dialog: object, path: Path) -> None:
    """The window with the dialog drawn over its centre."""
    from PySide6.QtGui import QColor, QPainter, QPixmap
    from PySide6.QtWidgets import QWidget

    assert isinstance(window, QWidget) and isinstance(dialog, QWidget)
    background = QPixmap(str(path.with_suffix(".bg.png")))
    front = dialog.grab()
    painter = QPainter(background)
    painter.fillRect(background.rect(), QColor(0, 0, 0, 90))
    x = (background.width() - front.width()) // 2
    y = (background.height() - front.height()) // 2
    painter.drawPixmap(x, y, front)
    painter.end()
    background.save(str(path))


def _settle_plain() -> None:
    loop = QEventLoop()
    QTimer.singleShot(50, loop.quit)
    loop.exec()


def _show_detail(window: object) -> None:
    from fieldcrm.ui.mainwindow import MainWindow

    assert isinstance(window, MainWindow)
    window.show_page("customers")
    _settle(window)
    rows = window.customers.model.rows
    window.show_customer(rows[min(2, len(rows) - 1)]["id"])


def _show_report(window: object) -> None:
    from fieldcrm.ui.mainwindow import MainWindow

    assert isinstance(window, MainWindow)
    window.show_page("visits")
    _settle(window)
    done = [v for v in window.visits.list_model.rows if v["status"] == "done"]
    window.visits.select_visit(done[0])
    window.visits.write_report()


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
