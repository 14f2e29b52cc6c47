"""Render attachments on a customer (Files tab) and on a visit in English and German.

``python -m fieldcrm.ui.screenshots_attachments --out docs/screenshots``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path


def render(out: Path, languages: Sequence[str] = ("en", "de")) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from fieldcrm.profile import database_path
    from fieldcrm.sampledata.attachments import seed_attachments
    from fieldcrm.sampledata.demo import seed_demo
    from fieldcrm.store import Store
    from fieldcrm.store.meta import LAST_SYNC_KEY
    from fieldcrm.ui import i18n
    from fieldcrm.ui.app import application, open_main_window
    from fieldcrm.ui.screenshots import SIZE, _settle

    application()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="fieldcrm-files-") as tmp:
        profile = Path(tmp)
        store = Store(database_path(profile))
        user = seed_demo(store)
        with store.read() as conn:
            customer_id, visit_id = conn.exec_driver_sql(
                "SELECT customer_id, id FROM visit WHERE status = 'done' AND deleted = 0 "
                "ORDER BY planned_start DESC LIMIT 1"
            ).one()
        seed_attachments(store, customer_id, visit_id)
        store.set_meta(LAST_SYNC_KEY, store.now_text())
        store.close()
        policy = QSettings(str(profile / "policy.ini"), QSettings.Format.IniFormat)
        for language in languages:
            translations = i18n.Translations()
            if not translations.install(language):
                raise SystemExit(f"no compiled translation for {language!r}")
            window = open_main_window(
                profile,
                {"server_url": "https://crm.example.com", "language": language},
                policy=policy,
                translations=translations,
            )
            window.resize(*SIZE)
            window.show()
            window._set_user(user)
            _settle(window)
            window.sync.stop()
            window.sync.state.online = True
            window.sync.state.error = None
            window.sync.state.last_sync = window.store.now_text()
            window.retranslate()

            window.show_customer(customer_id)
            _settle(window)
            detail = window.detail
            detail.tabs.setCurrentWidget(detail.attachments)
            _settle(window)
            path = out / f"customer-files-{language}.png"
            window.grab().save(str(path))
            written.append(path)

            window.show_page("visits")
            _settle(window)
            visits = window.visits
            [visit] = [v for v in visits.list_model.rows if v["id"] == visit_id]
            visits.select_visit(visit)
            _settle(window)
            path = out / f"visit-files-{language}.png"
            window.grab().save(str(path))
            written.append(path)
            window.close()
            window.deleteLater()
            _settle(window, 50)
    return written


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
