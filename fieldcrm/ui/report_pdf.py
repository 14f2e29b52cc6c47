"""PDF report with Qt's own PDF output: title, period, filters, freshness, charts, tables."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QDateTime,
    QLineF,
    QLocale,
    QMarginsF,
    QRectF,
    QSizeF,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)
from PySide6.QtWidgets import QGraphicsScene

from fieldcrm.reports import ReportFilter, ReportTable
from fieldcrm.ui.i18n import default_locale, format_day
from fieldcrm.ui.report_charts import build_chart, translate_title, value_labels
from fieldcrm.ui.texts import fill

RESOLUTION = 300  # dots per inch
ROW_PT = 15.0
CHART_PT = 230.0
#: Charts are laid out this much larger than drawn, so their labels come out small and sharp.
CHART_ZOOM = 1.4


@dataclass(frozen=True, slots=True)
class ReportHeader:
    """What the first page says about the report."""

    title: str
    date_from: date
    date_to: date
    filters: Sequence[str]
    generated_at: datetime
    data_as_of: datetime | None


def format_cell(value: Any, kind: str, locale: QLocale) -> str:
    if value is None:
        return "—" if kind != "date" else QCoreApplication.translate("Reports", "never")
    if kind == "int":
        return locale.toString(int(value))
    if kind == "float":
        return locale.toString(float(value), "f", 1)
    if kind == "percent":
        return f"{locale.toString(float(value), 'f', 1)} %"
    if kind == "date":
        return locale.toString(
            QDate.fromString(str(value), "yyyy-MM-dd"), QLocale.FormatType.ShortFormat
        )
    return value_labels().get(str(value), str(value))


def format_datetime(value: datetime, locale: QLocale) -> str:
    moment = QDateTime.fromSecsSinceEpoch(int(value.timestamp())).toLocalTime()
    return locale.toString(moment, QLocale.FormatType.ShortFormat)


Draw = Callable[[QPainter], None]


class _Layout:
    """Places content top to bottom in points and starts a new page when one is full."""

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height - 24.0  # room for the footer
        self.pages: list[list[Draw]] = [[]]
        self.y = 0.0

    def need(self, height: float) -> float:
        if self.y + height > self.height and self.y > 0:
            self.pages.append([])
            self.y = 0.0
        top = self.y
        self.y += height
        return top

    def add(self, draw: Draw) -> None:
        self.pages[-1].append(draw)


def _text(
    rect: QRectF, text: str, font: QFont, flags: Qt.AlignmentFlag, color: str = "#000"
) -> Draw:
    def draw(painter: QPainter) -> None:
        painter.setFont(font)
        painter.setPen(QColor(color))
        painter.drawText(rect, int(flags | Qt.AlignmentFlag.AlignVCenter), text)

    return draw


def _font(points: float, bold: bool = False) -> QFont:
    """A font of ``points`` in the painter's coordinates, which are scaled to points."""
    font = QFont()
    font.setPointSizeF(points * 72.0 / RESOLUTION)
    font.setBold(bold)
    return font


def _rule(line: QLineF) -> Draw:
    def draw(painter: QPainter) -> None:
        painter.setPen(QPen(QColor("#555"), 0.8))
        painter.drawLine(line)

    return draw


def _band(rect: QRectF) -> Draw:
    def draw(painter: QPainter) -> None:
        painter.fillRect(rect, QColor("#f1f4f7"))

    return draw


def _chart_draw(table: ReportTable, rect: QRectF) -> Draw:
    def draw(painter: QPainter) -> None:
        scene = QGraphicsScene()
        chart = build_chart(table)
        chart.resize(QSizeF(rect.width() * CHART_ZOOM, rect.height() * CHART_ZOOM))
        scene.addItem(chart)
        scene.setSceneRect(QRectF(0, 0, rect.width() * CHART_ZOOM, rect.height() * CHART_ZOOM))
        scene.render(painter, rect, scene.sceneRect())
        scene.removeItem(chart)

    return draw


