"""GUI thread responsiveness during a first sync: the longest event-loop stall.

``python -m benchmarks.bench_ui_sync_lag --size small``

A real sync server (``benchmarks.sync_server_fixture``) serves the benchmark area; the
desktop app signs in and runs its first sync in the background as it does for a user.
A probe timer fires every 5 ms on the GUI thread; a stall is how much later than due a
tick arrives. The largest stall over the whole sync, and the few seconds after it while
the views reload what arrived (``--tail``), is the figure.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from pathlib import Path

from benchmarks import ui_common  # noqa: F401  (sets the offscreen platform)
from benchmarks.sync_server_fixture import BENCH_PASSWORD, running_server, server_db


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="small", help="dataset size (small, standard)")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--verbose", action="store_true", help="list the long stalls")
    parser.add_argument(
        "--tail",
        type=float,
        default=5.0,
        help="seconds to keep probing after the sync ended (the views reload then)",
    )
    args = parser.parse_args()
    db = server_db(args.size)
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from fieldcrm.ui import i18n
    from fieldcrm.ui.app import application, open_main_window

    application()
    with (
        tempfile.TemporaryDirectory(prefix="fieldcrm-lag-") as tmp,
        running_server(db, Path(tmp) / "server") as url,
    ):
        policy = QSettings(str(Path(tmp) / "policy.ini"), QSettings.Format.IniFormat)
        translations = i18n.Translations()
        translations.install("en")
        window = open_main_window(
            Path(tmp) / "client", {"server_url": url}, policy=policy, translations=translations
        )
        window.show()
        stalls: list[float] = []
        start = time.perf_counter()
        last = [time.perf_counter()]
        interval_ms = 5

        long_ones: list[tuple[float, float]] = []
        # Garbage collections that took long (they hold the GIL whichever thread runs them).
        collections: list[tuple[float, int, float]] = []
        gc_started = [0.0]

        def on_gc(phase: str, info: dict[str, int]) -> None:
            now = time.perf_counter()
            if phase == "start":
                gc_started[0] = now
            elif now - gc_started[0] > 0.01:
                collections.append(
                    (
                        round(now - start, 3),
                        info["generation"],
                        round((now - gc_started[0]) * 1000, 1),
                    )
                )

        gc.callbacks.append(on_gc)

        def tick() -> None:
            now = time.perf_counter()
            stall = (now - last[0]) * 1000 - interval_ms
            stalls.append(stall)
            if stall > 40:
                long_ones.append((round(now - start, 3), round(stall, 1)))
            last[0] = now

        probe = QTimer()
        probe.setTimerType(probe.timerType().PreciseTimer)
        probe.setInterval(interval_ms)
        probe.timeout.connect(tick)
        loop = QEventLoop()
        marks: dict[str, float] = {}
        window.logged_in.connect(
            lambda _u: marks.setdefault("logged in", time.perf_counter() - start)
        )
        window.sync.synced.connect(
            lambda _r: marks.setdefault("synced", time.perf_counter() - start)
        )
        window.sync.synced.connect(lambda _r: QTimer.singleShot(int(args.tail * 1000), loop.quit))
        window.sync.state_changed.connect(lambda: loop.quit() if window.sync.state.error else None)
        start = time.perf_counter()
        last[0] = start
        probe.start()
        window.auto_login(url, args.user, BENCH_PASSWORD)
        loop.exec()
        probe.stop()
        seconds = time.perf_counter() - start
        rows = sum(window.store.counts().values())
        error = window.sync.state.error
        window.close()
        window.store.close()
    if error:
        print(f"sync failed: {error}")
        return 1
    stalls.sort()
    if args.verbose:
        print("marks (s):", {k: round(v, 3) for k, v in marks.items()})
        print("stalls over 40 ms (s after start, ms):", long_ones)
        print("collections over 10 ms (s after start, generation, ms):", collections)
    print(f"first sync of {rows:,} rows ({args.size}, {args.user}) in {seconds:.1f} s")
    print(
        f"GUI thread: {len(stalls):,} probe ticks; longest stall {stalls[-1]:.1f} ms; "
        f"p99 {stalls[int(0.99 * (len(stalls) - 1))]:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
