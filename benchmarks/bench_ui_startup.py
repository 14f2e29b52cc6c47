"""Cold start: from launching Python to the main window on screen, on a 100,000-customer profile.

``python -m benchmarks.bench_ui_startup``

Each run is a new process (``python -m benchmarks.bench_ui_startup --child``) that opens
the profile (migrations check included), builds the main window, shows it and reports
when the first event-loop turn after ``show()`` runs. The time is measured by the parent
from just before it starts the process, so interpreter start and imports count.
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

from benchmarks.ui_common import CUSTOMERS, profile_with_customers

ROOT = Path(__file__).resolve().parents[1]


def child(profile: Path) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer

    from fieldcrm.ui.app import application, open_main_window

    app = application()
    window = open_main_window(profile, {"server_url": ""})
    window.show()
    window.start()

    def shown() -> None:
        print("shown", flush=True)
        window.close()
        app.quit()

    QTimer.singleShot(0, shown)
    app.exec()
    window.store.close()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.child is not None:
        return child(args.child)
    source = profile_with_customers(CUSTOMERS)
    times = []
    with tempfile.TemporaryDirectory(prefix="fieldcrm-start-") as tmp:
        profile = Path(tmp) / "profile"
        shutil.copytree(source, profile)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        for _ in range(args.runs + 1):
            start = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, "-m", "benchmarks.bench_ui_startup", "--child", str(profile)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            assert process.stdout is not None
            line = process.stdout.readline()
            elapsed = (time.perf_counter() - start) * 1000
            process.wait()
            assert line.strip() == "shown", line
            times.append(elapsed)
    # The first run also reads Python, Qt and the app from disk where the operating system
    # has not cached them yet (shown apart; the others are the start a rep sees every day).
    first, times = times[0], times[1:]
    print(f"first start after the files were last read: {first:.0f} ms")
    print(
        f"cold start to main window ({args.runs} runs): "
        f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
