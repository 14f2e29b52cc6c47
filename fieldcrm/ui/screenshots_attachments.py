"""Render attachments on a customer (Files tab) and on a visit in English and German.

``python -m fieldcrm.ui.screenshots_attachments --out docs/screenshots``
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

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
    from fieldcrm.sampledata.attachments import seed_attachments
    from fieldcrm.sampledata.demo import seed_demo
    from fieldcrm.store import Store

    application()
    written: list[Path] = []
    with sample_profile("files") as (profile, policy):
        store = Store(database_path(profile))
        user = seed_demo(store)
        with store.read() as conn:
            customer_id, visit_id = conn.exec_driver_sql(
                "SELECT customer_id, id FROM visit WHERE status = 'done' AND deleted = 0 "
                "ORDER BY planned_start DESC LIMIT 1"
            ).one()
        seed_attachments(store, customer_id, visit_id)
        store.close()
        for language in languages:
            window = open_window(profile, policy, language, user)
            window.show_customer(customer_id)
            settle(window)
            detail = window.detail
            detail.tabs.setCurrentWidget(detail.attachments)
            written.append(capture(window, out / f"customer-files-{language}.png"))

            window.show_page("visits")
            settle(window)
            visits = window.visits
            [visit] = [v for v in visits.list_model.rows if v["id"] == visit_id]
            visits.select_visit(visit)
            written.append(capture(window, out / f"visit-files-{language}.png"))
            close_window(window)
    return written


if __name__ == "__main__":
    sys.exit(command(render, __doc__))
