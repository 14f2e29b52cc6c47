"""Cold start: from launching Python to the main window on screen, on a 100,000-customer profile.

``python -m benchmarks.bench_ui_startup``

Each run is a new process (``python -m benchmarks.bench_ui_startup --child``) that opens
the profile (migrations check included), builds the main window, shows it and reports
twice: when the first event-loop turn after ``show()`` runs ("shown"), and when the first
page (Today) has painted the signed-in rep's rows ("data painted": the first paint of its
table after rows read for the signed-in user arrived from the database thread; the page's
read at ``show()``, before the profile's user is known, does not count). The times are measured by
the parent from just before it starts the process, so interpreter start and imports
count. The child also reports the CPU time it used until then (user + system): on a
machine shared with other work the wall time stretches with the load, the CPU time much
less. The load average is printed before and after the runs.

The profile is encrypted as the app keeps it (key in the benchmarks' keyring). With
``--compare-plain`` a plain copy of the same profile is started too, the two alternating
(the plain one opened as a plain store, as a profile of the version before encryption
would be if it were not encrypted at its first start), and medians of both are shown.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.ui_common import CUSTOMERS, profile_with_customers

ROOT = Path(__file__).resolve().parents[1]


def child(profile: Path, plain: bool = False) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject, QTimer

    from fieldcrm.ui import app as ui_app
    from fieldcrm.ui.app import application, open_main_window

    if plain:
        from fieldcrm.store import Store
        from fieldcrm.store.db import create_sqlite_engine

        def open_plain(database: Path, *_: Any, **__: Any) -> Store:
            return Store(database, engine=create_sqlite_engine(database))

        ui_app.open_profile_store = open_plain
    app = application()
    window = open_main_window(profile, {"server_url": ""})
    table = window.today.today_table

    class FirstPaintWithData(QObject):
        """Reports the first paint of the Today table after the user's rows arrived."""

        rows_arrived = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if self.rows_arrived and event.type() == QEvent.Type.Paint:
                self.rows_arrived = False
                QTimer.singleShot(0, painted)
            return False

    def painted() -> None:
        print(f"painted {time.process_time() * 1000:.0f}", flush=True)
        window.close()
        app.quit()

    watcher = FirstPaintWithData()
    table.viewport().installEventFilter(watcher)

    def rows_arrived() -> None:
        if window.ctx.user_id is not None:
            watcher.rows_arrived = True

    window.today.today_model.modelReset.connect(rows_arrived)
    window.show()
    window.start()
    QTimer.singleShot(0, lambda: print(f"shown {time.process_time() * 1000:.0f}", flush=True))
    app.exec()
    window.store.close()
    return 0


Start = tuple[float, float, float, float]


def _start(profile: Path, plain: bool) -> Start:
    """One start: wall ms and CPU ms of the child until the window showed, and until the
    first page had painted its data."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    command = [sys.executable, "-m", "benchmarks.bench_ui_startup", "--child", str(profile)]
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, *(["--plain"] if plain else [])],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    found: dict[str, tuple[float, float]] = {}
    for word in ("shown", "painted"):
        line = process.stdout.readline()
        elapsed = (time.perf_counter() - started) * 1000
        said, _, cpu = line.strip().partition(" ")
        assert said == word, line
        found[word] = (elapsed, float(cpu))
    process.wait()
    return (*found["shown"], *found["painted"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", type=Path, default=None)
    parser.add_argument("--plain", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--compare-plain", action="store_true")
    args = parser.parse_args()
    if args.child is not None:
        return child(args.child, args.plain)
    source = profile_with_customers(CUSTOMERS)
    kinds = ["encrypted", "plain"] if args.compare_plain else ["encrypted"]
    times: dict[str, list[Start]] = {kind: [] for kind in kinds}
    print(f"load average at start: {_load()}")
    with tempfile.TemporaryDirectory(prefix="fieldcrm-start-") as tmp:
        profiles = {}
        for kind in kinds:
            profiles[kind] = Path(tmp) / kind
            shutil.copytree(source, profiles[kind])
        # The first start of the encrypted copy encrypts the plain profile in place.
        first = _start(profiles["encrypted"], False)
        print(f"first start (encrypts the profile in place): {first[2]:.0f} ms to data painted")
        for n in range(args.runs):
            order = kinds if n % 2 == 0 else kinds[::-1]
            for kind in order:
                times[kind].append(_start(profiles[kind], kind == "plain"))
    print(f"load average at end: {_load()}")
    for kind in kinds:
        for label, at in (("main window shown", 0), ("first page's data painted", 2)):
            walls = [run[at] for run in times[kind]]
            cpus = [run[at + 1] for run in times[kind]]
            print(
                f"cold start to {label}, {kind} ({args.runs} runs): "
                f"median {statistics.median(walls):.0f} ms, max {max(walls):.0f} ms; "
                f"CPU time median {statistics.median(cpus):.0f} ms (budget 2,000 ms)"
            )
    if args.compare_plain:
        ratio = statistics.median(run[2] for run in times["encrypted"]) / statistics.median(
            run[2] for run in times["plain"]
        )
        print(f"encrypted / plain, median wall time to data painted: {ratio:.2f}")
    return 0


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    raise SystemExit(main())
