"""Render the search window, the duplicates dialog and the contact import preview in
English and German.

``python -m fieldcrm.ui.screenshots_find --out docs/screenshots``
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer

from fieldcrm.store import Store
from fieldcrm.ui.mainwindow import MainWindow
from fieldcrm.ui.screenshots import (
    SERVER,
    application,
    capture,
    close_window,
    command,
    open_window,
    pause,
    sample_profile,
    settle,
)

IMPORT_CSV = (
    "Vorname;Nachname;Funktion;Telefon;Handy;E-Mail\n"
    "Jürgen;Weiß;Einkaufsleiter;040 123456;;j.weiss@example.de\n"
    "Eva;;Technik;;;eva@example.de\n"
    "Tim;Lang;Werkstatt;;0171 5551234;kein-mail\n"
    "Ute;Brandt;Geschäftsführerin;;;ute@example.de\n"
    "Sven;Krüger;Buchhaltung;040 7788990;;s.krueger@example.de\n"
)


def render(out: Path, languages: Sequence[str] = ("en", "de")) -> list[Path]:
    from fieldcrm.profile import database_path
    from fieldcrm.sampledata.demo import seed_demo

    application()
    written: list[Path] = []
    with sample_profile("find", server_url=SERVER) as (profile, policy):
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
        store.close()
        csv_path = profile / "kontakte.csv"
        csv_path.write_text(IMPORT_CSV, encoding="utf-8")
        for language in languages:
            window = open_window(profile, policy, language, user)
            written += _search(window, out, language, phone)
            written.append(_duplicates(window, out, language, phone))
            written.append(_contact_import(window, out, language, customer_id, csv_path))
            close_window(window)
    return written


def _wait_for(signal: Any, action: Callable[[], object]) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(10_000, loop.quit)
    action()
    loop.exec()


def _search(window: MainWindow, out: Path, language: str, phone: str) -> list[Path]:
    """The search window: a word inside compounds, across kinds; a phone number typed
    differently."""
    from fieldcrm.ui.search_window import search_command

    window.show_page("customers")
    settle(window)
    search = search_command(window).open()
    search.resize(820, 560)
    search.query.setText("bau")
    _wait_for(search.shown, search.run_search)
    shots = [capture(window, out / f"search-{language}.png", search)]
    search.query.setText(phone.replace("+49 ", "0"))
    _wait_for(search.shown, search.run_search)
    shots.append(capture(window, out / f"search-phone-{language}.png", search))
    shots.append(_search_while_building(window, out, language, search))
    search.close()
    return shots


def _search_while_building(window: MainWindow, out: Path, language: str, search: Any) -> Path:
    """The search window while the search index is still being built (after a first
    sync): what is indexed is found, and the window says how far the index is."""
    from fieldcrm.store import search_build
    from fieldcrm.store.textindex import TEXT_INDEXES, reset_sql

    with window.store.write() as uow:
        for index in TEXT_INDEXES:
            for statement in reset_sql(index):
                uow.connection.exec_driver_sql(statement)
    rows = window.store.counts()["customer"] * 2 // 3
    search_build.build_step(window.store, rows=rows)
    search.query.setText("bau")
    _wait_for(search.shown, search.run_search)
    shot = capture(window, out / f"search-building-{language}.png", search)
    search_build.build(window.store)
    return shot


def _duplicates(window: MainWindow, out: Path, language: str, phone: str) -> Path:
    """A new customer with a known phone number: the likely duplicates."""
    dialog = window.customers.new_customer()
    dialog.form.set_values(
        {"name": "Hahn Straßenbau", "phone": phone.replace("+49 ", "0"), "status": "prospect"}
    )
    dialog.buttons.accepted.emit()
    for _ in range(150):
        if getattr(dialog, "duplicates", None) is not None:
            break
        pause()
    duplicates = getattr(dialog, "duplicates", None)
    assert duplicates is not None, "no duplicates dialog"
    pause()
    shot = capture(window, out / f"duplicates-{language}.png", duplicates)
    duplicates.reject()
    dialog.form.mark_clean()
    dialog.reject()
    return shot


def _contact_import(
    window: MainWindow, out: Path, language: str, customer_id: str, csv_path: Path
) -> Path:
    """Importing contacts: the preview with each line's problem."""
    window.show_customer(customer_id)
    settle(window)
    importer = window.detail.import_contacts()
    assert importer is not None
    _wait_for(importer.previewed, partial(importer.load_file, csv_path))
    pause()
    shot = capture(window, out / f"contact-import-{language}.png", importer)
    importer.reject()
    return shot


if __name__ == "__main__":
    sys.exit(command(render, __doc__))
