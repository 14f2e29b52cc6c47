"""Render the manager's channel in English and German: a rep's inbox with a bulletin
opened, the manager's view of a bulletin with its receipts, the bulletin editor and the
area's documents shelf.

``python -m fieldcrm.ui.screenshots_channel --out docs/screenshots``
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date
from functools import partial
from pathlib import Path

from fieldcrm.store import Store
from fieldcrm.ui.mainwindow import MainWindow
from fieldcrm.ui.screenshots import (
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
    from fieldcrm.sampledata.channel import seed_channel
    from fieldcrm.sampledata.people import seed_area

    application()
    written: list[Path] = []
    with sample_profile("channel") as (profile, policy):
        store = Store(database_path(profile))
        ids = seed_area(store, date.today())
        channel = seed_channel(store, ids, profile / "sample-files")
        store.close()
        for language in languages:
            window = open_window(profile, policy, language, sign_in=partial(_as, ids, "anna"))
            written += _rep(window, out, language, channel)
            close_window(window)
            window = open_window(profile, policy, language, sign_in=partial(_as, ids, "maria"))
            written += _manager(window, out, language, channel)
            close_window(window)
    return written


def _as(ids: dict[str, str], username: str, store: Store) -> None:
    from fieldcrm.sampledata.people import sign_in_as

    sign_in_as(store, ids[username], username)


def _select(window: MainWindow, item_id: str) -> None:
    view = window.feedback.inbox
    row = next(i for i, item in enumerate(view.model.rows) if item["id"] == item_id)
    index = view.model.index(row, 0)
    view.list_view.setCurrentIndex(index)
    view.list_view.activated.emit(index)
    settle(window)


def _rep(window: MainWindow, out: Path, language: str, channel: dict[str, str]) -> list[Path]:
    window.show_page("feedback")
    settle(window)
    _select(window, channel["price_bulletin"])
    shots = [capture(window, out / f"inbox-{language}.png")]
    window.feedback.tabs.setCurrentIndex(1)
    settle(window)
    shots.append(capture(window, out / f"shelf-{language}.png"))
    return shots


def _manager(window: MainWindow, out: Path, language: str, channel: dict[str, str]) -> list[Path]:
    window.show_page("feedback")
    settle(window)
    window.feedback.show_bulletin(channel["price_bulletin"])
    settle(window)
    shots = [capture(window, out / f"bulletin-receipts-{language}.png")]
    editor = window.feedback.write_bulletin()
    settle(window)
    editor.title.setText(
        "Musterkoffer abholen" if language == "de" else "Collect the new sample cases"
    )
    editor.body.setPlainText(
        "Die neuen Musterkoffer liegen ab **Montag** im Büro bereit."
        if language == "de"
        else "The new sample cases are ready at the office from **Monday**."
    )
    editor.confirm.setChecked(True)
    editor.add_path(Path("Musterkoffer-2027.pdf"))
    shots.append(capture(window, out / f"bulletin-editor-{language}.png", editor))
    editor.reject()
    return shots


if __name__ == "__main__":
    sys.exit(command(render, __doc__))
