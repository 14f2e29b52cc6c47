"""A customer's relationship map: its people, how they relate, and who in the team knows whom."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from fieldcrm.store.relationship_graph import PersonNode, RelationEdge, RelationshipGraph
from fieldcrm.ui.texts import fill

NODE_W, NODE_H = 170.0, 50.0
GAP_X, GAP_Y = 40.0, 70.0
PER_ROW = 8
#: Above this many relationships, their names show as tooltips only, to keep the map legible.
MAX_EDGE_LABELS = 80
DIRECTED = {"reports_to", "assistant_of", "decides_for", "influences", "custom"}
COLOURS = {
    "reports_to": "#2f6f9f",
    "assistant_of": "#7b68a6",
    "colleague": "#8c8c8c",
    "decides_for": "#b94e48",
    "influences": "#d9843b",
    "custom": "#5a7d7c",
}
TEAM_COLOUR = "#3d8b4f"


def relationship_label(text: str) -> str:
    """A relationship's name in the user's language (names people typed stay as they are)."""
    names = {
        "reports to": QCoreApplication.translate("Relationships", "reports to"),
        "manages": QCoreApplication.translate("Relationships", "manages"),
        "is assistant of": QCoreApplication.translate("Relationships", "is assistant of"),
        "has as assistant": QCoreApplication.translate("Relationships", "has as assistant"),
        "is a colleague of": QCoreApplication.translate("Relationships", "is a colleague of"),
        "decides for": QCoreApplication.translate("Relationships", "decides for"),
        "is decided for by": QCoreApplication.translate("Relationships", "is decided for by"),
        "influences": QCoreApplication.translate("Relationships", "influences"),
        "is influenced by": QCoreApplication.translate("Relationships", "is influenced by"),
        "relates to": QCoreApplication.translate("Relationships", "relates to"),
    }
    return names.get(text, text)


def hierarchy_levels(people: list[PersonNode], relations: list[RelationEdge]) -> dict[str, int]:
    """Rows for the map: bosses above those reporting to them, assistants below their boss.

    Everybody starts on row 0; a "reports to" pushes the reporting person one row below the
    boss. Repeating that as often as there are people settles every chain, and a cycle
    (which people may well enter) simply stops moving after that many rounds.
    """
    level = {p.id: 0 for p in people}
    below = [
        (e.target, e.source)
        for e in relations
        if e.kind in ("reports_to", "assistant_of") and e.source in level and e.target in level
    ]
    for _ in range(min(len(people), 50)):
        changed = False
        for boss, person in below:
            if level[person] < level[boss] + 1:
                level[person] = level[boss] + 1
                changed = True
        if not changed:
            break
    return level


class PersonItem(QGraphicsRectItem):
    """A person's box. Name and title are painted here rather than as child items: fewer
    items, and no child wrappers for the scene to delete behind Python's back."""

    def __init__(self, person: PersonNode, colour: str = "#ffffff", dashed: bool = False) -> None:
        super().__init__(0, 0, NODE_W, NODE_H)
        self.person_id = person.id
        self.name = _elide(person.name, 24)
        self.title = _elide(person.title, 28) if person.title else ""
        pen = QPen(QColor("#4a4a4a"), 1.2)
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        self.setPen(pen)
        self.setBrush(QBrush(QColor(colour)))
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setToolTip(f"{person.name}\n{person.title or ''}".strip())

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        super().paint(painter, option, widget)
        bold = QFont(painter.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor("#111111"))
        painter.drawText(QRectF(8, 4, NODE_W - 16, 22), Qt.AlignmentFlag.AlignVCenter, self.name)
        if self.title:
            small = QFont(painter.font())
            small.setBold(False)
            small.setPointSizeF(small.pointSizeF() * 0.85)
            painter.setFont(small)
            painter.setPen(QColor("#555555"))
            painter.drawText(
                QRectF(8, 26, NODE_W - 16, 20), Qt.AlignmentFlag.AlignVCenter, self.title
            )


