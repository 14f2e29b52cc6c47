"""Customer list with 100,000 customers: time to open, search-as-you-type latency.

``python -m benchmarks.bench_ui_customers [--while-indexing]``

"Opens the first time" is from clicking "Customers" in the navigation of a window just
built to the first page being in the view (the query runs on the database thread; the GUI
thread only inserts the rows); "opens again" asks the open list for all customers anew. A search
is timed from the moment the debounce timer fires (typing pauses 150 ms first, on
purpose) to the result rows being in the model.

Both stores in the same run: the profile opened through the app (encrypted in place first,
as every profile is) and the same profile kept plain (the app's window on a plain
``Store``), one after the other, in alternating order over ``--runs``.

The profile's search index over everything typed is built beforehand, as the background
builder leaves it a few seconds after a first sync; ``--while-indexing`` starts from a
profile whose index is not built yet, so the builder works on its own thread all through
the timed searches (on two cores it takes one of them, and every slice it writes makes
the list's connection read and decrypt its pages anew). "CPU" is the database thread's
CPU time for the search's query.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.ui_common import (
    CUSTOMERS,
    indexed_profile_with_customers,
    percentile,
    profile_with_customers,
)

QUERIES = [
    "B",
    "Bä",
    "Bäc",
    "Bäck",
    "Bäcke",
    "Bäckerei",
    "Bäckerei H",
    "Bäckerei Ha",
    "H",
    "Ho",
    "Hot",
    "Hote",
    "Hotel",
    "Hotel A",
    "Hotel An",
    "Hotel Anker",
    "K",
    "K-",
    "K-1",
    "K-12",
    "K-123",
    "K-1234",
    "K-12345",
    "Lü",
    "Lübeck",
    "Kiel",
    "Osna",
    "Osnabrück",
    "Elbe",
    "Weser",
    "Anker 77",
    "Apotheke M",
    "Apotheke Möwe",
    "Sanitär",
    "Sanitär Hafen",
    "Gartencenter Brise",
]


def timed_queries(cpu: list[float]) -> None:
    """Note the CPU time of each list query on the database thread in ``cpu``."""
    from fieldcrm.ui import models

    query = models.customer_page

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        try:
            return query(*args, **kwargs)
        finally:
            cpu.append((time.thread_time() - start) * 1000)

    models.customer_page = timed


def measure(source: Path, encrypted: bool, rounds: int, cpu: list[float]) -> dict[str, Any]:
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from fieldcrm.app.customers import CustomerFilter
    from fieldcrm.profile import database_path
    from fieldcrm.store import Store
    from fieldcrm.ui import app as ui_app
    from fieldcrm.ui import i18n
    from fieldcrm.ui.app import open_main_window

    with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-") as tmp:
        profile = Path(tmp) / "profile"
        shutil.copytree(source, profile)
        policy = QSettings(str(Path(tmp) / "policy.ini"), QSettings.Format.IniFormat)
        translations = i18n.Translations()
        translations.install("en")
        opener = ui_app.open_profile_store
        if not encrypted:
            ui_app.open_profile_store = lambda database, *a, **k: Store(database)
        try:
            window = open_main_window(
                profile, {"server_url": ""}, policy=policy, translations=translations
            )
        finally:
            ui_app.open_profile_store = opener
        assert window.store.encrypted == encrypted, database_path(profile)
        window.show()
        model = window.customers.model

        def wait_page() -> None:
            loop = QEventLoop()
            model.page_loaded.connect(loop.quit)
            QTimer.singleShot(30_000, loop.quit)
            loop.exec()
            model.page_loaded.disconnect(loop.quit)

        # The first open: the user clicks "Customers" in a window just built (the first
        # query of this process; the operating system may still cache the file).
        start = time.perf_counter()
        window.show_page("customers")
        wait_page()
        first_open = (time.perf_counter() - start) * 1000
        assert model.rowCount() == model.PAGE_SIZE
        opens = []
        for _ in range(rounds):
            start = time.perf_counter()
            model.set_filter(CustomerFilter())
            wait_page()
            opens.append((time.perf_counter() - start) * 1000)
            assert model.rowCount() == model.PAGE_SIZE
        searches = []
        was_indexing = window.search_index.running
        cpu.clear()
        for _ in range(rounds):
            for text in QUERIES:
                start = time.perf_counter()
                model.set_filter(CustomerFilter(text=text))
                wait_page()
                searches.append((time.perf_counter() - start) * 1000)
        if not was_indexing:
            indexing = "none of them"
        elif window.search_index.running:
            indexing = "all of them"
        else:
            indexing = "the first ones"
        window.close()
        window.store.close()
    return {
        "cpu50": percentile(cpu, 0.5),
        "cpu95": percentile(cpu, 0.95),
        "indexing": indexing,
        "first": first_open,
        "again": statistics.median(opens),
        "again_max": max(opens),
        "p50": percentile(searches, 0.5),
        "p95": percentile(searches, 0.95),
        "max": max(searches),
        "n": len(searches),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=CUSTOMERS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=2, help="windows opened per store")
    parser.add_argument(
        "--while-indexing",
        action="store_true",
        help="search while the background builder builds the search index",
    )
    args = parser.parse_args()

    if args.while_indexing:
        source = profile_with_customers(args.customers)
    else:
        source = indexed_profile_with_customers(args.customers)
    from fieldcrm.ui.app import application

    application()
    cpu: list[float] = []
    timed_queries(cpu)
    print(f"customers: {args.customers:,}")
    for run in range(args.runs):
        sides = [False, True] if run % 2 == 0 else [True, False]
        for encrypted in sides:
            r = measure(source, encrypted, args.rounds, cpu)
            load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
            print(
                f"{'encrypted' if encrypted else 'plain':9}: list opens the first time "
                f"{r['first']:.1f} ms; again median {r['again']:.1f} ms (max "
                f"{r['again_max']:.1f}); search ({r['n']:.0f}) p50 {r['p50']:.1f} ms, "
                f"p95 {r['p95']:.1f} ms, max {r['max']:.1f} ms (query CPU p50 "
                f"{r['cpu50']:.1f}, p95 {r['cpu95']:.1f} ms; index builder running during "
                f"{r['indexing']}); load average {load}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
