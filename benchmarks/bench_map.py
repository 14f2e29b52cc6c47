"""The map page's map with 5,000 customers: opening it, and panning it.

Budgets (issue "Plan the road"): the map opens with 5,000 customer points in at most
500 ms (build the view, place the points, fit them, paint once) and pans without a stall
over 50 ms (each step of a drag repaints the view; the longest repaint counts). Measured
without tiles (the default: no tile server); tiles are drawn from memory and fetched off
the GUI thread, so they add painting but never a wait.

    python -m benchmarks.bench_map --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from benchmarks.dataset import SIZES, customers
from fieldcrm.domain.geo import Point
from fieldcrm.ui.map_view import MapPoint, MapView
from fieldcrm.ui.tiles import TileSource


def points(count: int) -> list[MapPoint]:
    out: list[MapPoint] = []
    for row in customers(SIZES["standard"]):
        if row["latitude"] is not None:
            kind = "overdue" if len(out) % 5 == 0 else "customer"
            out.append(
                MapPoint(row["id"], Point(row["latitude"], row["longitude"]), row["name"], kind)
            )
            if len(out) == count:
                return out
    return out


def open_once(app: QApplication, data: list[MapPoint]) -> tuple[float, MapView]:
    started = time.perf_counter()
    view = MapView(TileSource("", Path(".")))
    view.resize(1280, 800)
    view.set_points(data)
    view.fit()
    view.show()
    view.viewport().repaint()
    app.processEvents()
    return time.perf_counter() - started, view


def pan(app: QApplication, view: MapView, steps: int) -> list[float]:
    times = []
    bar = view.horizontalScrollBar()
    vbar = view.verticalScrollBar()
    for i in range(steps):
        started = time.perf_counter()
        bar.setValue(bar.value() + (15 if (i // 50) % 2 == 0 else -15))
        vbar.setValue(vbar.value() + (8 if (i // 25) % 2 == 0 else -8))
        view.viewport().repaint()
        app.processEvents()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    data = points(args.points)
    opens, stalls = [], []
    for _ in range(args.repeat):
        seconds, view = open_once(app, data)
        opens.append(seconds * 1000)
        # zoomed in as a rep looks at the day's area, then at the whole territory
        stalls.extend(pan(app, view, args.steps))
        view._set_zoom(view.zoom() + 3)
        stalls.extend(pan(app, view, args.steps))
        if view.tiles is not None:
            view.tiles.shutdown()
        view.close()
        view.deleteLater()
        app.processEvents()
    stalls.sort()
    print(
        f"map with {len(data):,} points opens: median {statistics.median(opens):.0f} ms, "
        f"max {max(opens):.0f} ms ({args.repeat} runs)"
    )
    print(
        f"panning, {len(stalls)} repaints: median {statistics.median(stalls):.1f} ms, "
        f"p99 {stalls[int(0.99 * len(stalls)) - 1]:.1f} ms, longest {stalls[-1]:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
