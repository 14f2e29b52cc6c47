"""Cold start: from launching Python to the main window on screen, on a 100,000-customer profile.

``python -m benchmarks.bench_ui_startup``

Each run is a new process (``python -m benchmarks.bench_ui_startup --child``) that opens
the profile (migrations check included), builds the main window, shows it and reports
when the first event-loop turn after ``show()`` runs. The time is measured by the parent
from just before it starts the process, so interpreter start and imports count. The
child also reports the CPU time it used until then (user + system): on a machine shared
with other work the wall time stretches with the load, the CPU time much less.

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
    from PySide6.QtCore import QTimer

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
    window.show()
    window.start()

    def shown() -> None:
        print(f"shown {time.process_time() * 1000:.0f}", flush=True)
        window.close()
        app.quit()

    QTimer.singleShot(0, shown)
    app.exec()
    window.store.close()
    return 0


def _start(profile: Path, plain: bool) -> tuple[float, float]:
    """One start: (wall ms, CPU ms of the child until the window showed)."""
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
    line = process.stdout.readline()
    elapsed = (time.perf_counter() - started) * 1000
    process.wait()
    word, _, cpu = line.strip().partition(" ")
    assert word == "shown", line
    return elapsed, float(cpu)


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
    times: dict[str, list[tuple[float, float]]] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory(prefix="fieldcrm-start-") as tmp:
        profiles = {}
        for kind in kinds:
            profiles[kind] = Path(tmp) / kind
            shutil.copytree(source, profiles[kind])
        # The first start of the encrypted copy encrypts the plain profile in place.
        first = _start(profiles["encrypted"], False)
        print(f"first start (encrypts the profile in place): {first[0]:.0f} ms")
        for n in range(args.runs):
            order = kinds if n % 2 == 0 else kinds[::-1]
            for kind in order:
                times[kind].append(_start(profiles[kind], kind == "plain"))
    for kind in kinds:
        walls = [w for w, _ in times[kind]]
        cpus = [c for _, c in times[kind]]
        print(
            f"cold start to main window, {kind} ({args.runs} runs): "
            f"median {statistics.median(walls):.0f} ms, max {max(walls):.0f} ms; "
            f"CPU time median {statistics.median(cpus):.0f} ms"
        )
    if args.compare_plain:
        ratio = statistics.median(w for w, _ in times["encrypted"]) / statistics.median(
            w for w, _ in times["plain"]
        )
        print(f"encrypted / plain, median wall time: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
