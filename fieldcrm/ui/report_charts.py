"""Charts (QtCharts) and translated titles for the manager reports."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QHorizontalBarSeries,
    QPieSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QMargins, Qt
from PySide6.QtGui import QColor, QFont

from fieldcrm.reports import ReportTable

PALETTE = ("#2f6f9f", "#5aa469", "#d9843b", "#b94e48", "#7b68a6", "#8c8c8c")


def report_titles() -> dict[str, str]:
    """Every report and column title, translated (the English text is the key)."""
    return {
        "Visits per rep and week": QCoreApplication.translate("Reports", "Visits per rep and week"),
        "Coverage: customers visited within their cadence": QCoreApplication.translate(
            "Reports", "Coverage: customers visited within their cadence"
        ),
        "Overdue customers": QCoreApplication.translate("Reports", "Overdue customers"),
        "Visit outcomes": QCoreApplication.translate("Reports", "Visit outcomes"),
        "Average visit duration": QCoreApplication.translate("Reports", "Average visit duration"),
        "Follow-ups open and overdue": QCoreApplication.translate(
            "Reports", "Follow-ups open and overdue"
        ),
        "Rep": QCoreApplication.translate("Reports", "Rep"),
        "Week": QCoreApplication.translate("Reports", "Week"),
        "Planned": QCoreApplication.translate("Reports", "Planned"),
        "Done": QCoreApplication.translate("Reports", "Done"),
        "Cancelled": QCoreApplication.translate("Reports", "Cancelled"),
        "Total": QCoreApplication.translate("Reports", "Total"),
        "Level": QCoreApplication.translate("Reports", "Level"),
        "Territory or rep": QCoreApplication.translate("Reports", "Territory or rep"),
        "Customers with cadence": QCoreApplication.translate("Reports", "Customers with cadence"),
        "Visited within cadence": QCoreApplication.translate("Reports", "Visited within cadence"),
        "Coverage": QCoreApplication.translate("Reports", "Coverage"),
        "Number": QCoreApplication.translate("Reports", "Number"),
        "Customer": QCoreApplication.translate("Reports", "Customer"),
        "City": QCoreApplication.translate("Reports", "City"),
        "Territory": QCoreApplication.translate("Reports", "Territory"),
        "Owner": QCoreApplication.translate("Reports", "Owner"),
        "Cadence (days)": QCoreApplication.translate("Reports", "Cadence (days)"),
        "Last visit": QCoreApplication.translate("Reports", "Last visit"),
        "Days over cadence": QCoreApplication.translate("Reports", "Days over cadence"),
        "Outcome": QCoreApplication.translate("Reports", "Outcome"),
        "Visits": QCoreApplication.translate("Reports", "Visits"),
        "Share": QCoreApplication.translate("Reports", "Share"),
        "Visits with check-in and check-out": QCoreApplication.translate(
            "Reports", "Visits with check-in and check-out"
        ),
        "Over 12 hours (not averaged)": QCoreApplication.translate(
            "Reports", "Over 12 hours (not averaged)"
        ),
        "Average minutes": QCoreApplication.translate("Reports", "Average minutes"),
        "Open": QCoreApplication.translate("Reports", "Open"),
        "Overdue": QCoreApplication.translate("Reports", "Overdue"),
    }


def value_labels() -> dict[str, str]:
    """Translations of values that appear in report cells (levels, outcomes)."""
    return {
        "territory": QCoreApplication.translate("Reports", "Territory"),
        "rep": QCoreApplication.translate("Reports", "Rep"),
        "order": QCoreApplication.translate("Reports", "Order"),
        "opportunity": QCoreApplication.translate("Reports", "Opportunity"),
        "information": QCoreApplication.translate("Reports", "Information"),
        "no_interest": QCoreApplication.translate("Reports", "No interest"),
        "not_reached": QCoreApplication.translate("Reports", "Not reached"),
        "none": QCoreApplication.translate("Reports", "No outcome"),
    }


def translate_title(text: str) -> str:
    return report_titles().get(text, text)


def _new_chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont()
    font.setPointSize(11)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(0)
    return chart


def _bar_set(label: str, values: list[float], color_index: int) -> QBarSet:
    bar_set = QBarSet(label)
    bar_set.append(values)
    bar_set.setColor(QColor(PALETTE[color_index % len(PALETTE)]))
    return bar_set


def _category_chart(
    chart: QChart,
    series: QBarSeries | QStackedBarSeries,
    categories: list[str],
    maximum: float | None = None,
) -> QChart:
    chart.addSeries(series)
    axis_x = QBarCategoryAxis()
    axis_x.append(categories or [""])
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    axis_y = QValueAxis()
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    _count_axis(axis_y, maximum if maximum is not None else _largest(series))
    return chart


def _largest(series: QBarSeries | QStackedBarSeries) -> float:
    sets = series.barSets()
    if not sets:
        return 0.0
    if isinstance(series, QStackedBarSeries):
        return max((sum(s.at(i) for s in sets) for i in range(sets[0].count())), default=0.0)
    return max((s.at(i) for s in sets for i in range(s.count())), default=0.0)


def _count_axis(axis: QValueAxis, largest: float) -> None:
    """An axis from 0 with whole-number ticks (no "0, 0, 1, 1, 2" on small counts)."""
    axis.setLabelFormat("%d")
    top = max(1, int(largest + 0.999))
    if top <= 10:
        axis.setRange(0, top)
        axis.setTickCount(top + 1)
    else:
        axis.setRange(0, top)
        axis.applyNiceNumbers()


def week_axis(weeks: set[str]) -> list[str]:
    """Every ISO week ("2026-W47") from the first to the last of ``weeks``: a week without
    visits shows as an empty bar instead of vanishing from the time axis."""
    if not weeks:
        return []

    def monday(week: str) -> date:
        year, number = week.split("-W")
        return date.fromisocalendar(int(year), int(number), 1)

    axis: list[str] = []
    day, last = monday(min(weeks)), monday(max(weeks))
    while day <= last:
        year, week, _ = day.isocalendar()
        axis.append(f"{year}-W{week:02d}")
        day += timedelta(days=7)
    return axis


def build_chart(table: ReportTable) -> QChart:
    """The chart that goes with a report table."""
    chart = _new_chart(translate_title(table.title))
    labels = value_labels()
    if table.name == "visits_per_week":
        weeks = week_axis({str(r["week"]) for r in table.rows})
        by_status: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for row in table.rows:
            for status in ("planned", "done", "cancelled"):
                by_status[status][str(row["week"])] += row[status]
        stacked = QStackedBarSeries()
        for i, (status, title) in enumerate(
            (("done", "Done"), ("planned", "Planned"), ("cancelled", "Cancelled"))
        ):
            stacked.append(
                _bar_set(translate_title(title), [by_status[status][w] for w in weeks], i)
            )
        return _category_chart(chart, stacked, weeks)
    if table.name == "coverage":
        series = QBarSeries()
        names = [str(r["name"]) for r in table.rows]
        series.append(
            _bar_set(translate_title("Coverage"), [float(r["share"]) for r in table.rows], 0)
        )
        chart.legend().hide()
        return _category_chart(chart, series, names, maximum=100)
    if table.name == "overdue":
        top = [r for r in table.rows if r["days_over"] is not None][:10]
        horizontal = QHorizontalBarSeries()
        horizontal.append(
            _bar_set(translate_title("Days over cadence"), [r["days_over"] for r in top], 3)
        )
        chart.addSeries(horizontal)
        axis_y = QBarCategoryAxis()
        axis_y.append([str(r["name"]) for r in top] or [""])
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        horizontal.attachAxis(axis_y)
        axis_x = QValueAxis()
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        horizontal.attachAxis(axis_x)
        _count_axis(axis_x, max((float(r["days_over"]) for r in top), default=0.0))
        chart.legend().hide()
        return chart
    if table.name == "outcomes":
        pie = QPieSeries()
        for i, row in enumerate(table.rows):
            outcome = str(row["outcome"])
            pie_slice = pie.append(
                f"{labels.get(outcome, outcome)} ({row['visits']})", row["visits"]
            )
            pie_slice.setColor(QColor(PALETTE[i % len(PALETTE)]))
            pie_slice.setLabelVisible(True)
        chart.addSeries(pie)
        chart.legend().hide()
        return chart
    if table.name == "duration":
        series = QBarSeries()
        series.append(
            _bar_set(
                translate_title("Average minutes"),
                [float(r["average_minutes"] or 0) for r in table.rows],
                1,
            )
        )
        chart.legend().hide()
        return _category_chart(chart, series, [str(r["rep"]) for r in table.rows])
    if table.name == "followups":
        series = QBarSeries()
        series.append(_bar_set(translate_title("Open"), [r["open"] for r in table.rows], 0))
        series.append(_bar_set(translate_title("Overdue"), [r["overdue"] for r in table.rows], 3))
        return _category_chart(chart, series, [str(r["rep"]) for r in table.rows])
    raise ValueError(f"no chart for report {table.name!r}")
