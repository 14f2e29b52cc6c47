"""Render the Route page (the day's route beside the map) and the map without tiles, in
English and German.

``python -m fieldcrm.ui.screenshots_road --out docs/screenshots``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

#: The sample rep's home base (Munich) and the area the sample customers are spread over.
HOME = "48.137, 11.575"


def render(out: Path, languages: Sequence[str] = ("en", "de")) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from fieldcrm.profile import database_path
    from fieldcrm.sampledata.demo import seed_demo
    from fieldcrm.sampledata.road import place_customers
    from fieldcrm.store import Store
    from fieldcrm.store.meta import LAST_SYNC_KEY
    from fieldcrm.ui import i18n
    from fieldcrm.ui.app import application, open_main_window
    from fieldcrm.ui.screenshots import SIZE, _settle
    from fieldcrm.ui.screenshots_people import _settle_plain

    application()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="fieldcrm-road-") as tmp:
        profile = Path(tmp)
        store = Store(database_path(profile))
        user = seed_demo(store)
        place_customers(store, user["id"])
        store.set_meta(LAST_SYNC_KEY, store.now_text())
        store.close()
        # No tile server (the default): the map draws on a plain background.
        policy = QSettings(str(profile / "policy.ini"), QSettings.Format.IniFormat)
        policy.setValue("home_base", HOME)
        policy.sync()
        for language in languages:
            translations = i18n.Translations()
            if not translations.install(language):
                raise SystemExit(f"no compiled translation for {language!r}")
            window = open_main_window(
                profile,
                {"server_url": "https://crm.example.com", "language": language},
                policy=policy,
                translations=translations,
                # A throwaway profile: its key comes from a password, not the keyring.
                ask_password=lambda: "screenshots only",
                prefer_password=True,
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
            window.show_page("road")
            _settle(window, 400)
            window.road.stops_view.resizeColumnsToContents()
            _settle(window)
            path = out / f"route-{language}.png"
            window.grab().save(str(path))
            written.append(path)
            page = window.road
            page.map.resize(900, 640)
            page.map.fit()
            page.map.select(page.stops.rows[0]["customer_id"] if page.stops.rows else None)
            path = out / f"map-no-tiles-{language}.png"
            page.map.grab().save(str(path))
            written.append(path)
            window.close()
            window.deleteLater()
            _settle_plain()
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--language", action="append", choices=("en", "de"))
    args = parser.parse_args(argv)
    for path in render(args.out, args.language or ("en", "de")):
        print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
