"""Render the people pages (area, reports, feedback, connections) in English and German.

``python -m fieldcrm.ui.screenshots_people --out docs/screenshots``
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
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
    from fieldcrm.sampledata.people import seed_area
    from fieldcrm.store.meta import TEAM_SYNC_KEY

    application()
    written: list[Path] = []
    with sample_profile("people") as (profile, policy):
        store = Store(database_path(profile))
        ids = seed_area(store, date.today())
        # The reps synced this morning.
        morning = datetime.combine(date.today(), time(7, 40), tzinfo=UTC)
        team = {ids[rep]: morning.strftime("%Y-%m-%dT%H:%M:%SZ") for rep in ("anna", "ben")}
        store.set_meta(TEAM_SYNC_KEY, json.dumps(team))
        store.close()
        for language in languages:
            for username in ("maria", "anna"):
                window = open_window(
                    profile, policy, language, sign_in=partial(_as, ids[username], username)
                )
                if username == "maria":
                    written += _manager(window, out, language)
                else:
                    written += _rep(window, out, language, ids["showcase"])
                close_window(window)
    return written


def _as(user_id: str, username: str, store: Store) -> None:
    from fieldcrm.sampledata.people import sign_in_as

    sign_in_as(store, user_id, username)


def _manager(window: MainWindow, out: Path, language: str) -> list[Path]:
    from fieldcrm.reports import REPORTS

    window.show_page("team")
    settle(window)
    window.team.view.reports_table.selectRow(0)
    shots = [capture(window, out / f"manager-area-{language}.png")]
    window.team.view.tabs.setCurrentIndex(1)
    reports = window.team.view.reports_view
    for index, name in enumerate(REPORTS):
        reports.report_box.setCurrentIndex(index)
        shots.append(capture(window, out / f"report-{name.replace('_', '-')}-{language}.png"))
    return shots


def _rep(window: MainWindow, out: Path, language: str, showcase: str) -> list[Path]:
    window.show_page("feedback")
    settle(window)
    inbox = window.feedback.inbox
    inbox.set_filter(3)  # feedback on reports
    if inbox.model.rows:
        inbox.list_view.setCurrentIndex(inbox.model.index(0, 0))
        window.feedback.open_item(inbox.model.rows[0])
    shots = [capture(window, out / f"feedback-{language}.png")]
    window.show_page("today")
    shots.append(capture(window, out / f"today-losing-touch-{language}.png"))
    window.show_customer(showcase)
    settle(window)
    window.detail.tabs.setCurrentWidget(window.detail.connections)
    shots.append(capture(window, out / f"relationship-map-{language}.png"))
    return shots


if __name__ == "__main__":
    sys.exit(command(render, __doc__))
