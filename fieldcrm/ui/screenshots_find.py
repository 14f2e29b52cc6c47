"""Render the search window, the duplicates dialog and the contact import preview in
English and German.

``python -m fieldcrm.ui.screenshots_find --out docs/screenshots``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

IMPORT_CSV = (
    "Vorname;Nachname;Funktion;Telefon;Handy;E-Mail\n"
    "Jürgen;Weiß;Einkaufsleiter;040 123456;;j.weiss@example.de\n"
    "Eva;;Technik;;;eva@example.de\n"
    "Tim;Lang;Werkstatt;;0171 5551234;kein-mail\n"
    "Ute;Brandt;Geschäftsführerin;;;ute@example.de\n"
    "Sven;Krüger;Buchhaltung;040 7788990;;s.krueger@example.de\n"
)


def render(out: Path, languages: Sequence[str] = ("en", "de")) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QWidget

    from fieldcrm.profile import database_path
    from fieldcrm.sampledata.demo import seed_demo
    from fieldcrm.store import Store
    from fieldcrm.store.meta import LAST_SYNC_KEY
    from fieldcrm.ui import i18n
    from fieldcrm.ui.app import application, open_main_window
    from fieldcrm.ui.screenshots import SIZE, _compose, _settle, _settle_plain
    from fieldcrm.ui.search_window import search_command
    from fieldcrm.ui.settings import user_settings

    application()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def wait_for(signal: Any, action: Any) -> None:
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(10_000, loop.quit)
        action()
        loop.exec()

    def over_window(window: QWidget, dialog: QWidget, path: Path) -> None:
        window.grab().save(str(path.with_suffix(".bg.png")))
        _compose(window, dialog, path)
        path.with_suffix(".bg.png").unlink()
        written.append(path)

    with tempfile.TemporaryDirectory(prefix="fieldcrm-find-") as tmp:
        profile = Path(tmp)
        store = Store(database_path(profile))
        user = seed_demo(store)
        with store.read() as conn:
            customer_id, phone = conn.exec_driver_sql(
                "SELECT id, phone FROM customer WHERE phone IS NOT NULL ORDER BY id LIMIT 1"
            ).one()
        street = store.create(
            "customer", {"name": "Straßenbau Hahn GmbH", "city": "Hamburg", "phone": phone}
        )
        store.create(
            "note",
            {
                "customer_id": street,
                "author_id": user["id"],
                "text": "Straßenbau am Hafen: Angebot für Streusalz und Baustellenbake erbeten.",
            },
        )
        store.set_meta(LAST_SYNC_KEY, store.now_text())
        store.close()
        csv_path = profile / "kontakte.csv"
        csv_path.write_text(IMPORT_CSV, encoding="utf-8")
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
            _settle(window)
            window.sync.stop()
            window.sync.state.online = True
            window.sync.state.error = None
            window.sync.state.last_sync = window.store.now_text()
            window.retranslate()

            # The search window: a word inside compounds, across kinds.
            window.show_page("customers")
            _settle(window)
            search = search_command(window).open()
            search.resize(820, 560)
            search.query.setText("bau")
            wait_for(search.shown, search.run_search)
            _settle(window)
            over_window(window, search, out / f"search-{language}.png")
            search.query.setText(phone.replace("+49 ", "0"))
            wait_for(search.shown, search.run_search)
            over_window(window, search, out / f"search-phone-{language}.png")
            search.close()

            # A new customer with a known phone number: the likely duplicates.
            dialog = window.customers.new_customer()
            dialog.form.set_values(
                {
                    "name": "Hahn Straßenbau",
                    "phone": phone.replace("+49 ", "0"),
                    "status": "prospect",
                }
            )
            dialog.buttons.accepted.emit()
            for _ in range(150):
                if getattr(dialog, "duplicates", None) is not None:
                    break
                _settle_plain()
            duplicates = getattr(dialog, "duplicates", None)
            assert duplicates is not None, "no duplicates dialog"
            _settle_plain()
            over_window(window, duplicates, out / f"duplicates-{language}.png")
            duplicates.reject()
            dialog.form.mark_clean()
            dialog.reject()

            # Importing contacts: the preview with each line's problem.
            window.show_customer(customer_id)
            _settle(window)
            importer = window.detail.import_contacts()
            assert importer is not None
            wait_for(importer.previewed, partial(importer.load_file, csv_path))
            _settle_plain()
            over_window(window, importer, out / f"contact-import-{language}.png")
            importer.reject()

            window.close()
            window.deleteLater()
            _settle_plain()
    return written


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