def _elide(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _order_by_bosses(
    rows: list[list[PersonNode]], relations: list[RelationEdge]
) -> list[list[PersonNode]]:
    """Put each person under their boss where possible (fewer crossing lines)."""
    bosses: dict[str, list[str]] = defaultdict(list)
    for e in relations:
        if e.kind in ("reports_to", "assistant_of"):
            bosses[e.source].append(e.target)
    column: dict[str, float] = {}
    ordered: list[list[PersonNode]] = []
    for row in rows:

        def weight(person: PersonNode) -> tuple[float, str]:
            xs = [column[b] for b in bosses.get(person.id, ()) if b in column]
            return (sum(xs) / len(xs) if xs else math.inf, person.name)

        placed = sorted(row, key=weight)
        for i, person in enumerate(placed):
            column[person.id] = float(i)
        ordered.append(placed)
    return ordered


def _edge_path(
    line: QLineF, directed: bool, obstacles: list[QRectF] | None = None
) -> tuple[QPainterPath, QPointF, QPolygonF | None]:
    """The edge's path (straight, or bent around boxes in the way), its label position and
    its arrowhead."""
    path = QPainterPath(line.p1())
    mid = line.center()
    straight = QPainterPath(line.p1())
    straight.lineTo(line.p2())
    if obstacles and any(straight.intersects(rect) for rect in obstacles):
        normal = QPointF(-line.dy(), line.dx()) / max(line.length(), 1.0)
        best: tuple[int, QPainterPath, QPointF] | None = None
        for bend in (0.35, -0.35, 0.7, -0.7):
            control = mid + normal * (line.length() * bend)
            curve = QPainterPath(line.p1())
            curve.quadTo(control, line.p2())
            hits = sum(curve.intersects(rect) for rect in obstacles)
            if best is None or hits < best[0]:
                best = (hits, curve, (line.p1() + control * 2 + line.p2()) / 4)
            if hits == 0:
                break
        assert best is not None
        path, mid = best[1], best[2]
        end_dir = QLineF(path.pointAtPercent(0.95), line.p2())
    else:
        path.lineTo(line.p2())
        end_dir = line
    head = None
    if directed and line.length() > 1:
        angle = math.atan2(end_dir.dy(), end_dir.dx())
        tip = line.p2()
        size = 9.0
        left = QPointF(
            tip.x() - size * math.cos(angle - 0.45), tip.y() - size * math.sin(angle - 0.45)
        )
        right = QPointF(
            tip.x() - size * math.cos(angle + 0.45), tip.y() - size * math.sin(angle + 0.45)
        )
        head = QPolygonF([tip, left, right, tip])
    return path, mid, head


def _clip_to_box(centre: QPointF, towards: QPointF) -> QPointF:
    """Where the line from a box's centre towards a point leaves the box."""
    dx, dy = towards.x() - centre.x(), towards.y() - centre.y()
    if dx == 0 and dy == 0:
        return centre
    scale = min(
        (NODE_W / 2) / abs(dx) if dx else math.inf, (NODE_H / 2) / abs(dy) if dy else math.inf
    )
    return QPointF(centre.x() + dx * scale, centre.y() + dy * scale)


class RelationshipMap(QGraphicsView):
    """Shows a ``RelationshipGraph``; people can be dragged apart, the map exported as PNG."""

    person_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.items_by_person: dict[str, PersonItem] = {}
        self._labels: list[QRectF] = []
        self._bend_edges = True
        self._corners: dict[str, tuple[float, float]] = {}
        self.edge_count = 0
        self._graph: RelationshipGraph | None = None
        self.retranslate()

    def retranslate(self) -> None:
        """Name the map and draw it again in the current language, where the user looks."""
        self.setAccessibleName(self.tr("Relationship map"))
        if self._graph is None:
            return
        selected = {item.person_id for item in self.items_by_person.values() if item.isSelected()}
        centre = self.mapToScene(self.viewport().rect().center())
        self.show_graph(self._graph)
        for person_id in selected:
            if person_id in self.items_by_person:
                self.items_by_person[person_id].setSelected(True)
        self.centerOn(centre)

    def show_graph(self, graph: RelationshipGraph) -> None:
        self._graph = graph
        scene = self.scene()
        scene.clear()
        self.items_by_person = {}
        self._labels = []
        levels = hierarchy_levels([p for p in graph.people if p.own], graph.relations)
        in_hierarchy = {
            pid
            for e in graph.relations
            if e.kind in ("reports_to", "assistant_of")
            for pid in (e.source, e.target)
        }
        rows: dict[int, list[PersonNode]] = defaultdict(list)
        loose: list[PersonNode] = []
        outside: list[PersonNode] = []
        for person in graph.people:
            if not person.own:
                outside.append(person)
            elif person.id in in_hierarchy:
                rows[levels[person.id]].append(person)
            else:
                loose.append(person)
        ordered_rows = _order_by_bosses([rows[k] for k in sorted(rows)], graph.relations)
        for start in range(0, len(loose), PER_ROW):
            ordered_rows.append(loose[start : start + PER_ROW])
        for start in range(0, len(outside), PER_ROW):
            ordered_rows.append(outside[start : start + PER_ROW])
        team_users = sorted({(t.user_name, t.user_id) for t in graph.team})
        left = (NODE_W + GAP_X * 2) if team_users else 0.0
        y = 0.0
        for row in ordered_rows:
            for chunk_start in range(0, len(row), PER_ROW * 2):
                chunk = row[chunk_start : chunk_start + PER_ROW * 2]
                for i, person in enumerate(chunk):
                    item = PersonItem(
                        person, "#ffffff" if person.own else "#f3f3f3", not person.own
                    )
                    item.setPos(left + i * (NODE_W + GAP_X), y)
                    scene.addItem(item)
                    self.items_by_person[person.id] = item
                y += NODE_H + GAP_Y
        for i, (user_name, user_id) in enumerate(team_users):
            node = PersonNode(user_id, user_name, self.tr("our team"))
            item = PersonItem(node, "#e4f2e7")
            item.setPos(0, i * (NODE_H + GAP_Y / 2))
            scene.addItem(item)
            self.items_by_person[f"user:{user_id}"] = item

        label_edges = len(graph.relations) <= MAX_EDGE_LABELS
        # Bending edges around boxes pays off on maps a person can still read line by line.
        self._bend_edges = label_edges
        self._corners = {pid: (item.x(), item.y()) for pid, item in self.items_by_person.items()}
        for edge in graph.relations:
            label = relationship_label(edge.label)
            self._add_edge(
                edge.source,
                edge.target,
                COLOURS.get(edge.kind, "#555"),
                label if label_edges else None,
                edge.kind in DIRECTED,
                label + (f"\n{edge.note}" if edge.note else ""),
            )
        for link in graph.team:
            stars = "★" * link.strength
            self._add_edge(
                f"user:{link.user_id}",
                link.contact_id,
                TEAM_COLOUR,
                stars,
                False,
                fill(self.tr("%1 knows this person (%2 of 5)"), link.user_name, str(link.strength))
                + (f"\n{link.note}" if link.note else ""),
                dashed=True,
            )
        self.edge_count = len(graph.relations) + len(graph.team)
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-20, -20, 20, 20))

    def _add_edge(
        self,
        source: str,
        target: str,
        colour: str,
        label: str | None,
        directed: bool,
        tooltip: str,
        dashed: bool = False,
    ) -> None:
        a, b = self.items_by_person.get(source), self.items_by_person.get(target)
        if a is None or b is None:
            return
        ca, cb = a.sceneBoundingRect().center(), b.sceneBoundingRect().center()
        line = QLineF(_clip_to_box(ca, cb), _clip_to_box(cb, ca))
        obstacles: list[QRectF] = []
        if self._bend_edges:
            # Boxes near the line (plain number comparisons: this runs for every edge).
            x0, x1 = sorted((line.x1(), line.x2()))
            y0, y1 = sorted((line.y1(), line.y2()))
            x0, x1, y0, y1 = x0 - NODE_W, x1 + NODE_W, y0 - NODE_H, y1 + NODE_H
            obstacles = [
                QRectF(left + 4, top + 4, NODE_W - 8, NODE_H - 8)
                for pid, (left, top) in self._corners.items()
                if pid not in (source, target) and x0 <= left <= x1 and y0 <= top <= y1
            ]
        path, mid, head = _edge_path(line, directed, obstacles)
        item = QGraphicsPathItem(path)
        pen = QPen(QColor(colour), 1.6)
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        item.setPen(pen)
        item.setToolTip(tooltip)
        item.setZValue(-1)
        self.scene().addItem(item)
        if head is not None:
            arrow = QGraphicsPolygonItem(head)
            arrow.setPen(QPen(QColor(colour), 1.0))
            arrow.setBrush(QBrush(QColor(colour)))
            arrow.setZValue(-1)
            self.scene().addItem(arrow)
        if label:
            text = QGraphicsSimpleTextItem(label)
            small = QFont()
            small.setPointSizeF(small.pointSizeF() * 0.85)
            text.setFont(small)
            text.setBrush(QBrush(QColor(colour).darker(130)))
            bounds = text.boundingRect()
            spot = QRectF(
                mid.x() - bounds.width() / 2,
                mid.y() - bounds.height() / 2,
                bounds.width(),
                bounds.height(),
            )
            for _ in range(6):  # step aside from labels already placed
                if not any(spot.intersects(taken) for taken in self._labels):
                    break
                spot.translate(0, bounds.height() + 1)
            self._labels.append(spot)
            text.setPos(spot.topLeft())
            back = QGraphicsRectItem(text.sceneBoundingRect().adjusted(-2, -1, 2, 1))
            back.setBrush(QBrush(QColor(255, 255, 255, 220)))
            back.setPen(QPen(Qt.PenStyle.NoPen))
            self.scene().addItem(back)
            self.scene().addItem(text)

    def fit(self) -> None:
        self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        item = self.itemAt(event.position().toPoint())
        while item is not None and not isinstance(item, PersonItem):
            item = item.parentItem()
        if isinstance(item, PersonItem) and not item.person_id.startswith("user:"):
            self.person_activated.emit(item.person_id)

    def export_png(self, path: Path, scale: float = 1.5) -> bool:
        """Save the whole map (not only what is in view) as a PNG image."""
        rect: QRectF = self.scene().sceneRect()
        image = QImage(
            int(rect.width() * scale), int(rect.height() * scale), QImage.Format.Format_ARGB32
        )
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.scene().render(painter, QRectF(image.rect()), rect)
        painter.end()
        return image.save(str(path.with_suffix(".png")))
