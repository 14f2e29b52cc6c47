"""Manager reports over the standard area: compute the table, build the chart, fill the model.

Budget (issue "Area managers"): each report over the standard dataset (1,000,000 visits)
renders in at most 2 s. "Renders" here is what the reports page does after a choice:
compute the table from the local store (on the database thread), then build the QtCharts
chart and load the table model (on the GUI thread), offscreen.

    python -m benchmarks.bench_reports --size standard --repeat 3

The standard area is built once into ``benchmarks/data/`` (a few minutes) and reused.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCharts import QChartView
from PySide6.QtWidgets import QApplication

from benchmarks.dataset import REFERENCE_DAY, cached_client_db
from fieldcrm.reports import REPORTS, ReportFilter, compute_report
from fieldcrm.store import Store
from fieldcrm.ui.report_charts import build_chart
from fieldcrm.ui.reports_view import ReportTableModel

PERIODS = {"last 13 weeks": 91, "two years": 730}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="standard", choices=("small", "standard"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    store = Store(cached_client_db(args.size))
    counts = store.counts()
    print(f"area: {counts['visit']:,} visits, {counts['customer']:,} customers")
    end = REFERENCE_DAY.date()
    view = QChartView()
    model = ReportTableModel()
    print(f"{'report':<18}{'period':<16}{'compute s':>11}{'render s':>10}{'total s':>9}{'rows':>8}")
    worst = 0.0
    for name in REPORTS:
        for period, days in PERIODS.items():
            flt = ReportFilter(end - timedelta(days=days - 1), end)
            totals, computes, renders = [], [], []
            rows = 0
            for _ in range(args.repeat):
                began = time.perf_counter()
                with store.read() as conn:
                    table = compute_report(conn, name, flt)
                computed = time.perf_counter()
                old = view.chart()
                view.setChart(build_chart(table))
                if old is not None:
                    old.deleteLater()
                model.set_table(table)
                view.grab()  # lay out and paint the chart once
                done = time.perf_counter()
                computes.append(computed - began)
                renders.append(done - computed)
                totals.append(done - began)
                rows = len(table.rows)
                app.processEvents()
            total = statistics.median(totals)
            worst = max(worst, *totals)
            print(
                f"{name:<18}{period:<16}{statistics.median(computes):>11.3f}"
                f"{statistics.median(renders):>10.3f}{total:>9.3f}{rows:>8}"
            )
    print(f"slowest single run: {worst:.3f} s (budget 2 s)")
    store.close()
    return 0 if worst <= 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
