"""Render every main view in English and German into PNG files (offscreen).

``python -m fieldcrm.ui.screenshots --out docs/screenshots``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from fieldcrm.store import Store
from fieldcrm.ui.app import application
from fieldcrm.ui.mainwindow import MainWindow

SIZE = (1280, 780)
#: The server address the pictures show (it is never contacted).
SERVER = "https://crm.example.com"


def settle(window: MainWindow, ms: int = 150) -> None:
    """Let queued database results arrive and layouts settle (only for rendering)."""
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


@contextmanager
def sample_profile(prefix: str, **policy_values: str) -> Iterator[tuple[Path, QSettings]]:
    """A throwaway profile folder and its IT policy (``policy_values``) for one run."""
    with tempfile.TemporaryDirectory(prefix=f"fieldcrm-{prefix}-") as tmp:
        profile = Path(tmp)
        policy = QSettings(str(profile / "policy.ini"), QSettings.Format.IniFormat)
        for name, value in policy_values.items():
            policy.setValue(name, value)
        policy.sync()
        yield profile, policy


def open_window(
    profile: Path,
    policy: QSettings,
    language: str,
    user: Mapping[str, Any] | None = None,
    sign_in: Callable[[Store], None] | None = None,
) -> MainWindow:
    """The main window in ``language``, signed in as ``user``, or as the profile's own
    user after ``sign_in`` wrote who that is; with a calm status bar: synced a moment
    ago, no network attempts."""
    from fieldcrm.store.meta import LAST_SYNC_KEY
    from fieldcrm.ui import i18n
    from fieldcrm.ui.app import open_main_window
    from fieldcrm.ui.settings import user_settings

    user_settings(profile).setValue("language", language)
    translations = i18n.Translations()
    if not translations.install(language):
        raise SystemExit(f"no compiled translation for {language!r}")
    flags = None if policy.contains("server_url") else {"server_url": SERVER, "language": language}
    window = open_main_window(
        profile,
        flags,
        policy=policy,
        translations=translations,
        # A throwaway profile: its key comes from a password, not this computer's keyring.
        ask_password=lambda: "screenshots only",
        prefer_password=True,
    )
    window.resize(*SIZE)
    window.show()
    if user is None:
        if sign_in is not None:
            sign_in(window.store)
        window.start()
    else:
        window._set_user(dict(user))
    window.store.set_meta(LAST_SYNC_KEY, window.store.now_text())
    window.sync.refresh_counts()
    settle(window)
    window.sync.stop()
    window.sync.state.online = True
    window.sync.state.error = None
    window.sync.state.last_sync = window.store.now_text()
    window.retranslate()
    return window


def capture(window: MainWindow, path: Path, widget: QWidget | None = None) -> Path:
    """Save what the user sees: the window, with the open dialog (or ``widget``, a window
    of its own) drawn over its centre."""
    settle(window)
    front = widget or QApplication.activeModalWidget()
    if front is not None and front is not window:
        _compose(window, front, path)
    else:
        window.grab().save(str(path))
    return path


def close_window(window: MainWindow) -> None:
    modal = QApplication.activeModalWidget()
    if modal is not None and modal is not window:
        modal.close()
    window.close()
    window.deleteLater()
    pause()


def command(render: Callable[[Path, Sequence[str]], list[Path]], doc: str | None) -> int:
    """The command line of a screenshot script: ``--out`` and ``--language``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--language", action="append", choices=("en", "de"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in render(args.out, args.language or ("en", "de")):
        print(path)
    return 0


def render(out: Path, languages: Sequence[str] = ("en", "de")) -> list[Path]:
    from fieldcrm.profile import database_path
    from fieldcrm.sampledata.demo import seed_demo

    application()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    # The IT policy fixes the server address (the settings view shows it locked).
    with sample_profile("shots", server_url=SERVER, **{"locked/server_url": "true"}) as (
        profile,
        policy,
    ):
        store = Store(database_path(profile))
        user = seed_demo(store)
        store.close()
        for language in languages:
            window = open_window(profile, policy, language, user)
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
                written.append(capture(window, out / f"{name}-{language}.png"))
                modal = QApplication.activeModalWidget()
                if modal is not None and modal is not window:
                    modal.close()
            close_window(window)
    return written


def _compose(window: QWidget, dialog: QWidget, path: Path) -> None:
    """The window with the dialog drawn over its centre, the window dimmed."""
    background = window.grab()
    front = dialog.grab()
    painter = QPainter(background)
    painter.fillRect(background.rect(), QColor(0, 0, 0, 90))
    x = (background.width() - front.width()) // 2
    y = (background.height() - front.height()) // 2
    painter.drawPixmap(x, y, front)
    painter.end()
    background.save(str(path))


def pause() -> None:
    """Let deferred deletes and repaints run (only for rendering)."""
    loop = QEventLoop()
    QTimer.singleShot(50, loop.quit)
    loop.exec()


def _show_detail(window: MainWindow) -> None:
    window.show_page("customers")
    settle(window)
    rows = window.customers.model.rows
    window.show_customer(rows[min(2, len(rows) - 1)]["id"])


def _show_report(window: MainWindow) -> None:
    window.show_page("visits")
    settle(window)
    done = [v for v in window.visits.list_model.rows if v["status"] == "done"]
    window.visits.select_visit(done[0])
    window.visits.write_report()


if __name__ == "__main__":
    sys.exit(command(render, __doc__))
