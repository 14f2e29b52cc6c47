"""The Qt binding in use keeps Python's reference counts right (PySide6 6.12.0 did not)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainterPath, QPen


def test_methods_that_return_nothing_leave_none_alone() -> None:
    path, pen = QPainterPath(), QPen()
    before = sys.getrefcount(None)
    for _ in range(1000):
        path.lineTo(QPointF(1.0, 1.0))
        pen.setStyle(Qt.PenStyle.DashLine)
    # A few references may come and go elsewhere; a broken binding loses 2,000.
    assert abs(sys.getrefcount(None) - before) < 100
