"""The map: customers, the day's route and the selection over Web-Mercator tiles, or over a
plain background with a scale bar and labels when there are no tiles.

The scene is the world at zoom level 0 (256 by 256 units); zooming scales the view. Tiles
are drawn in ``drawBackground`` from a ``TileSource`` that never blocks; points, route,
labels and scale bar in ``drawForeground`` in screen pixels, each kind of point as one
``drawPoints`` call, so thousands of customers pan smoothly.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QMouseEvent,
    QPainter,
    QPen,
    QPolygonF,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QWidget

from fieldcrm.domain.geo import TILE_SIZE, Point, km_per_world_unit, world_point, world_xy
from fieldcrm.ui.tiles import TileSource

MAX_ZOOM = 19
LABELS_BELOW = 25  # customer names are drawn when fewer points than this are in view
BACKGROUND = QColor("#eef1f4")
COLOURS = {
    "customer": QColor("#1565c0"),
    "overdue": QColor("#c62828"),
    "stop": QColor("#2e7d32"),
    "home": QColor("#6a1b9a"),
}


@dataclass(frozen=True, slots=True)
class MapPoint:
    key: str
    point: Point
    label: str
    kind: str = "customer"  # customer, overdue, stop, home


class MapView(QGraphicsView):
    """Pan by dragging, zoom with the wheel; a click picks the nearest point or, while a
    pin is being placed, gives the place clicked."""

    picked = Signal(str)
    place_clicked = Signal(float, float)

    def __init__(self, tiles: TileSource | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("map_view")
        scene = QGraphicsScene(0, 0, TILE_SIZE, TILE_SIZE, self)
        self.setScene(scene)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.tiles = tiles
        if tiles is not None:
            tiles.tile_ready.connect(lambda *_: self.viewport().update())
        self.points: list[MapPoint] = []
        self._world: dict[str, QPolygonF] = {}
        self._xy: list[tuple[float, float, MapPoint]] = []
        self._by_x: list[tuple[float, float, MapPoint]] = []
        self._xs: list[float] = []
        self._important: list[tuple[float, float, MapPoint]] = []
        self.route: list[Point] = []
        self.selected: str | None = None
        self.placing_pin = False
        self.scale_text = ""
        self._press: QPointF | None = None
        self.scale(4, 4)

    # ---- content -------------------------------------------------------------------------

    def set_points(self, points: Sequence[MapPoint]) -> None:
        self.points = list(points)
        by_kind: dict[str, list[QPointF]] = {}
        self._xy = []
        for p in self.points:
            x, y = world_xy(p.point)
            self._xy.append((x, y, p))
            by_kind.setdefault(p.kind, []).append(QPointF(x, y))
        self._world = {kind: QPolygonF(pts) for kind, pts in by_kind.items()}
        self._by_x = sorted(self._xy, key=lambda item: item[0])
        self._xs = [item[0] for item in self._by_x]
        self._update_important()
        self.viewport().update()

    def _update_important(self) -> None:
        self._important = [
            item
            for item in self._xy
            if item[2].kind in ("stop", "home") or item[2].key == self.selected
        ]

    def set_route(self, route: Sequence[Point]) -> None:
        self.route = list(route)
        self.viewport().update()

    def select(self, key: str | None) -> None:
        self.selected = key
        self._update_important()
        self.viewport().update()

    def zoom(self) -> float:
        return math.log2(max(1e-9, self.transform().m11()))

    def fit(self, places: Sequence[Point] | None = None) -> None:
        """Show every point (or ``places``) with a margin, at most street level."""
        chosen = list(places) if places else [p.point for p in self.points]
        if not chosen:
            return
        xs, ys = zip(*(world_xy(p) for p in chosen), strict=True)
        rect = QRectF(min(xs), min(ys), max(max(xs) - min(xs), 1e-4), max(max(ys) - min(ys), 1e-4))
        rect.adjust(
            -rect.width() * 0.1, -rect.height() * 0.1, rect.width() * 0.1, rect.height() * 0.1
        )
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > 16:
            self._set_zoom(16)
        self.centerOn(rect.center())

    def _set_zoom(self, zoom: float) -> None:
        zoom = max(1.0, min(float(MAX_ZOOM), zoom))
        factor = 2**zoom / self.transform().m11()
        self.scale(factor, factor)

    # ---- input ---------------------------------------------------------------------------

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self._set_zoom(self.zoom() + steps * 0.5)
            self.viewport().update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if press is None or (event.position() - press).manhattanLength() > 4:
            return  # a drag, not a click
        world = self.mapToScene(event.position().toPoint())
        if self.placing_pin:
            place = world_point(world.x(), world.y())
            self.placing_pin = False
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            self.place_clicked.emit(place.latitude, place.longitude)
            return
        key = self.point_at(event.position())
        if key is not None:
            self.select(key)
            self.picked.emit(key)

    def point_at(self, position: QPointF, radius: float = 8.0) -> str | None:
        t = self.viewportTransform()
        best: tuple[float, str] | None = None
        for x, y, p in self._xy:
            v = t.map(QPointF(x, y))
            d = (v - position).manhattanLength()
            if d <= radius and (best is None or d < best[0]):
                best = (d, p.key)
        return None if best is None else best[1]

    def begin_pin(self) -> None:
        self.placing_pin = True
        self.viewport().setCursor(Qt.CursorShape.CrossCursor)

    # ---- drawing -------------------------------------------------------------------------

    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        rect = QRectF(rect)
        painter.fillRect(rect, BACKGROUND)
        if self.tiles is None or not self.tiles.enabled:
            return
        z = max(0, min(MAX_ZOOM, round(self.zoom())))
        n = 2**z
        size = TILE_SIZE / n
        world = rect.intersected(QRectF(0, 0, TILE_SIZE, TILE_SIZE))
        for tx in range(int(world.left() // size), min(n, int(world.right() // size) + 1)):
            for ty in range(int(world.top() // size), min(n, int(world.bottom() // size) + 1)):
                pixmap = self.tiles.tile(z, tx, ty)
                if pixmap is not None:
                    painter.drawPixmap(
                        QRectF(tx * size, ty * size, size, size), pixmap, QRectF(pixmap.rect())
                    )

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        t = self.viewportTransform()
        painter.save()
        painter.resetTransform()
        view = QRectF(self.viewport().rect())
        if len(self.route) > 1:
            line = QPolygonF([QPointF(*world_xy(p)) for p in self.route])
            painter.setPen(QPen(QColor(46, 125, 50, 200), 3))
            painter.drawPolyline(t.map(line))
        # Thousands of customers: small squares without antialiasing, about 0.3 us each
        # (round antialiased dots cost 8 us each, a stall when panning over 5,000); the
        # few stops and home as round dots.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for kind in ("customer", "overdue", "home", "stop"):
            if kind not in self._world:
                continue
            few = kind in ("stop", "home")
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, few)
            pen = QPen(COLOURS[kind], 9 if few else 5)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap if few else Qt.PenCapStyle.SquareCap)
            painter.setPen(pen)
            painter.drawPoints(t.map(self._world[kind]))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self._draw_labels(painter, view)
        self._draw_scale_bar(painter, view)
        painter.restore()

    def _draw_labels(self, painter: QPainter, view: QRectF) -> None:
        """Names of the stops, home and the selection always; of other customers only
        when few are in view (found through the points sorted by x, not a scan)."""
        t = self.viewportTransform()
        area = self.mapToScene(self.viewport().rect()).boundingRect()
        shown = list(self._important)
        lo = bisect.bisect_left(self._xs, area.left())
        hi = bisect.bisect_right(self._xs, area.right())
        if hi - lo < LABELS_BELOW * 8:
            inside = [
                item
                for item in self._by_x[lo:hi]
                if area.top() <= item[1] <= area.bottom()
                and item[2].kind in ("customer", "overdue")
            ]
            if len(inside) < LABELS_BELOW:
                shown = shown + inside
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        painter.setFont(font)
        for x, y, p in shown:
            v = t.map(QPointF(x, y))
            if not view.contains(v):
                continue
            painter.setPen(QColor("#263238"))
            painter.drawText(v + QPointF(7, -5), p.label)
            if p.key == self.selected:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(QColor("#ff8f00"), 3))
                painter.drawEllipse(v, 9, 9)
        painter.setBrush(QBrush())

    def _draw_scale_bar(self, painter: QPainter, view: QRectF) -> None:
        centre = self.mapToScene(self.viewport().rect().center())
        latitude = world_point(centre.x(), centre.y()).latitude
        km_per_px = km_per_world_unit(latitude) / max(1e-12, self.transform().m11())
        target = km_per_px * 120
        nice = 10 ** math.floor(math.log10(target)) if target > 0 else 1
        for step in (5, 2, 1):
            if step * nice <= target:
                nice *= step
                break
        pixels = nice / km_per_px
        self.scale_text = f"{nice:g} km" if nice >= 1 else f"{nice * 1000:g} m"
        x0, y0 = 12.0, view.height() - 16
        painter.setPen(QPen(QColor("#263238"), 2))
        painter.drawLine(QPointF(x0, y0), QPointF(x0 + pixels, y0))
        painter.drawLine(QPointF(x0, y0 - 5), QPointF(x0, y0 + 1))
        painter.drawLine(QPointF(x0 + pixels, y0 - 5), QPointF(x0 + pixels, y0 + 1))
        painter.drawText(QPointF(x0, y0 - 7), self.scale_text)