def _lay_out_table(
    layout: _Layout, table: ReportTable, locale: QLocale, device: QPdfWriter
) -> None:
    body, bold = _font(8), _font(8, bold=True)
    metrics = QFontMetricsF(bold, device)
    cells = [
        [format_cell(row.get(c.key), c.kind, locale) for c in table.columns] for row in table.rows
    ]
    titles = [translate_title(c.title) for c in table.columns]
    widths = [
        max([metrics.horizontalAdvance(t) for t in [title, *(r[i] for r in cells[:200])]]) + 10
        for i, title in enumerate(titles)
    ]
    scale = min(1.0, layout.width / sum(widths))
    widths = [w * scale for w in widths]

    def header_row() -> None:
        # Keep a header together with at least its first rows.
        top = layout.need(ROW_PT * 3)
        layout.y = top + ROW_PT
        x = 0.0
        for title, width in zip(titles, widths, strict=True):
            layout.add(
                _text(
                    QRectF(x + 2, top, width - 4, ROW_PT), title, bold, Qt.AlignmentFlag.AlignLeft
                )
            )
            x += width
        line_y = top + ROW_PT
        layout.add(_rule(QLineF(0, line_y, layout.width, line_y)))

    header_row()
    if not cells:
        top = layout.need(ROW_PT)
        layout.add(
            _text(
                QRectF(0, top, layout.width, ROW_PT),
                QCoreApplication.translate("Reports", "No data for this selection."),
                body,
                Qt.AlignmentFlag.AlignLeft,
                "#555",
            )
        )
    for i, row in enumerate(cells):
        pages_before = len(layout.pages)
        top = layout.need(ROW_PT)
        if len(layout.pages) != pages_before:
            layout.y = 0.0
            header_row()
            top = layout.need(ROW_PT)
        if i % 2:
            rect = QRectF(0, top, layout.width, ROW_PT)
            layout.add(_band(rect))
        x = 0.0
        for value, width, column in zip(row, widths, table.columns, strict=True):
            align = (
                Qt.AlignmentFlag.AlignLeft
                if column.kind in ("text", "date")
                else Qt.AlignmentFlag.AlignRight
            )
            layout.add(_text(QRectF(x + 2, top, width - 4, ROW_PT), value, body, align))
            x += width


def write_report_pdf(
    path: Path, header: ReportHeader, tables: Sequence[ReportTable], locale: QLocale | None = None
) -> int:
    """Write the PDF; returns the number of pages."""
    locale = locale or default_locale()
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setTitle(header.title)
    writer.setCreator("FieldCRM")
    paint_rect = writer.pageLayout().paintRect(QPageLayout.Unit.Point)
    layout = _Layout(paint_rect.width(), paint_rect.height())

    top = layout.need(28)
    layout.add(
        _text(
            QRectF(0, top, layout.width, 28),
            header.title,
            _font(16, True),
            Qt.AlignmentFlag.AlignLeft,
        )
    )
    period = fill(
        QCoreApplication.translate("Reports", "Period: %1 – %2"),
        format_day(header.date_from, locale),
        format_day(header.date_to, locale),
    )
    filters = fill(
        QCoreApplication.translate("Reports", "Filters: %1"),
        ", ".join(header.filters) or QCoreApplication.translate("Reports", "none"),
    )
    generated = fill(
        QCoreApplication.translate("Reports", "Generated: %1"),
        format_datetime(header.generated_at, locale),
    )
    as_of = fill(
        QCoreApplication.translate("Reports", "Data as of: %1"),
        format_datetime(header.data_as_of, locale)
        if header.data_as_of
        else QCoreApplication.translate("Reports", "never synced"),
    )
    for line in (period, filters, generated, as_of):
        top = layout.need(14)
        layout.add(
            _text(
                QRectF(0, top, layout.width, 14), line, _font(9), Qt.AlignmentFlag.AlignLeft, "#333"
            )
        )
    layout.need(10)

    for table in tables:
        top = layout.need(22 + CHART_PT)
        layout.add(
            _text(
                QRectF(0, top, layout.width, 20),
                translate_title(table.title),
                _font(12, True),
                Qt.AlignmentFlag.AlignLeft,
            )
        )
        layout.add(_chart_draw(table, QRectF(0, top + 22, layout.width, CHART_PT)))
        layout.need(6)
        _lay_out_table(layout, table, locale, writer)
        layout.need(16)

    painter = QPainter(writer)
    try:
        scale = RESOLUTION / 72.0
        total = len(layout.pages)
        for number, page in enumerate(layout.pages, start=1):
            if number > 1:
                writer.newPage()
            painter.save()
            painter.scale(scale, scale)
            for draw in page:
                draw(painter)
            footer = fill(
                QCoreApplication.translate("Reports", "Page %1 of %2"), str(number), str(total)
            )
            _text(
                QRectF(0, layout.height + 8, layout.width, 14),
                footer,
                _font(8),
                Qt.AlignmentFlag.AlignRight,
                "#555",
            )(painter)
            _text(
                QRectF(0, layout.height + 8, layout.width, 14),
                header.title,
                _font(8),
                Qt.AlignmentFlag.AlignLeft,
                "#555",
            )(painter)
            painter.restore()
    finally:
        painter.end()
    return len(layout.pages)


def write_pdf_file(
    path: Path,
    tables: list[ReportTable],
    flt: ReportFilter,
    filters: list[str],
    last_sync: str | None,
) -> int:
    """The reports as a PDF without a window (``fieldcrm report``); returns the page count."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    title = "FieldCRM – " + (
        translate_title(tables[0].title) if len(tables) == 1 else "Area report"
    )
    header = ReportHeader(
        title=title,
        date_from=flt.date_from,
        date_to=flt.date_to,
        filters=filters,
        generated_at=datetime.now(UTC),
        data_as_of=datetime.fromisoformat(last_sync.replace("Z", "+00:00")) if last_sync else None,
    )
    pages = write_report_pdf(path, header, tables)
    del app
    return pages
